using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>Selection on one replica follows a pattern change made on another once the invalidation arrives.</summary>
public sealed class SelectionInvalidationTests(CatalogInfrastructure infra)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_pattern_change_on_A_changes_the_decision_on_B()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = Replicas.Start(2, await infra.NewCatalogDatabaseAsync(ct), infra.Redis.ConnectionString);
        var (a, b) = (replicas.Clients[0], replicas.Clients[1]);
        Assert.Null(await WinnerAsync(b, ct)); // B is running and subscribed before A writes

        await a.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("sel_simple", "1.0.0", 0.3)), ct);
        await a.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("sel_tangled", "1.0.0", 0.9)), ct);
        Assert.True(await Replicas.EventuallyAsync(async () => await WinnerAsync(b, ct) == "sel_simple", Deadline, ct), "creates not seen on B");

        var update = await a.PutAsync("/api/v1/tools/sel_tangled", Replicas.Yaml(Replicas.Tool("sel_tangled", "1.1.0", 0.05)), ct);
        Assert.True(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync(ct));

        Assert.True(await Replicas.EventuallyAsync(async () => await WinnerAsync(b, ct) == "sel_tangled", Deadline, ct), "B kept the old decision");
    }

    /// <summary>The tool B ranks first for restarting a service when simplicity matters most.</summary>
    private static async Task<string?> WinnerAsync(HttpClient client, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/select", new { capabilities = new[] { "service_management" }, mode = "simple" }, ct);
        response.EnsureSuccessStatusCode();
        var decision = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        return decision["candidates"]!.AsArray().FirstOrDefault()?["tool"]!.GetValue<string>();
    }
}
