using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Tests.Caching;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Tests.Reload;

/// <summary>What follows a committed write: the reload history row after the answer, and the written tools swapped in, never backwards.</summary>
public sealed class CommittedWriteTests(CatalogInfrastructure infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_write_answers_while_its_history_row_cannot_be_written_yet_and_the_row_follows()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString);
        var api = replicas.Clients[0];
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("history_after", "1.0.0")), ct)).StatusCode);
        Assert.True(await Replicas.EventuallyAsync(async () => (await ApiReloadScopesAsync(api, ct)).Count == 1, Deadline, ct), "the create was not recorded");

        // Another session keeps every INSERT into reload_history waiting (reads still go through).
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var blocker = await dataSource.OpenConnectionAsync(ct);
        await using var blocking = await blocker.BeginTransactionAsync(ct);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE reload_history IN EXCLUSIVE MODE", blocker, blocking))
        {
            await lockTable.ExecuteNonQueryAsync(ct);
        }
        using (var answered = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            // Generous: the write only has to not wait for the lock, which is never released before this answers.
            answered.CancelAfter(Deadline);
            using var put = await api.PutAsync("/api/v1/tools/history_after", Replicas.Yaml(Replicas.Tool("history_after", "1.1.0")), answered.Token);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        Assert.Equal("1.1.0", await Replicas.VersionAsync(api, "history_after", ct));
        Assert.Single(await ApiReloadScopesAsync(api, ct));

        await blocking.RollbackAsync(ct);
        Assert.True(await Replicas.EventuallyAsync(async () => (await ApiReloadScopesAsync(api, ct)).Count == 2, Deadline, ct),
            "the write's history row was not written once the table was free");
        Assert.All(await ApiReloadScopesAsync(api, ct), scope => Assert.Equal("history_after", scope));
    }

    [Fact]
    public async Task A_history_row_refused_after_a_write_is_counted_and_the_write_stands()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString);
        var api = replicas.Clients[0];
        using var failures = new MetricCollector<long>(replicas.Factories[0].Services.GetRequiredService<IMeterFactory>(), "ToolCatalog.Reload",
            "toolcatalog.reload.history_failures");
        await using var dataSource = NpgsqlDataSource.Create(database);
        await dataSource.ExecuteAsync("ALTER TABLE reload_history ADD CONSTRAINT refuse_rows CHECK (false) NOT VALID", ct);

        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("history_refused", "1.0.0")), ct)).StatusCode);

        Assert.Equal("1.0.0", await Replicas.VersionAsync(api, "history_refused", ct));
        Assert.True(await Replicas.EventuallyAsync(() => Task.FromResult(failures.GetMeasurementSnapshot()
            .Any(m => m.Tags.TryGetValue("trigger", out var trigger) && Equals(trigger, "api"))), Deadline, ct), "the refused row was not counted");
        Assert.Empty(await ApiReloadScopesAsync(api, ct));
    }

    [Fact]
    public async Task A_write_whose_change_record_is_refused_stores_nothing_and_the_next_one_goes_through()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString);
        var api = replicas.Clients[0];
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("record_refused", "1.0.0")), ct)).StatusCode);
        await using var dataSource = NpgsqlDataSource.Create(database);
        var changesBefore = await dataSource.ScalarAsync<long>("SELECT count(*) FROM catalog_changes", ct);
        // The audit row is the last write of the batch that also commits: refusing it must undo the whole write.
        await dataSource.ExecuteAsync("ALTER TABLE audit_log ADD CONSTRAINT refuse_rows CHECK (false) NOT VALID", ct);

        using (var refused = await api.PutAsync("/api/v1/tools/record_refused", Replicas.Yaml(Replicas.Tool("record_refused", "1.1.0")), ct))
        {
            Assert.False(refused.IsSuccessStatusCode, $"the write answered {(int)refused.StatusCode}");
        }

        Assert.Equal(1, await dataSource.ScalarAsync<long>(
            "SELECT count(*) FROM tool_versions v JOIN tools t ON t.id = v.tool_id WHERE t.name = 'record_refused'", ct));
        Assert.Equal(changesBefore, await dataSource.ScalarAsync<long>("SELECT count(*) FROM catalog_changes", ct));
        Assert.Equal("1.0.0", await Replicas.VersionAsync(api, "record_refused", ct));
        await dataSource.ExecuteAsync("ALTER TABLE audit_log DROP CONSTRAINT refuse_rows", ct);
        using var accepted = await api.PutAsync("/api/v1/tools/record_refused", Replicas.Yaml(Replicas.Tool("record_refused", "1.1.0")), ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("1.1.0", await Replicas.VersionAsync(api, "record_refused", ct));
    }

    [Fact]
    public async Task A_write_swapped_in_after_a_later_one_never_takes_the_tool_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var dataSource = NpgsqlDataSource.Create(database);
        var loader = new SnapshotStore(dataSource, Options.Create(new CatalogOptions()), TimeProvider.System, NullLogger<SnapshotStore>.Instance);

        await loader.ApplyCommittedAsync(["raced"], 5, [Served("raced", "1.0.5", 5)], ct);
        Assert.Equal("1.0.5", loader.Current.Find("raced")?.Version);

        // Two writers of the tool committed at 3 and then 5; the one at 3 gets to swap in last.
        await loader.ApplyCommittedAsync(["raced"], 3, [Served("raced", "1.0.3", 3)], ct);
        Assert.Equal("1.0.5", loader.Current.Find("raced")?.Version);
        await loader.ApplyCommittedAsync(["raced"], 4, [], ct); // a deletion at 4, swapped in after the change at 5
        Assert.Equal("1.0.5", loader.Current.Find("raced")?.Version);

        await loader.ApplyCommittedAsync(["raced"], 6, [], ct);
        Assert.Null(loader.Current.Find("raced"));
        await loader.ApplyCommittedAsync(["raced"], 5, [Served("raced", "1.0.5", 5)], ct); // the change before the deletion, late
        Assert.Null(loader.Current.Find("raced"));
        await loader.ApplyCommittedAsync(["raced"], 7, [Served("raced", "2.0.0", 7)], ct);
        Assert.Equal("2.0.0", loader.Current.Find("raced")?.Version);
    }

    private static ServedTool Served(string name, string version, long changeRevision)
    {
        var document = ToolParser.ParseFile(Replicas.Tool(name, version), name + ".yaml").Tool!;
        return new ServedTool { Document = document, Status = "active", Enabled = true, UpdatedAt = DateTime.UtcNow, ChangeRevision = changeRevision };
    }

    /// <summary>The scope of every recorded reload a write caused (trigger api), newest first.</summary>
    private static async Task<List<string?>> ApiReloadScopesAsync(HttpClient api, CancellationToken ct)
    {
        using var history = JsonDocument.Parse(await api.GetStringAsync("/api/v1/reload/history?trigger=api", ct));
        return history.RootElement.EnumerateArray().Select(r => r.GetProperty("scope").EnumerateArray().Single().GetString()).ToList();
    }
}
