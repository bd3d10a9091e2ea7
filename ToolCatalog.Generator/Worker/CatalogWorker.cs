using Microsoft.Extensions.Options;
using ToolCatalog.Generator.Api;

namespace ToolCatalog.Generator.Worker;

/// <summary>
/// Keeps the API in step with the catalog folder: waits for the API to be healthy, imports the folder, then syncs again
/// after each (debounced) file change and at every rescan interval. API outages are waited out with backoff; nothing
/// here stops the host except shutdown.
/// </summary>
public sealed partial class CatalogWorker(CatalogApiClient api, IOptions<WorkerOptions> options, SyncStatus status, WorkerTelemetry telemetry,
    ILogger<CatalogWorker> logger, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var sync = new CatalogSync(api, settings, telemetry, logger);
        // Watch before the first import, so that an edit made while it runs is not missed.
        using var watcher = new FolderWatcher(settings.CatalogPath, logger);
        LogStarting(logger, settings.CatalogPath, api.BaseAddress, settings.DeleteMissing);
        await WaitForApiAsync(settings, stoppingToken);

        var backoff = settings.InitialBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            switch (await SyncPassAsync(sync, backoff, stoppingToken))
            {
                case PassOutcome.Unreachable:
                    await WaitForApiAsync(settings, stoppingToken);
                    break;
                case PassOutcome.Failed:
                    await Task.Delay(backoff, time, stoppingToken);
                    backoff = Next(backoff, settings.MaxBackoff);
                    break;
                case PassOutcome.SyncedWithMoreToDo:
                    backoff = settings.InitialBackoff;
                    break;
                default:
                    backoff = settings.InitialBackoff;
                    await watcher.WaitForChangeAsync(settings.RescanInterval, TimeSpan.FromMilliseconds(settings.DebounceMilliseconds), time, stoppingToken);
                    break;
            }
        }
    }

    private enum PassOutcome
    {
        Synced,
        SyncedWithMoreToDo,
        Unreachable,
        Failed,
    }

    /// <summary>One pass of the sync, recorded in the status and the log; the outcome says what the loop does next.</summary>
    private async Task<PassOutcome> SyncPassAsync(CatalogSync sync, TimeSpan backoff, CancellationToken stoppingToken)
    {
        try
        {
            var result = await sync.RunAsync(stoppingToken);
            status.Synced(time.GetUtcNow(), result.Summary, result.Files, result.InvalidFiles);
            if (result.Sent > 0 || result.DeletedTools.Count > 0)
            {
                LogSynced(logger, result.Summary);
            }
            return result.NeedsAnotherPass ? PassOutcome.SyncedWithMoreToDo : PassOutcome.Synced;
        }
        catch (ApiUnreachableException ex)
        {
            status.Unreachable(ex.Message);
            LogUnreachable(logger, ex.Message);
            return PassOutcome.Unreachable;
        }
        catch (ApiErrorException ex) when (!stoppingToken.IsCancellationRequested)
        {
            if (ex.IsServerProblem)
            {
                status.Unreachable(ex.Message);
            }
            else
            {
                status.Failing(ex.Message);
            }
            LogSyncFailed(logger, ex.Message, backoff);
            return PassOutcome.Failed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else (unreadable folder, a report that does not parse): report it and keep trying.
            status.Failing(ex.Message);
            LogSyncFailed(logger, ex.Message, backoff);
            return PassOutcome.Failed;
        }
    }

    /// <summary>Polls <c>/health</c> until the API answers 200, doubling the wait up to MaxBackoff.</summary>
    private async Task WaitForApiAsync(WorkerOptions settings, CancellationToken cancellationToken)
    {
        var delay = settings.InitialBackoff;
        while (true)
        {
            string reason;
            try
            {
                if (await api.IsHealthyAsync(cancellationToken))
                {
                    return;
                }
                reason = "the API's /health is not healthy yet";
            }
            catch (ApiUnreachableException ex)
            {
                reason = ex.Message;
            }
            status.Unreachable(reason);
            LogWaitingForApi(logger, reason, delay);
            await Task.Delay(delay, time, cancellationToken);
            delay = Next(delay, settings.MaxBackoff);
        }
    }

    private static TimeSpan Next(TimeSpan delay, TimeSpan max) => delay * 2 < max ? delay * 2 : max;

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog worker started: folder {Folder}, API {Api}, delete missing: {DeleteMissing}")]
    private static partial void LogStarting(ILogger logger, string folder, Uri api, bool deleteMissing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog synced: {Summary}")]
    private static partial void LogSynced(ILogger logger, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog API unreachable during sync: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the catalog API ({Reason}); next try in {Delay}")]
    private static partial void LogWaitingForApi(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Catalog sync failed: {Reason}; retrying in {Delay}")]
    private static partial void LogSyncFailed(ILogger logger, string reason, TimeSpan delay);
}
