using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;
using ToolCatalog.Api.Data;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api;

/// <summary>Whether PostgreSQL answered lately: probed every two seconds and marked down by any failed call.</summary>
public sealed class DatabaseStatus
{
    private volatile string? _error;

    public bool IsReachable => _error is null;
    public string? LastError => _error;

    public void MarkUp() => _error = null;
    public void MarkDown(string error) => _error = error;
}

public sealed class DatabaseProbe(NpgsqlDataSource dataSource, DatabaseStatus status) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        do
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await using var cmd = dataSource.CreateCommand("SELECT 1");
                await cmd.ExecuteScalarAsync(timeout.Token);
                status.MarkUp();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && (DatabaseFailure.IsUnavailable(ex) || ex is OperationCanceledException))
            {
                status.MarkDown(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>A request that needed PostgreSQL while it is away gets 503 with Retry-After, never a 500.</summary>
public sealed class DatabaseUnavailableHandler(DatabaseStatus status) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseFailure.IsUnavailable(exception) && exception is not CatalogUnavailableException)
        {
            return false;
        }
        status.MarkDown(exception.Message);
        context.Response.Headers.RetryAfter = "5";
        await ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "database-unavailable", "Database unavailable",
            "The catalog database cannot be reached; cached tools are still served. Retry later.");
        return true;
    }
}

/// <summary>While the database is away, tool reads are the last known good copy: say so.</summary>
public static class StaleMarker
{
    public static IApplicationBuilder UseStaleMarker(this IApplicationBuilder app)
    {
        var status = app.ApplicationServices.GetRequiredService<DatabaseStatus>();
        return app.Use((context, next) =>
        {
            if (!status.IsReachable && HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.OnStarting(() =>
                {
                    if (context.Response.StatusCode < 400)
                    {
                        context.Response.Headers["X-Catalog-Stale"] = "true";
                        context.Response.Headers["Warning"] = "110 toolcatalog \"Response is stale: the catalog database is unreachable\"";
                    }
                    return Task.CompletedTask;
                });
            }
            return next(context);
        });
    }
}

/// <summary>Degraded, not Unhealthy, while the catalog can still be served from memory.</summary>
public sealed class DatabaseHealthCheck(DatabaseStatus status, SnapshotStore snapshots) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.IsReachable ? HealthCheckResult.Healthy("PostgreSQL answers")
            : snapshots.Current.Count > 0 ? HealthCheckResult.Degraded($"PostgreSQL unreachable, serving the last known catalog: {status.LastError}")
            : HealthCheckResult.Unhealthy($"PostgreSQL unreachable and no catalog loaded: {status.LastError}"));
}

public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Degraded("Redis unreachable: serving from memory and PostgreSQL, invalidation by polling");
        }
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis did not answer PING: " + ex.Message);
        }
    }
}
