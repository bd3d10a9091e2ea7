using Microsoft.Extensions.Diagnostics.HealthChecks;
using ToolCatalog.Api.Data;

namespace ToolCatalog.Api.Snapshot;

/// <summary>
/// Loads the first snapshot before the server takes requests (after migrations, which run in StartingAsync), and
/// recovers to the database's catalog when the first load had to fall back or failed.
/// </summary>
public sealed partial class SnapshotStoreStartup(SnapshotStore snapshots, MigrationState migrations, TimeProvider time,
    ILogger<SnapshotStoreStartup> logger) : BackgroundService
{
    private static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(5);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await LoadOnceAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>While not serving from the database, keep trying so the service heals without a restart.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RecoveryInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (snapshots.Current.Source != SnapshotSource.Database)
            {
                await LoadOnceAsync(stoppingToken);
            }
        }
    }

    private async Task LoadOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await snapshots.ReloadAsync(cancellationToken);
            LogLoaded(logger, outcome.Total, snapshots.Current.Source, outcome.Revision, migrations.Result is not null);
        }
        catch (Exception ex) when (ex is CatalogUnavailableException or Npgsql.NpgsqlException or TimeoutException)
        {
            // Start anyway: /health says why (Unhealthy for an SQL error, which the store logged as critical), and the
            // next reload (recovery, schedule, write, manual) fills the snapshot.
            LogNotLoaded(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog loaded: {Count} tools from {Source} at revision {Revision} (schema ready: {SchemaReady})")]
    private static partial void LogLoaded(ILogger logger, int count, SnapshotSource source, long revision, bool schemaReady);

    [LoggerMessage(Level = LogLevel.Error, Message = "Catalog not loaded at start: {Error}")]
    private static partial void LogNotLoaded(ILogger logger, string error);
}

/// <summary>
/// Healthy when serving the database's catalog, Degraded when serving the YAML fallback, Unhealthy with nothing or
/// when the database refused the last load with an error that is not an outage.
/// </summary>
public sealed class CatalogHealthCheck(SnapshotStore snapshots) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = snapshots.Current;
        var data = new Dictionary<string, object>
        {
            ["tools"] = snapshot.Count,
            ["revision"] = snapshot.Revision,
            ["source"] = snapshot.Source.ToString(),
        };
        if (snapshots.LastErrorIsFault)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"the database refused the catalog load: {snapshots.LastError}",
                data: data));
        }
        return Task.FromResult(snapshot.Source switch
        {
            SnapshotSource.Database => HealthCheckResult.Healthy($"{snapshot.Count} tools at revision {snapshot.Revision}", data),
            SnapshotSource.Files => HealthCheckResult.Degraded($"serving {snapshot.Count} tools from the YAML fallback: {snapshots.LastError}", data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"no catalog loaded: {snapshots.LastError}", data: data),
        });
    }
}
