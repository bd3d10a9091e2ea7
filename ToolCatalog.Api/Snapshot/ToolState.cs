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
    [property: JsonPropertyName("document")] string Document)
{
    public static ToolState Of(ServedTool served) =>
        new(served.Name, served.ChangeRevision, served.Status, served.Enabled, served.UpdatedAt, served.SourceFingerprint, served.Document.CanonicalJson);
}

/// <summary>What a swap of the served snapshot changed, by tool name.</summary>
public sealed record ReloadOutcome(int Added, int Updated, int Removed, int Total, long Revision)
{
    public bool Changed => Added + Updated + Removed > 0;

    public static ReloadOutcome Compare(CatalogSnapshot before, CatalogSnapshot after)
    {
        var added = after.Tools.Keys.Count(k => !before.Tools.ContainsKey(k));
        var removed = before.Tools.Keys.Count(k => !after.Tools.ContainsKey(k));
        var updated = after.Tools.Count(p => before.Tools.TryGetValue(p.Key, out var old)
            && (old.Document.ContentHash != p.Value.Document.ContentHash || old.Status != p.Value.Status || old.Enabled != p.Value.Enabled));
        return new ReloadOutcome(added, updated, removed, after.Tools.Count, after.Revision);
    }
}

/// <summary>The database is away and there is neither a snapshot to keep serving nor a fallback folder.</summary>
public sealed class CatalogUnavailableException(string message, Exception inner) : Exception(message, inner);
