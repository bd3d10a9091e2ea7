namespace ToolCatalog.Generator.Worker;

/// <summary>The catalog worker: keeps the running service in step with the catalog folder.</summary>
public sealed partial class CatalogWorker(ILogger<CatalogWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogAlive(logger);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog worker started")]
    private static partial void LogAlive(ILogger logger);
}
