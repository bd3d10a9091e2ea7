using System.Diagnostics.Metrics;
using StackExchange.Redis;
using ToolCatalog.Api.Caching;
using ToolCatalog.Api.Profiles;

namespace ToolCatalog.Api.Telemetry;

/// <summary>Observable state for SREs: what is loaded, at which revision, which dependencies answer, whether reads are stale.</summary>
public sealed class CatalogGauges : IDisposable
{
    private readonly Meter _meter = new("ToolCatalog.Catalog");

    public CatalogGauges(ProfileLoader loader, CatalogCache cache, DatabaseStatus database, IConnectionMultiplexer redis)
    {
        _meter.CreateObservableGauge("toolcatalog.tools.loaded", () => loader.Current.Tools.Count, description: "Tools in the served snapshot");
        _meter.CreateObservableGauge("toolcatalog.catalog.revision", () => loader.Current.Revision, description: "Catalog revision this replica serves");
        _meter.CreateObservableGauge("toolcatalog.dependency.up", () => new[]
        {
            new Measurement<int>(database.IsReachable ? 1 : 0, new KeyValuePair<string, object?>("dependency", "postgres")),
            new Measurement<int>(redis.IsConnected ? 1 : 0, new KeyValuePair<string, object?>("dependency", "redis")),
        }, description: "1 when the dependency answers");
        _meter.CreateObservableGauge("toolcatalog.serving.stale", () => database.IsReachable ? 0 : 1,
            description: "1 while reads are the last known good copy because PostgreSQL is unreachable");
        _meter.CreateObservableGauge("toolcatalog.cache.entries", () => cache.L1Size.Entries, description: "Entries in the in-memory (L1) cache");
        _meter.CreateObservableGauge("toolcatalog.cache.size", () => cache.L1Size.Bytes, unit: "By", description: "Estimated bytes in the L1 cache");
    }

    public void Dispose() => _meter.Dispose();
}
