using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ToolCatalog.Generator.Tests.Infrastructure;
using ToolCatalog.Generator.Worker;
using ToolCatalog.Testing;

namespace ToolCatalog.Generator.Tests;

/// <summary>The catalog worker against the real API (in-process): folder changes show up through the API.</summary>
public sealed class WorkerTests(GeneratorInfrastructure infra)
{
    [Fact]
    public async Task Files_dropped_edited_and_broken_in_the_folder_reach_the_API_and_an_invalid_one_blocks_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await CatalogApi.StartAsync(infra, ct);
        using var folder = new TempFolder();
        await folder.WriteAsync("network/dig.yaml", Catalog("network/dig.yaml"), ct);
        using var client = api.CreateWriterClient();
        await using var worker = await WorkerUnderTest.StartAsync(folder.Path, client, ct);

        // Start: the folder is imported once the API is healthy.
        await Poll.UntilAsync(() => worker.Status.Current.State == SyncState.Synced, "the first sync", ct);
        Assert.NotNull(await api.FindToolAsync("dig", ct));
        var health = await worker.HealthAsync(ct);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.NotEqual("never", health.Data["lastSyncUtc"]);

        // Drop a new file.
        var systemctl = Catalog("linux/systemctl.yaml");
        await folder.WriteAsync("linux/systemctl.yaml", systemctl, ct);
        await Poll.UntilAsync(() => api.FindToolAsync("systemctl", ct), d => d is not null, "systemctl to appear through the API", ct);

        // Edit it: a new version.
        await folder.WriteAsync("linux/systemctl.yaml", systemctl.Replace("version: \"1.0.0\"", "version: \"1.0.1\"", StringComparison.Ordinal)
            .Replace("complexity_score: 0.3", "complexity_score: 0.4", StringComparison.Ordinal), ct);
        await Poll.UntilAsync(() => api.FindToolAsync("systemctl", ct), d => Version(d) == "1.0.1", "systemctl 1.0.1", ct);

        // A broken file next to a good one: the good one is imported, the broken one reported.
        await folder.WriteAsync("linux/broken.yaml", "tool_name: broken\nversion: \"1.0.0\"\ndescription: x\n", ct);
        await folder.WriteAsync("kubernetes/kubectl_logs.yaml", Catalog("kubernetes/kubectl_logs.yaml"), ct);
        await Poll.UntilAsync(() => api.FindToolAsync("kubectl_logs", ct), d => d is not null, "kubectl_logs to appear", ct);
        await Poll.UntilAsync(() => worker.Status.Current.InvalidFiles.Contains("linux/broken.yaml"), "broken.yaml reported invalid", ct);

        Assert.Null(await api.FindToolAsync("broken", ct));
        Assert.Equal("1.0.1", Version(await api.FindToolAsync("systemctl", ct)));
        Assert.NotNull(await api.FindToolAsync("dig", ct));
        Assert.True(worker.Counter("files_invalid") >= 1, string.Join(", ", worker.Counters));
        Assert.True(worker.Counter("files_imported") >= 4, string.Join(", ", worker.Counters));
        Assert.True(worker.Counter("files_seen") >= 5, string.Join(", ", worker.Counters));
        health = await worker.HealthAsync(ct);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains("linux/broken.yaml", (IEnumerable<string>)health.Data["invalidFiles"]);
        // The worker's imports are recorded as file-triggered reloads.
        await Poll.UntilAsync(async () => (await api.Anonymous.GetFromJsonArrayAsync("/api/v1/reload/history?trigger=file", ct)).Count,
            count => count > 0, "a reload with trigger=file", ct);
    }

    [Fact]
    public async Task With_DeleteMissing_a_deleted_file_soft_deletes_its_tool_and_putting_it_back_restores_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await CatalogApi.StartAsync(infra, ct);
        using var folder = new TempFolder();
        await folder.WriteAsync("network/dig.yaml", Catalog("network/dig.yaml"), ct);
        await folder.WriteAsync("linux/systemctl.yaml", Catalog("linux/systemctl.yaml"), ct);
        using var client = api.CreateWriterClient();
        await using var worker = await WorkerUnderTest.StartAsync(folder.Path, client, ct, deleteMissing: true);
        await Poll.UntilAsync(() => api.FindToolAsync("dig", ct), d => d is not null, "dig imported", ct);

        File.Delete(folder.File("network/dig.yaml"));
        await Poll.UntilAsync(() => api.FindToolAsync("dig", ct), d => d is null, "dig to be deleted", ct);
        Assert.NotNull(await api.FindToolAsync("systemctl", ct));

        await folder.WriteAsync("network/dig.yaml", Catalog("network/dig.yaml"), ct);
        await Poll.UntilAsync(() => api.FindToolAsync("dig", ct), d => d is not null, "dig to come back", ct);
        Assert.True(worker.Counter("tools_deleted") == 1, string.Join(", ", worker.Counters));
    }

    [Fact]
    public async Task While_the_API_is_unreachable_the_worker_is_Degraded_and_says_why()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/") };
        await using var worker = await WorkerUnderTest.StartAsync(folder.Path, client, ct);

        await Poll.UntilAsync(() => worker.Status.Current.State == SyncState.ApiUnreachable, "the worker to notice the API is away", ct);

        var health = await worker.HealthAsync(ct);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("unreachable", health.Description, StringComparison.Ordinal);
        Assert.Equal("never", health.Data["lastSyncUtc"]);
    }

    [Fact]
    public async Task A_missing_catalog_folder_stops_the_worker_at_start_with_the_setting_to_fix()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            WorkerUnderTest.StartAsync("/no/such/catalog", client, ct));

        Assert.Contains("Worker:CatalogPath '/no/such/catalog' is not an existing folder", error.Message, StringComparison.Ordinal);
    }

    private static string Catalog(string relative) => File.ReadAllText(Path.Combine(RepoPaths.Catalog, relative));

    private static string? Version(JsonObject? document) => document?["version"]?.GetValue<string>();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

internal static class HttpJson
{
    public static async Task<JsonArray> GetFromJsonArrayAsync(this HttpClient client, string path, CancellationToken cancellationToken)
    {
        var text = await client.GetStringAsync(path, cancellationToken);
        return JsonNode.Parse(text)!.AsArray();
    }
}
