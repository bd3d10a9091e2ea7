using System.Text.Json;
using System.Text.Json.Serialization;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Sync;

/// <summary>
/// What a replica announces after a committed change: who (source instance), which revisions
/// (<see cref="FromRevision"/>..<see cref="Revision"/>), which tools, and when. <see cref="States"/> carries what the
/// announcing replica now serves for those tools when they are few and all still exist, so receivers need no database
/// read (the read waits for a CPU on a busy host); without it they read PostgreSQL. <see cref="FullReload"/> asks every
/// replica to rebuild its whole snapshot; <see cref="Force"/> asks it to re-read the tools even if it has applied the
/// revision (a manual reload of named tools).
/// </summary>
public sealed record InvalidationMessage(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("from")] long FromRevision,
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("tools")] IReadOnlyList<string> Tools,
    [property: JsonPropertyName("full")] bool FullReload,
    [property: JsonPropertyName("force")] bool Force,
    [property: JsonPropertyName("ts")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("states")] IReadOnlyList<ToolState>? States = null)
{
    /// <summary>Carried states stay under this many bytes of documents; a bigger change (an import) is read from the database.</summary>
    public const int MaxCarriedBytes = 256 * 1024;

    /// <summary>Bump when the message shape changes; the channel name carries it, so old and new replicas do not mix.</summary>
    public const string WireVersion = "v1";

    public bool IsValid => Source.Length > 0 && Revision >= 0 && FromRevision <= Revision && Tools is not null
        && (States is null || States.All(s => s is { Name.Length: > 0, Document.Length: > 0 }));

    /// <summary>Whether <see cref="States"/> covers every tool of the message.</summary>
    public bool CarriesAll => States is { } states && Tools.All(t => states.Any(s => s.Name == t));

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static InvalidationMessage? Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<InvalidationMessage>(bytes) is { IsValid: true } message ? message : null;
        }
        catch (JsonException)
        {
            // Garbage on the channel (another program, an old format): ignore it rather than crash the subscriber.
            return null;
        }
    }
}
