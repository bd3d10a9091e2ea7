using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Hardening;

/// <summary>The export is rendered once per catalog revision and format, however many clients ask at once.</summary>
public sealed class ExportCacheTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task Concurrent_exports_share_one_rendering_per_revision_and_a_write_makes_a_new_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig");
        using var renders = new RenderCounter(host.Factory.Services.GetRequiredService<IMeterFactory>());

        var bodies = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await host.Anonymous.GetAsync($"{ToolsPath}/export?format=yaml", ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsByteArrayAsync(ct);
        }));
        using (var again = await host.Anonymous.GetAsync($"{ToolsPath}/export", ct))
        {
            Assert.Equal(bodies[0], await again.Content.ReadAsByteArrayAsync(ct));
        }
        Assert.All(bodies, b => Assert.Equal(bodies[0], b));
        Assert.Equal(1, renders.Count("yaml"));

        await host.SeedAsync(ct, "curl");
        using var after = await host.Anonymous.GetAsync($"{ToolsPath}/export", ct);
        using var zip = new ZipArchive(await after.Content.ReadAsStreamAsync(ct));
        Assert.Contains("network/curl.yaml", zip.Entries.Select(e => e.FullName));
        Assert.Equal(2, renders.Count("yaml"));
    }

    /// <summary>Counts toolcatalog.export.renders of one host (meters from its own IMeterFactory).</summary>
    private sealed class RenderCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _counts = [];

        public RenderCounter(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "toolcatalog.export.renders" && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                var format = tags.ToArray().FirstOrDefault(t => t.Key == "format").Value as string ?? "";
                lock (_counts)
                {
                    _counts[format] = _counts.GetValueOrDefault(format) + value;
                }
            });
            _listener.Start();
        }

        public long Count(string format)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(format);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
