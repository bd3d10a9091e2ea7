using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ToolCatalog.Generator.Worker;

public enum SyncState
{
    /// <summary>No sync has finished yet.</summary>
    Starting,
    Synced,
    /// <summary>The API cannot be reached or answers 5xx: it may come back by itself.</summary>
    ApiUnreachable,
    /// <summary>The API refuses the worker (wrong key, ...): someone has to act.</summary>
    Failing,
}

/// <summary>What the worker last did; read by the health check and the last-sync gauge, written by the worker.</summary>
public sealed record SyncSnapshot(SyncState State, DateTimeOffset? LastSyncAt, string LastResult, string? LastError, int Files,
    IReadOnlyList<string> InvalidFiles);

public sealed class SyncStatus
{
    private volatile SyncSnapshot _current = new(SyncState.Starting, null, "no sync yet", null, 0, []);

    public SyncSnapshot Current => _current;

    public void Synced(DateTimeOffset at, string result, int files, IReadOnlyList<string> invalidFiles) =>
        _current = new SyncSnapshot(SyncState.Synced, at, result, null, files, invalidFiles);

    public void Unreachable(string error) => _current = _current with { State = SyncState.ApiUnreachable, LastError = error };

    public void Failing(string error) => _current = _current with { State = SyncState.Failing, LastError = error };
}

/// <summary>Healthy after a successful sync; Degraded before the first one and while the API is away; Unhealthy when refused.</summary>
public sealed class SyncHealthCheck(SyncStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var s = status.Current;
        var data = new Dictionary<string, object>
        {
            ["state"] = s.State.ToString(),
            ["lastSyncUtc"] = s.LastSyncAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "never",
            ["lastResult"] = s.LastResult,
            ["files"] = s.Files,
            ["invalidFiles"] = s.InvalidFiles,
        };
        if (s.LastError is not null)
        {
            data["lastError"] = s.LastError;
        }
        return Task.FromResult(s.State switch
        {
            SyncState.Synced => HealthCheckResult.Healthy($"catalog folder in sync: {s.LastResult}", data),
            SyncState.Starting => HealthCheckResult.Degraded("waiting for the first sync with the API", data: data),
            SyncState.ApiUnreachable => HealthCheckResult.Degraded($"catalog API unreachable: {s.LastError}", data: data),
            _ => HealthCheckResult.Unhealthy($"the catalog API refuses the worker: {s.LastError}", data: data),
        });
    }
}
