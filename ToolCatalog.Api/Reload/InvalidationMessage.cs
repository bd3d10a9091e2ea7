using System.Text.Json;
using System.Text.Json.Serialization;

namespace ToolCatalog.Api.Reload;

/// <summary>
/// What a replica announces after a committed change: who (source instance), which revisions
/// (<see cref="FromRevision"/>..<see cref="Revision"/>), which tools, and when. Never the content: receivers read it
/// from PostgreSQL. <see cref="FullReload"/> asks every replica to rebuild its whole snapshot; <see cref="Force"/> asks
/// it to re-read the tools even if it has applied the revision (a manual reload of named tools).
/// </summary>
public sealed record InvalidationMessage(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("from")] long FromRevision,
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("tools")] IReadOnlyList<string> Tools,
    [property: JsonPropertyName("full")] bool FullReload,
    [property: JsonPropertyName("force")] bool Force,
    [property: JsonPropertyName("ts")] DateTimeOffset Timestamp)
{
    /// <summary>Bump when the message shape changes; the channel name carries it, so old and new replicas do not mix.</summary>
    public const string WireVersion = "v1";

    public bool IsValid => Source.Length > 0 && Revision >= 0 && FromRevision <= Revision && Tools is not null;

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
