using System.Text.Json;
using Npgsql;
using ToolCatalog.Api.Reload;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Reload;

/// <summary>
/// Reload statistics count the most recent reloads, not the whole history: every write is a reload, and the figures are
/// read on every call of the metrics summary.
/// </summary>
public sealed class ReloadStatisticsWindowTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task Statistics_count_the_last_window_of_reloads_and_say_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        await using var db = NpgsqlDataSource.Create(host.Database);
        // Older than the window: 50 failed reloads, then a window's worth of successful ones after them.
        await db.ExecuteAsync($"""
            INSERT INTO reload_history (id, trigger, instance_id, started_at, finished_at, duration_ms, result)
            SELECT gen_random_uuid(), 'api', 'old', now() - interval '1 day' + g * interval '1 ms', now(), 1,
                   CASE WHEN g <= 50 THEN 'failed' ELSE 'succeeded' END
            FROM generate_series(1, {ReloadHistory.StatisticsWindow + 50}) g
            """, ct);

        using var statistics = JsonDocument.Parse(await host.Anonymous.GetStringAsync($"{ApiTestHost.Base}/reload/statistics", ct));

        var root = statistics.RootElement;
        Assert.Equal(ReloadHistory.StatisticsWindow, root.GetProperty("window").GetInt32());
        Assert.Equal(ReloadHistory.StatisticsWindow, root.GetProperty("total").GetInt64());
        Assert.Equal(0, root.GetProperty("failed").GetInt64());
    }
}
