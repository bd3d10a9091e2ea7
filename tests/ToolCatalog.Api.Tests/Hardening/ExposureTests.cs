using System.Net;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Hardening;

/// <summary>
/// In Production the endpoints that describe the deployment are protected by default — OpenAPI and the performance
/// statistics for admins, the Prometheus endpoint for any key — and each can be opened or switched off.
/// </summary>
public sealed class ExposureTests(CatalogInfrastructure infra)
{
    private const string Stats = Base + "/performance/stats";

    [Fact]
    public async Task In_Production_OpenAPI_and_performance_stats_need_admin_and_metrics_need_a_key()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?> { ["environment"] = "Production" });

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.OK), await StatusesAsync(host, "/openapi/v1.json", host.Reader, ct));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.OK), await StatusesAsync(host, Stats, host.Reader, ct));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK), await StatusesAsync(host, "/metrics", host.Reader, ct));
        // The catalog itself stays open to anonymous reads.
        using var list = await host.Anonymous.GetAsync(ToolsPath, ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task Each_endpoint_can_be_opened_or_switched_off()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Exposure:OpenApi"] = "Off",
            ["Exposure:Metrics"] = "Public",
            ["Exposure:PerformanceStats"] = "Key",
        });

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), await StatusesAsync(host, "/openapi/v1.json", host.Reader, ct));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), await StatusesAsync(host, "/metrics", host.Reader, ct));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK), await StatusesAsync(host, Stats, host.Reader, ct));
    }

    [Fact]
    public async Task An_unknown_access_level_stops_the_start()
    {
        var ct = TestContext.Current.CancellationToken;
        // The host starts with its first client: a configuration error must stop it there, not surface on a request.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await StartAsync(infra, ct, new Dictionary<string, string?> { ["Exposure:Metrics"] = "everyone" }));
    }

    private static async Task<(HttpStatusCode Anonymous, HttpStatusCode Reader, HttpStatusCode Admin)> StatusesAsync(ApiTestHost host, string path,
        HttpClient reader, CancellationToken cancellationToken)
    {
        using var anonymous = await host.Anonymous.GetAsync(path, cancellationToken);
        using var read = await reader.GetAsync(path, cancellationToken);
        using var admin = await host.Admin.GetAsync(path, cancellationToken);
        return (anonymous.StatusCode, read.StatusCode, admin.StatusCode);
    }
}
