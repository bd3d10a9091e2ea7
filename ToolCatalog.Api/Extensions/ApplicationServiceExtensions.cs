using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using ToolCatalog.Api.Auth;
using ToolCatalog.Api.Data;
using ToolCatalog.Api.Discovery;
using ToolCatalog.Api.Import;
using ToolCatalog.Api.Profiles;
using ToolCatalog.Api.Search;
using ToolCatalog.Api.Tools;

namespace ToolCatalog.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Aspire resource names: a contract shared with the AppHost, docs and deployments.</summary>
    public const string DatabaseResource = "catalogdb";
    public const string CacheResource = "cache";

    public const string WriteRateLimit = "writes-per-key";

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
        builder.Services.AddSingleton<MigrationState>();
        builder.Services.AddHostedService<DatabaseMigrationService>();

        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<ProfileLoader>();
        builder.Services.AddHostedService<ProfileLoaderStartup>();
        builder.Services.AddSingleton<CatalogImporter>();
        builder.Services.AddSingleton<CatalogExporter>();
        builder.Services.AddSingleton<CatalogSearch>();
        builder.Services.AddSingleton<ToolWriteService>();
        builder.Services.AddSingleton<Reload.CatalogChangeNotifier>();

        builder.Services.AddHealthChecks()
            .AddCheck<MigrationHealthCheck>("migrations", tags: ["ready"])
            .AddCheck<CatalogHealthCheck>("catalog", tags: ["ready"]);

        builder.AddCatalogAuth();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new() { Title = "ToolCatalog API", Version = "v1", Description = "The catalog of tools an automation pipeline may select and run." };
            return Task.CompletedTask;
        }));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return builder;
    }

    private static void AddCatalogAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.ApiKeys.All(k => k.Sha256.Length == 64 && k.Sha256.All(char.IsAsciiHexDigit)),
                "Auth:ApiKeys: every Sha256 must be 64 hex characters (the SHA-256 of the key)")
            .Validate(o => o.ApiKeys.All(k => k.Role is CatalogRoles.Read or CatalogRoles.Write or CatalogRoles.Admin),
                "Auth:ApiKeys: Role must be read, write or admin")
            .ValidateOnStart();
        var requireKeyForReads = builder.Configuration.GetValue($"{AuthOptions.Section}:RequireKeyForReads", false);
        var writesPerSecond = builder.Configuration.GetValue($"{AuthOptions.Section}:WritesPerSecondPerKey", 200);

        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(CatalogRoles.ReadPolicy, policy =>
            {
                if (requireKeyForReads)
                {
                    policy.RequireRole(CatalogRoles.Read);
                }
                else
                {
                    policy.RequireAssertion(_ => true);
                }
            })
            .AddPolicy(CatalogRoles.WritePolicy, policy => policy.RequireRole(CatalogRoles.Write))
            .AddPolicy(CatalogRoles.AdminPolicy, policy => policy.RequireRole(CatalogRoles.Admin));

        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(WriteRateLimit, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.FindFirstValue(ClaimTypes.Name) ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = writesPerSecond,
                    TokensPerPeriod = writesPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
        });
    }

    public static WebApplication MapCatalogEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCatalogRevisionHeader();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            Scalar.AspNetCore.ScalarEndpointRouteBuilderExtensions.MapScalarApiReference(app, "/scalar");
        }
        app.MapGet("/schemas/tool.json", ToolSchema.Get).WithName("GetToolSchema").WithSummary("JSON Schema of a tool document").WithTags("Schema")
            .Produces(StatusCodes.Status200OK, contentType: "application/schema+json");

        var api = app.MapGroup("/api/v1").RequireAuthorization(CatalogRoles.ReadPolicy);
        api.MapGroup("/tools").WithTags("Tools").MapToolReads().MapToolWrites();
        api.MapDiscovery();
        return app;
    }
}
