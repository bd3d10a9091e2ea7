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

    private byte[]? _contentDigest;

    /// <summary>SHA-256 of what this entry is at (name, last change, content, state): a snapshot's content key hashes these.</summary>
    public byte[] ContentDigest => _contentDigest ??= System.Security.Cryptography.SHA256.HashData(
        Encoding.UTF8.GetBytes($"{Name}\n{ChangeRevision}\n{Document.ContentHash}\n{Status}\n{Enabled}\n"));

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
/// and never see half a reload. A write swaps in a copy that differs in its tools alone (<see cref="With"/>), at a cost
/// of copying references rather than sorting, indexing and hashing the catalog again.
/// </summary>
public sealed class CatalogSnapshot
{
    public static readonly CatalogSnapshot Empty = new([], 0, SnapshotSource.Empty, DateTimeOffset.MinValue);

    private readonly Dictionary<string, ServedTool> _byName;
    private readonly ServedTool[] _ordered;
    private string? _contentKey;

    /// <summary>Every tool by name (ordinal).</summary>
    public IReadOnlyDictionary<string, ServedTool> Tools => _byName;

    /// <summary>All tools in name order (ordinal): the stable order lists and cursors rely on.</summary>
    public IReadOnlyList<ServedTool> Ordered => _ordered;

    public long Revision { get; }

    /// <summary>
    /// A hash of what every tool is at (name, last change, content, state). Search entries are keyed by it, not by
    /// <see cref="Revision"/>: a replica can claim a revision while a change from another replica below it is still on
    /// its way, and an entry built then must not be taken for the complete catalog at that revision (here or, via Redis,
    /// on another replica). Replicas serving equal content share entries; any difference makes new keys. Computed on
    /// first use from each tool's own digest: a write that nobody searches after pays nothing for it.
    /// </summary>
    public string ContentKey => _contentKey ??= ComputeContentKey(_ordered);

    public SnapshotSource Source { get; }
    public DateTimeOffset LoadedAt { get; }

    public CatalogSnapshot(IEnumerable<ServedTool> tools, long revision, SnapshotSource source, DateTimeOffset loadedAt)
        : this(tools.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray(), revision, source, loadedAt)
    {
    }

    private CatalogSnapshot(ServedTool[] ordered, long revision, SnapshotSource source, DateTimeOffset loadedAt)
    {
        _ordered = ordered;
        _byName = new Dictionary<string, ServedTool>(ordered.Length, StringComparer.Ordinal);
        foreach (var tool in ordered)
        {
            _byName[tool.Name] = tool;
        }
        Revision = revision;
        Source = source;
        LoadedAt = loadedAt;
    }

    /// <summary>
    /// This snapshot with the <paramref name="replaced"/> tools taken out and <paramref name="incoming"/> put in (an
    /// incoming tool replaces the one of its name): one pass merging the sorted tools with the few sorted newcomers.
    /// </summary>
    public CatalogSnapshot With(IReadOnlySet<string> replaced, IEnumerable<ServedTool> incoming, long revision, SnapshotSource source,
        DateTimeOffset loadedAt)
    {
        var added = incoming.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        var merged = new List<ServedTool>(_ordered.Length + added.Length);
        var next = 0;
        foreach (var tool in _ordered)
        {
            while (next < added.Length && string.CompareOrdinal(added[next].Name, tool.Name) < 0)
            {
                merged.Add(added[next++]);
            }
            var updatedHere = next < added.Length && added[next].Name == tool.Name;
            if (!updatedHere && !replaced.Contains(tool.Name))
            {
                merged.Add(tool);
            }
        }
        merged.AddRange(added.AsSpan(next));
        return new CatalogSnapshot(merged.ToArray(), revision, source, loadedAt);
    }

    private static string ComputeContentKey(ServedTool[] tools)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var tool in tools)
        {
            hash.AppendData(tool.ContentDigest);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..20];
    }

    public ServedTool? Find(string name) => _byName.GetValueOrDefault(name);
}
