using System.Text.Json.Nodes;
using Npgsql;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Api.Import;

/// <summary>One exported tool: where it goes in the folder layout and its document as stored.</summary>
public sealed record ExportedTool(string Name, string Platform, string Version, string SourceJson)
{
    public string RelativePath => $"{Platform}/{Name}.yaml";

    public string ToYaml() => YamlWriter.Write(YamlJson.FromJson(JsonNode.Parse(SourceJson)));
}

/// <summary>Reads the current version of every live tool back out, exactly as it was stored.</summary>
public sealed class CatalogExporter(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<ExportedTool>> CurrentAsync(CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT t.name, v.platform, v.version, v.source::text
            FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current
            WHERE t.deleted_at IS NULL
            ORDER BY t.name
            """;
        await using var cmd = dataSource.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var tools = new List<ExportedTool>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tools.Add(new ExportedTool(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        return tools;
    }

    /// <summary>The whole catalog as one JSON array of documents, key order kept.</summary>
    public async Task<string> JsonArrayAsync(CancellationToken cancellationToken)
    {
        var tools = await CurrentAsync(cancellationToken);
        return "[" + string.Join(",", tools.Select(t => t.SourceJson)) + "]";
    }
}
