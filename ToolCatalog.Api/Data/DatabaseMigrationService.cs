using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ToolCatalog.Api.Data;

/// <summary>
/// Runs migrations before the server accepts requests: an IHostedLifecycleService's StartingAsync completes
/// before Kestrel binds, so no request can see a half-migrated schema.
/// </summary>
public sealed class DatabaseMigrationService(
    MigrationRunner runner,
    MigrationState state,
    ILogger<DatabaseMigrationService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    // Never disposed: it has no timer, and the host may stop a service after disposing the container.
    private readonly CancellationTokenSource _stopping = new();
    private Task _retry = Task.CompletedTask;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (await TryApplyAsync(cancellationToken))
        {
            return;
        }
        // The database is unreachable: start anyway so cached and file-backed reads are served (the profile
        // loader falls back to YAML and /health says Degraded), and keep trying in the background.
        _retry = RetryUntilAppliedAsync(_stopping.Token);
    }

    private async Task<bool> TryApplyAsync(CancellationToken cancellationToken)
    {
        try
        {
            state.Completed(await runner.ApplyAsync(cancellationToken));
            return true;
        }
        catch (MigrationException ex)
        {
            // A changed or unknown migration is an operator error: starting anyway would corrupt data.
            logger.LogCritical("Database schema check failed: {Message}", ex.Message);
            state.Failed(ex.Message);
            throw;
        }
        catch (Exception ex) when (DatabaseFailure.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Database unreachable, migrations not applied yet: {Message}", ex.Message);
            state.Failed("database unreachable: " + ex.Message);
            return false;
        }
    }

    private async Task RetryUntilAppliedAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryDelay, cancellationToken);
                if (await TryApplyAsync(cancellationToken))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retry.WaitAsync(cancellationToken);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What the migration run ended with; read by the health check.</summary>
public sealed class MigrationState
{
    private volatile string? _error;
    private volatile MigrationResult? _result;

    public MigrationResult? Result => _result;
    public string? Error => _error;

    public void Completed(MigrationResult result)
    {
        _result = result;
        _error = null;
    }

    public void Failed(string error) => _error = error;
}

public sealed class MigrationHealthCheck(MigrationState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.Result is { } result)
        {
            return Task.FromResult(HealthCheckResult.Healthy(
                $"{result.Known} migrations known, {result.Applied.Count} applied by this instance",
                new Dictionary<string, object> { ["appliedByThisInstance"] = result.Applied.Count, ["known"] = result.Known }));
        }
        return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, state.Error ?? "migrations not run yet"));
    }
}
