using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ToolCatalog.Generator.Api;
using ToolCatalog.Generator.Worker;

namespace ToolCatalog.Generator.Tests.Infrastructure;

/// <summary>
/// The worker with its real service registrations (options, validation, status, health check, telemetry), in a plain
/// host, talking to the API through the given client. Counters are recorded for this host's meters only.
/// </summary>
public sealed class WorkerUnderTest : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly MeterListener _listener = new();

    private WorkerUnderTest(IHost host)
    {
        _host = host;
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Tests run in parallel, each with a meter of the same name: only this host's factory's meters count.
            if (instrument.Meter.Name == WorkerTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Counters.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        _listener.Start();
    }

    public ConcurrentDictionary<string, long> Counters { get; } = new(StringComparer.Ordinal);
    public SyncStatus Status => _host.Services.GetRequiredService<SyncStatus>();

    public long Counter(string name) => Counters.GetValueOrDefault("toolcatalog.generator." + name);

    public static async Task<WorkerUnderTest> StartAsync(string catalogPath, HttpClient client, CancellationToken cancellationToken,
        bool deleteMissing = false, string? apiKey = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Worker:CatalogPath"] = catalogPath;
        builder.Configuration["Worker:DeleteMissing"] = deleteMissing ? "true" : "false";
        builder.Configuration["Worker:DebounceMilliseconds"] = "100";
        // The safety net: even if an inotify event is lost, a rescan finds the change within the test's deadline.
        builder.Configuration["Worker:RescanInterval"] = "00:00:02";
        builder.Configuration["Worker:InitialBackoff"] = "00:00:00.100";
        builder.Configuration["Worker:MaxBackoff"] = "00:00:00.500";
        builder.Services.AddCatalogWorker();
        builder.Services.AddSingleton(new CatalogApiClient(client, apiKey));
        var worker = new WorkerUnderTest(builder.Build());
        try
        {
            await worker._host.StartAsync(cancellationToken);
            return worker;
        }
        catch
        {
            worker._host.Dispose();
            worker._listener.Dispose();
            throw;
        }
    }

    public async Task<HealthReportEntry> HealthAsync(CancellationToken cancellationToken)
    {
        var report = await _host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(cancellationToken);
        return report.Entries["catalog-sync"];
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _listener.Dispose();
    }
}
