using Microsoft.Extensions.Options;
using ToolCatalog.Api.Data;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Reload;

public sealed class ReloadOptions
{
    public const string Section = "Reload";

    /// <summary>Full reload on a schedule; off (null) by default because writes already reach every replica.</summary>
    public TimeSpan? Interval { get; set; }
}

/// <summary>The schedule trigger: a full reload every Reload:Interval, when configured.</summary>
public sealed partial class ReloadScheduler(ReloadService reloads, IOptions<ReloadOptions> options, TimeProvider time, ILogger<ReloadScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Interval is not { } interval || interval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await reloads.ReloadAllAsync(ReloadTriggers.Schedule, "scheduler", stoppingToken);
            }
            catch (Exception ex) when (DatabaseFailure.IsUnavailable(ex) || ex is CatalogUnavailableException)
            {
                LogUnavailable(logger, ex.Message);
            }
            catch (Npgsql.NpgsqlException ex)
            {
                // Not an outage: the database refused the reload (schema, permission). Health is Unhealthy with the
                // error until a reload succeeds; keep the schedule so it heals once fixed.
                LogRefused(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled reload failed, database unavailable (recorded in reload history): {Error}")]
    private static partial void LogUnavailable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled reload refused by the database (recorded in reload history)")]
    private static partial void LogRefused(ILogger logger, Exception exception);
}
