using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ToolCatalog.Api.Import;
using ToolCatalog.Api.Tests.Caching;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Hardening;

/// <summary>
/// A replica runs and queues a bounded number of imports: one more is refused with a 429 before its body is read, a
/// waiting import runs when the turn is given back, and the gauges say how many run and wait.
/// </summary>
public sealed class ImportGateTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task An_import_beyond_the_running_and_queued_ones_is_429_with_Retry_After_and_the_queued_one_runs_when_a_turn_is_free()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?>
        {
            ["Import:MaxConcurrent"] = "1",
            ["Import:MaxQueued"] = "1",
        });
        var gate = host.Factory.Services.GetRequiredService<ImportGate>();
        // The test holds the only turn, as a long import would.
        var turn = await gate.WaitForTurnAsync(ct);
        Assert.True(turn.IsAcquired);

        var queued = host.Writer.PostAsync($"{ToolsPath}/import", Yaml(CatalogYaml("dig")), ct);
        Assert.True(await Replicas.EventuallyAsync(() => Task.FromResult(gate.Load == (1, 1)), TimeSpan.FromSeconds(30), ct),
            $"the import never waited for the turn: {gate.Load}");
        using (var refused = await host.Writer.PostAsync($"{ToolsPath}/import", Yaml(CatalogYaml("tcpdump")), ct))
        {
            await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, ct);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        }
        Assert.False(queued.IsCompleted);

        turn.Dispose();
        using (var ran = await queued)
        {
            Assert.Equal(HttpStatusCode.OK, ran.StatusCode);
        }
        Assert.Equal((0, 0), gate.Load);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Reader.GetAsync($"{ToolsPath}/tcpdump", ct)).StatusCode);
    }
}
