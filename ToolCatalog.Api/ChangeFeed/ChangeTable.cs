using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace ToolCatalog.Api.ChangeFeed;

public sealed record CatalogChangeEntry(long Revision, string Tool, string? Version, string Action, DateTime ChangedAt)
{
    /// <summary>This change as one Server-Sent Event: the revision is its id, so a client resumes with Last-Event-ID.</summary>
    public byte[] ToServerSentEvent() => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"id: {Revision}\nevent: {Action}\ndata: {JsonSerializer.Serialize(this, JsonSerializerOptions.Web)}\n\n"));
}

public sealed record ChangePage(IReadOnlyList<CatalogChangeEntry> Changes, long Since, long Latest);

/// <summary>Reads the change table: every committed change in revision order (deletes are tombstones).</summary>
public static class ChangeTable
{
    public const int PageSize = 1000;

    public static async Task<List<CatalogChangeEntry>> ReadAsync(NpgsqlDataSource db, long since, int limit, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand(
            "SELECT revision, tool_name, version, action, changed_at FROM catalog_changes WHERE revision > @since ORDER BY revision LIMIT @limit");
        cmd.Parameters.Add(new NpgsqlParameter<long>("since", since));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var changes = new List<CatalogChangeEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new CatalogChangeEntry(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetDateTime(4)));
        }
        return changes;
    }
}
