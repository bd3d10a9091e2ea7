using System.Diagnostics.Metrics;
using StackExchange.Redis;
using ToolCatalog.Api.Caching;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Telemetry;

/// <summary>Observable state for SREs: what is loaded, at which revision, which dependencies answer, whether reads are stale.</summary>
public sealed class CatalogGauges
{
    public CatalogGauges(SnapshotStore snapshots, CatalogCache cache, DatabaseStatus database, IConnectionMultiplexer redis, IMeterFactory meters)
    {
        var meter = meters.Create("ToolCatalog.Catalog");
        meter.CreateObservableGauge("toolcatalog.tools.loaded", () => snapshots.Current.Count, description: "Tools in the served snapshot");
        meter.CreateObservableGauge("toolcatalog.catalog.revision", () => snapshots.Current.Revision, description: "Catalog revision this replica serves");
        meter.CreateObservableGauge("toolcatalog.dependency.up", () => new[]
        {
            new Measurement<int>(database.IsReachable ? 1 : 0, new KeyValuePair<string, object?>("dependency", "postgres")),
            new Measurement<int>(redis.IsConnected ? 1 : 0, new KeyValuePair<string, object?>("dependency", "redis")),
        }, description: "1 when the dependency answers");
        meter.CreateObservableGauge("toolcatalog.serving.stale", () => database.IsReachable ? 0 : 1,
            description: "1 while reads are the last known good copy because PostgreSQL is unreachable");
        meter.CreateObservableGauge("toolcatalog.cache.entries", () => cache.L1Size.Entries, description: "Entries in the in-memory (L1) cache");
        meter.CreateObservableGauge("toolcatalog.cache.size", () => cache.L1Size.Bytes, unit: "By", description: "Estimated bytes in the L1 cache");
    }
}
