using System.Text;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Snapshot;

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

    /// <summary>The tool's row id and the sequence number of its latest version: what a new version needs, with <see cref="SourceFingerprint"/>.</summary>
    public (long Id, int LatestSeq)? Stored { get; init; }

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
