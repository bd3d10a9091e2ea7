using System.Net;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Sync;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>Changes carried in the invalidation message: applied without a database read, never backwards.</summary>
public sealed class AnnouncedStateTests(CatalogInfrastructure infra)
{
    private static ToolState State(string name, string version, long changeRevision)
    {
        var document = ToolParser.ParseFile(Replicas.Tool(name, version), name + ".yaml").Tool!;
        return new ToolState(name, changeRevision, "active", true, DateTime.UtcNow, null, document.CanonicalJson);
    }

    [Fact]
    public async Task A_late_announcement_never_takes_a_tool_back_to_an_older_change_nor_back_from_a_deletion()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var dataSource = NpgsqlDataSource.Create(database);
        var loader = new SnapshotStore(dataSource, Options.Create(new CatalogOptions()), TimeProvider.System, NullLogger<SnapshotStore>.Instance);

        await loader.ApplyStatesAsync([State("late", "1.0.5", 5)], 5, ct);
        Assert.Equal("1.0.5", loader.Current.Find("late")?.Version);

        await loader.ApplyStatesAsync([State("late", "1.0.3", 3)], 3, ct); // an older change arriving after a newer one
        Assert.Equal("1.0.5", loader.Current.Find("late")?.Version);
        Assert.Equal(5, loader.Current.Revision);

        // The database (at revision 10) no longer has the tool: a read removes it and remembers when.
        await using (var bump = dataSource.CreateCommand("UPDATE catalog_state SET revision = 10"))
        {
            await bump.ExecuteNonQueryAsync(ct);
        }
        await loader.ApplyChangesAsync(["late"], ct);
        Assert.Null(loader.Current.Find("late"));

        await loader.ApplyStatesAsync([State("late", "1.0.7", 7)], 7, ct); // announced before the deletion, arriving after it
        Assert.Null(loader.Current.Find("late"));

        await loader.ApplyStatesAsync([State("late", "2.0.0", 11)], 11, ct); // created again after the deletion
        Assert.Equal("2.0.0", loader.Current.Find("late")?.Version);
    }

    [Fact]
    public async Task Another_replica_applies_a_write_from_the_message_itself()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(2, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var (a, b) = (replicas.Clients[0], replicas.Clients[1]);
        using var applied = new MetricCollector<long>(replicas.Factories[1].Services.GetRequiredService<IMeterFactory>(), SyncMetrics.MeterName,
            "toolcatalog.invalidation.messages");
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/api/v1/tools/carried", ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await a.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("carried", "1.0.0")), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.PutAsync("/api/v1/tools/carried", Replicas.Yaml(Replicas.Tool("carried", "1.1.0")), ct)).StatusCode);

        Assert.True(await Replicas.EventuallyAsync(async () => await Replicas.VersionAsync(b, "carried", ct) == "1.1.0", TimeSpan.FromSeconds(10), ct));
        Assert.Contains(applied.GetMeasurementSnapshot(), m => m.Tags.TryGetValue("outcome", out var outcome) && Equals(outcome, "applied")
            && m.Tags.TryGetValue("source", out var source) && Equals(source, "message"));
    }
}
