using System.ComponentModel.DataAnnotations;

namespace ToolCatalog.Api.ChangeFeed;

public sealed class ChangeFeedOptions
{
    public const string Section = "ChangeFeed";

    /// <summary>Open <c>/changes/stream</c> connections per replica; one more gets 503 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int MaxSubscribers { get; set; } = 1_000;

    /// <summary>A comment line sent on an idle stream so proxies keep it open and dead clients are noticed.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Batches of new changes queued for one stream. A stream that falls this far behind (a client not reading) is cut;
    /// it resumes without loss by reconnecting with Last-Event-ID, and never holds up the others.
    /// </summary>
    [Range(1, 100_000)]
    public int SubscriberBuffer { get; set; } = 256;
}
