using ToolCatalog.Api.Data;
using ToolCatalog.Api.Import;

namespace ToolCatalog.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Aspire resource names: a contract shared with the AppHost, docs and deployments.</summary>
    public const string DatabaseResource = "catalogdb";
    public const string CacheResource = "cache";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(DatabaseResource);
        builder.AddRedisClient(CacheResource, configureOptions: options =>
        {
            // The catalog must keep serving from memory and PostgreSQL when Redis is away:
            // never fail start-up on it, and fail fast instead of stalling requests.
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 2000;
            options.SyncTimeout = 500;
            options.AsyncTimeout = 500;
            options.ConnectRetry = 1;
        });

        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddSingleton<CatalogImporter>();
        builder.Services.AddSingleton<CatalogExporter>();
        builder.Services.AddSingleton<MigrationState>();
        builder.Services.AddHostedService<DatabaseMigrationService>();
        builder.Services.AddHealthChecks()
            .AddCheck<MigrationHealthCheck>("migrations", tags: ["ready"]);

        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication MapCatalogEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
