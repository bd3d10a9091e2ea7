using Npgsql;

namespace ToolCatalog.Api.Search;

public sealed record SearchHit(string Kind, string Tool, string? Capability, string? Pattern, double Rank, string Highlight);

public sealed record PatternMatch(string Tool, string Capability, string Pattern, string Description, double Rank, IReadOnlyList<string> MatchedUseCases,
    IReadOnlyList<string> UseCases);

/// <summary>
/// Full-text search over tools, capabilities and patterns in PostgreSQL: tsvector ranking with highlights, plus pg_trgm
/// similarity so a misspelt word still finds its tool.
/// </summary>
public sealed class CatalogSearch(NpgsqlDataSource dataSource)
{
    private const double TypoThreshold = 0.4;

    /// <summary>Names of live tools whose name, description, capabilities or patterns match the text.</summary>
    public async Task<HashSet<string>> MatchingToolNamesAsync(string text, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH q AS (SELECT websearch_to_tsquery('english', @q) AS query)
            SELECT t.name
            FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current, q
            WHERE t.deleted_at IS NULL
              AND (v.search @@ q.query
                   OR similarity(t.name, @q) > @typo
                   OR EXISTS (SELECT 1 FROM capabilities c WHERE c.tool_version_id = v.id AND c.search @@ q.query)
                   OR EXISTS (SELECT 1 FROM patterns p WHERE p.tool_version_id = v.id AND p.search @@ q.query))
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<string>("q", text));
        cmd.Parameters.Add(new NpgsqlParameter<double>("typo", TypoThreshold));
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string text, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH q AS (SELECT websearch_to_tsquery('english', @q) AS query),
            hits AS (
                SELECT 'tool' AS kind, t.name AS tool, NULL::text AS capability, NULL::text AS pattern,
                       ts_rank(v.search, q.query) + greatest(similarity(t.name, @q), word_similarity(@q, v.description) * 0.5) AS rank,
                       ts_headline('english', v.description, q.query, 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MinWords=5, MaxWords=25') AS highlight
                FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current, q
                WHERE t.deleted_at IS NULL
                  AND (v.search @@ q.query OR similarity(t.name, @q) > @typo OR @q <% v.description)
                UNION ALL
                SELECT 'capability', t.name, c.name, NULL, ts_rank(c.search, q.query),
                       ts_headline('english', c.description, q.query, 'StartSel=<mark>, StopSel=</mark>')
                FROM capabilities c JOIN tool_versions v ON v.id = c.tool_version_id AND v.is_current
                JOIN tools t ON t.id = v.tool_id, q
                WHERE t.deleted_at IS NULL AND c.search @@ q.query
                UNION ALL
                SELECT 'pattern', t.name, c.name, p.name,
                       ts_rank(p.search, q.query) + word_similarity(@q, p.description) * 0.5,
                       ts_headline('english', p.description || ' Use cases: ' || catalog_join_text(p.use_cases), q.query,
                                   'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MinWords=5, MaxWords=25')
                FROM patterns p JOIN capabilities c ON c.id = p.capability_id
                JOIN tool_versions v ON v.id = p.tool_version_id AND v.is_current
                JOIN tools t ON t.id = v.tool_id, q
                WHERE t.deleted_at IS NULL AND (p.search @@ q.query OR @q <% p.description)
            )
            SELECT kind, tool, capability, pattern, rank, highlight FROM hits
            ORDER BY rank DESC, tool, capability NULLS FIRST, pattern NULLS FIRST
            LIMIT @limit
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<string>("q", text));
        cmd.Parameters.Add(new NpgsqlParameter<double>("typo", TypoThreshold));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var hits = new List<SearchHit>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new SearchHit(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), Math.Round(reader.GetFloat(4), 4), reader.GetString(5)));
        }
        return hits;
    }

    /// <summary>Patterns ranked by how well their typical use cases match a described need.</summary>
    public async Task<IReadOnlyList<PatternMatch>> PatternsByUseCaseAsync(string useCase, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH q AS (SELECT websearch_to_tsquery('english', @q) AS query)
            SELECT t.name, c.name, p.name, p.description,
                   ts_rank(p.search, q.query) + word_similarity(@q, catalog_join_text(p.use_cases)) * 0.5 AS rank,
                   ARRAY(SELECT u FROM unnest(p.use_cases) AS u
                         WHERE to_tsvector('english', u) @@ q.query OR word_similarity(@q, u) > 0.5),
                   p.use_cases
            FROM patterns p JOIN capabilities c ON c.id = p.capability_id
            JOIN tool_versions v ON v.id = p.tool_version_id AND v.is_current
            JOIN tools t ON t.id = v.tool_id, q
            WHERE t.deleted_at IS NULL
              AND (p.search @@ q.query OR word_similarity(@q, catalog_join_text(p.use_cases)) > 0.5)
            ORDER BY rank DESC, t.name, c.name, p.name
            LIMIT @limit
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<string>("q", useCase));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var matches = new List<PatternMatch>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            matches.Add(new PatternMatch(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                Math.Round(reader.GetFloat(4), 4), reader.GetFieldValue<string[]>(5), reader.GetFieldValue<string[]>(6)));
        }
        return matches;
    }
}
