using System.Collections.Frozen;
using System.Text;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Snapshot;

/// <summary>Where a snapshot came from: the database (normal) or the YAML folder (fallback, service degraded).</summary>
public enum SnapshotSource
{
    Empty,
    Database,
    Files,
}

/// <summary>
/// One tool as served: its current document and the operational state kept on the tool (status, enabled), plus the
/// UTF-8 JSON body and ETag ready to write, so a read allocates nothing for the body.
/// </summary>
public sealed class ServedTool
{
    public required ToolDocument Document { get; init; }
    public required string Status { get; init; }
    public required bool Enabled { get; init; }
    public required DateTime UpdatedAt { get; init; }

    /// <summary>The catalog revision of this tool's last change: cache keys carry it, so they never need rewriting.</summary>
    public required long ChangeRevision { get; init; }

    /// <summary>The served version row's id and xmin (changed by any write to it); null when not loaded from the database.</summary>
    public string? SourceFingerprint { get; init; }

    public string Name => Document.Name;
    public string Version => Document.Version;

    private ServedRepresentation? _representation;

    private ServedRepresentation Representation => _representation ??= ServedRepresentation.Build(Document, Status, Enabled);

    /// <summary>Strong ETag of exactly the bytes served.</summary>
    public string ETag => Representation.ETag;

    /// <summary>The document as served, UTF-8 JSON, key order as written.</summary>
    public byte[] Utf8Json => Representation.Utf8Json;
}

/// <summary>
/// The bytes a tool read returns: its stored document, with <c>status</c> and <c>enabled</c> set to the tool's
/// operational state when an operator changed them (PATCH enable/disable/status do not create versions).
/// </summary>
public sealed record ServedRepresentation(byte[] Utf8Json, string ETag)
{
    public static ServedRepresentation Build(ToolDocument document, string status, bool enabled)
    {
        var json = document.CanonicalJson;
        if (document.Status != status || document.Enabled != enabled)
        {
            var node = document.ToJsonObject();
            node["status"] = status;
            node["enabled"] = enabled;
            json = node.ToJsonString(ToolDocument.CompactJson);
        }
        var hash = json == document.CanonicalJson ? document.ContentHash : ToolDocument.Hash(json);
        return new ServedRepresentation(Encoding.UTF8.GetBytes(json), $"\"{hash}\"");
    }
}

/// <summary>
/// An immutable, read-only view of the whole catalog. Reloads build a new one and swap it in, so readers never wait
/// and never see half a reload.
/// </summary>
public sealed class CatalogSnapshot
{
    public static readonly CatalogSnapshot Empty = new([], 0, SnapshotSource.Empty, DateTimeOffset.MinValue);

    public FrozenDictionary<string, ServedTool> Tools { get; }

    /// <summary>All tools in name order (ordinal): the stable order lists and cursors rely on.</summary>
    public IReadOnlyList<ServedTool> Ordered { get; }

    public long Revision { get; }

    /// <summary>
    /// A hash of what every tool is at (name, last change, content, state). List and search entries are keyed by it, not
    /// by <see cref="Revision"/>: a replica can claim a revision while a change from another replica below it is still
    /// on its way, and an entry built then must not be taken for the complete catalog at that revision (here or, via
    /// Redis, on another replica). Replicas serving equal content share entries; any difference makes new keys.
    /// </summary>
    public string ContentKey { get; }

    public SnapshotSource Source { get; }
    public DateTimeOffset LoadedAt { get; }

    public CatalogSnapshot(IEnumerable<ServedTool> tools, long revision, SnapshotSource source, DateTimeOffset loadedAt)
    {
        Ordered = tools.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        Tools = Ordered.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        Revision = revision;
        ContentKey = ComputeContentKey(Ordered);
        Source = source;
        LoadedAt = loadedAt;
    }

    private static string ComputeContentKey(IReadOnlyList<ServedTool> tools)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var tool in tools)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(
                $"{tool.Name}\n{tool.ChangeRevision}\n{tool.Document.ContentHash}\n{tool.Status}\n{tool.Enabled}\n"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..20];
    }

    public ServedTool? Find(string name) => Tools.GetValueOrDefault(name);
}
