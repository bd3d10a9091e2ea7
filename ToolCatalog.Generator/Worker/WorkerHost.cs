using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ToolCatalog.Generator.Api;
using ToolCatalog.Generator.Cli;

namespace ToolCatalog.Generator.Worker;

/// <summary>Hosts the catalog worker with a small HTTP surface for /health and /alive.</summary>
public static class WorkerHost
{
    public const string ApiClientName = "catalog-api";

    public static async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddServiceDefaults();
        // Every health poll and import would log four lines at Information; the worker's own messages say what matters.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Services.AddCatalogWorker();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.RunAsync(cancellationToken);
    }

    public static IServiceCollection AddCatalogWorker(this IServiceCollection services)
    {
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateOnStart();
        // The AppHost hands the key over as TOOLCATALOG_API_KEY; Worker:ApiKey wins when both are set.
        services.AddSingleton<IPostConfigureOptions<WorkerOptions>>(sp => new PostConfigureOptions<WorkerOptions>(Options.DefaultName,
            o => o.ApiKey ??= sp.GetRequiredService<IConfiguration>()[CliContext.ApiKeyVariable]));
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SyncStatus>();
        services.AddSingleton<WorkerTelemetry>();
        services.AddHttpClient(ApiClientName, (sp, http) =>
        {
            var url = sp.GetRequiredService<IOptions<WorkerOptions>>().Value.ApiUrl;
            http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
        });
        services.AddSingleton(sp => new CatalogApiClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(ApiClientName),
            sp.GetRequiredService<IOptions<WorkerOptions>>().Value.ApiKey));
        services.AddHostedService<CatalogWorker>();
        services.AddHealthChecks().AddCheck<SyncHealthCheck>("catalog-sync");
        return services;
    }
}
