using Microsoft.Extensions.Options;

namespace ToolCatalog.Api.Reload;

public sealed class ReloadOptions
{
    public const string Section = "Reload";

    /// <summary>Full reload on a schedule; off (null) by default because writes already reach every replica.</summary>
    public TimeSpan? Interval { get; set; }
}

/// <summary>The schedule trigger: a full reload every Reload:Interval, when configured.</summary>
public sealed partial class ReloadScheduler(ReloadService reloads, IOptions<ReloadOptions> options, ILogger<ReloadScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Interval is not { } interval || interval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await reloads.ReloadAllAsync(ReloadTriggers.Schedule, "scheduler", stoppingToken);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or Profiles.CatalogUnavailableException)
            {
                LogFailed(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled reload failed (recorded in reload history): {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
