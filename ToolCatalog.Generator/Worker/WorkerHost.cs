namespace ToolCatalog.Generator.Worker;

/// <summary>Hosts the catalog worker with a small HTTP surface for /health and /alive.</summary>
public static class WorkerHost
{
    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddServiceDefaults();
        builder.Services.AddHostedService<CatalogWorker>();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.RunAsync();
    }
}
