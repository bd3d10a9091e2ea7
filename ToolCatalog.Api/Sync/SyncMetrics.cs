using System.Diagnostics.Metrics;

namespace ToolCatalog.Api.Sync;

/// <summary>
/// The invalidation instruments of one replica (from its <see cref="IMeterFactory"/>, so replicas hosted in one process
/// count apart). Names and tags are what dashboards and alert rules query: do not rename.
/// </summary>
public sealed class SyncMetrics
{
    public const string MeterName = "ToolCatalog.Invalidation";

    private readonly Counter<long> _messages;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _catchUps;

    public SyncMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _messages = meter.CreateCounter<long>("toolcatalog.invalidation.messages", description: "Invalidation messages by direction and outcome");
        _lag = meter.CreateHistogram("toolcatalog.invalidation.lag", "ms", "Publish-to-apply time of invalidation messages",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000] });
        _catchUps = meter.CreateCounter<long>("toolcatalog.invalidation.catchups", description: "Catch-ups from the database, by reason");
    }

    public void Message(string direction, string outcome) =>
        _messages.Add(1, new KeyValuePair<string, object?>("direction", direction), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A message applied; <paramref name="source"/> says whether from the states it carried ("message") or a database read.</summary>
    public void Applied(string source, TimeSpan lag)
    {
        _messages.Add(1, new KeyValuePair<string, object?>("direction", "received"), new KeyValuePair<string, object?>("outcome", "applied"),
            new KeyValuePair<string, object?>("source", source));
        _lag.Record(lag.TotalMilliseconds);
    }

    public void CatchUp(string reason) => _catchUps.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
