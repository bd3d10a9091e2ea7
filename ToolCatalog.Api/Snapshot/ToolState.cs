using System.Text.Json.Serialization;

namespace ToolCatalog.Api.Snapshot;

/// <summary>
/// One tool as a replica serves it: the stored document and the tool's operational state. Replicas announce changes
/// with it (see Sync/InvalidationMessage), so the property names are a wire format.
/// </summary>
public sealed record ToolState(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("changeRevision")] long ChangeRevision,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("updatedAt")] DateTime UpdatedAt,
    [property: JsonPropertyName("fingerprint")] string? Fingerprint,
    [property: JsonPropertyName("document")] string Document,
    [property: JsonPropertyName("toolId")] long? ToolId = null,
    [property: JsonPropertyName("latestSeq")] int? LatestSeq = null)
{
    public static ToolState Of(ServedTool served) =>
        new(served.Name, served.ChangeRevision, served.Status, served.Enabled, served.UpdatedAt, served.SourceFingerprint, served.Document.CanonicalJson,
            served.Stored?.Id, served.Stored?.LatestSeq);

    /// <summary>The tool's row id and latest sequence number, when the announcing replica sent them.</summary>
    public (long Id, int LatestSeq)? Stored => ToolId is { } id && LatestSeq is { } seq ? (id, seq) : null;
}

/// <summary>What a swap of the served snapshot changed, by tool name.</summary>
public sealed record ReloadOutcome(int Added, int Updated, int Removed, int Total, long Revision)
{
    public bool Changed => Added + Updated + Removed > 0;

    /// <summary>
    /// What differs between the two snapshots: among the <paramref name="names"/> a partial swap touched, or (null) among
    /// all tools.
    /// </summary>
    public static ReloadOutcome Compare(CatalogSnapshot before, CatalogSnapshot after, IEnumerable<string>? names)
    {
        int added = 0, updated = 0, removed = 0;
        foreach (var name in names ?? before.Ordered.Select(t => t.Name).Union(after.Ordered.Select(t => t.Name), StringComparer.Ordinal))
        {
            switch (before.Find(name), after.Find(name))
            {
                case (null, not null):
                    added++;
                    break;
                case (not null, null):
                    removed++;
                    break;
                case ({ } old, { } now) when old.Document.ContentHash != now.Document.ContentHash || old.Status != now.Status || old.Enabled != now.Enabled:
                    updated++;
                    break;
            }
        }
        return new ReloadOutcome(added, updated, removed, after.Count, after.Revision);
    }
}

/// <summary>The database is away and there is neither a snapshot to keep serving nor a fallback folder.</summary>
public sealed class CatalogUnavailableException(string message, Exception inner) : Exception(message, inner);
