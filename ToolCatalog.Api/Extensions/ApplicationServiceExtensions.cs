using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using StackExchange.Redis;
using ToolCatalog.Api.Auth;
using ToolCatalog.Api.Caching;
using ToolCatalog.Api.ChangeFeed;
using ToolCatalog.Api.Reload;
using ToolCatalog.Api.Data;
using ToolCatalog.Api.Discovery;
using ToolCatalog.Api.Import;
using ToolCatalog.Api.Mcp;
using ToolCatalog.Api.Search;
using ToolCatalog.Api.Selection;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Sync;
using ToolCatalog.Api.Telemetry;
using ToolCatalog.Api.Tools;
using ToolCatalog.Api.Writes;

namespace ToolCatalog.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Aspire resource names: a contract shared with the AppHost, docs and deployments.</summary>
    public const string DatabaseResource = "catalogdb";
    public const string CacheResource = "cache";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The Aspire integrations' own health checks report Unhealthy when a dependency is away; ours below know the
        // catalog can still serve from memory then, and say Degraded.
        builder.AddCatalogDatabase();
        builder.AddRedisClient(CacheResource, settings => settings.DisableHealthChecks = true, configureOptions: options =>
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

        builder.AddCatalogFeatures();
        builder.AddSearch();
        builder.AddCaching();
        builder.AddServedCatalog();

        builder.Services.AddSingleton<DatabaseStatus>();
        builder.Services.AddHostedService<DatabaseProbe>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddExceptionHandler<BadRequestBodyHandler>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Telemetry.RequestWindow>();
        builder.Services.AddSingleton<Telemetry.RecentPerformance>();
        builder.Services.AddSingleton<Telemetry.CatalogGauges>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Npgsql")
            .AddMeter("Microsoft.Extensions.Caching.Hybrid")
            .AddPrometheusExporter());

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("postgres", tags: ["ready"])
            .AddCheck<RedisHealthCheck>("redis", tags: ["ready"])
            .AddCheck<MigrationHealthCheck>("migrations", tags: ["ready"])
            .AddCheck<CatalogHealthCheck>("catalog", tags: ["ready"]);

        builder.AddCatalogAuth();
        builder.AddHttpHardening();
        builder.AddEndpointExposure();
        builder.AddCatalogMcp();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new() { Title = "ToolCatalog API", Version = "v1", Description = "The catalog of tools an automation pipeline may select and run." };
            return Task.CompletedTask;
        }));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return builder;
    }

    /// <summary>What the feature folders need: the vocabulary, writes, import and export, lists, selection, statistics.</summary>
    private static void AddCatalogFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<Tools.VocabularyOptions>().BindConfiguration(Tools.VocabularyOptions.Section)
            .Validate(o => o.CapabilitiesAreValid(out _), "Catalog:Vocabularies:Capabilities: a name is not lower_snake_case or an alias means two capabilities")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<Tools.VocabularyOptions>>().Value.ToVocabulary());
        builder.Services.AddOptions<WriteOptions>().BindConfiguration(WriteOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<CatalogWriter>();
        builder.Services.AddSingleton<ToolWriteService>();
        builder.Services.AddSingleton<CatalogImporter>();
        builder.Services.AddSingleton<ParsedFileCache>();
        builder.Services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ImportGate>();
        builder.Services.AddSingleton<CatalogExporter>();
        builder.Services.AddSingleton<ExportCache>();
        builder.Services.AddOptions<PagingOptions>().BindConfiguration(PagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ListCursors>();
        builder.Services.AddOptions<SelectionOptions>().BindConfiguration(SelectionOptions.Section)
            .Validate(o => o.IsValid(out _), "Selection: invalid Environments or ModeKeywords (see SelectionOptions)").ValidateOnStart();
        builder.Services.AddSingleton<SelectionRequestReader>();
        builder.Services.AddSingleton<SelectionDecider>();
        builder.Services.AddSingleton<CatalogStatsReader>();
    }

    /// <summary>
    /// PostgreSQL, with at most Database:MaxPoolSize connections per replica: every replica's pool counts against the
    /// server's max_connections, so N replicas must stay under it (docs/operations.md). Statements run twice on a
    /// connection are prepared there (up to Database:MaxAutoPrepare of them, 0 turns it off): planning was a third of
    /// the server time of a PUT, whose dozen statements are the same every time.
    /// </summary>
    private static void AddCatalogDatabase(this IHostApplicationBuilder builder)
    {
        var maxPoolSize = builder.Configuration.GetValue("Database:MaxPoolSize", 30);
        var maxAutoPrepare = builder.Configuration.GetValue("Database:MaxAutoPrepare", 64);
        builder.AddNpgsqlDataSource(DatabaseResource, settings => settings.DisableHealthChecks = true, dataSource =>
        {
            dataSource.ConnectionStringBuilder.MaxPoolSize = maxPoolSize;
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = maxAutoPrepare;
            dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        });
    }

    /// <summary>
    /// The served snapshot, how changes reach it (the replica sync over Redis pub/sub), what follows a change (cache
    /// eviction, the change feed) and what triggers one (reloads, committed writes).
    /// </summary>
    private static void AddServedCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SnapshotStore>();
        builder.Services.AddHostedService<SnapshotStoreStartup>();
        builder.Services.AddSingleton<SyncMetrics>();
        builder.Services.AddSingleton<IInvalidationTransport, RedisInvalidationTransport>();
        builder.Services.AddOptions<ChangeFeedOptions>().BindConfiguration(ChangeFeedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ChangeFeedHub>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChangeFeedHub>());
        builder.Services.AddSingleton<CacheEviction>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CacheEviction>());
        builder.Services.AddSingleton<IServedContentListener>(sp => sp.GetRequiredService<CacheEviction>());
        builder.Services.AddSingleton<IServedContentListener>(sp => sp.GetRequiredService<ChangeFeedHub>());
        builder.Services.AddSingleton<ReplicaSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicaSync>());
        builder.Services.AddSingleton<ReloadHistory>();
        builder.Services.AddSingleton<ReloadHistoryWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReloadHistoryWriter>());
        builder.Services.AddSingleton<ReloadService>();
        builder.Services.AddOptions<ReloadOptions>().BindConfiguration(ReloadOptions.Section).ValidateOnStart();
        builder.Services.AddHostedService<ReloadScheduler>();
    }

    /// <summary>HybridCache: L1 in this process (bounded), L2 in Redis over the same connection as the invalidation bus.</summary>
    private static void AddCaching(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var cacheOptions = builder.Configuration.GetSection(CacheOptions.Section).Get<CacheOptions>() ?? new CacheOptions();
        builder.Services.AddSingleton<BusConnectivity>();
        builder.Services.AddStackExchangeRedisCache(_ => { });
        builder.Services.AddOptions<RedisCacheOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
        {
            options.ConnectionMultiplexerFactory = () => Task.FromResult(redis);
            options.InstanceName = cacheOptions.Prefix + ":l2:";
        });
        builder.Services.AddMemoryCache(options =>
        {
            options.SizeLimit = cacheOptions.L1SizeBytes;
            options.TrackStatistics = true;
        });
        builder.Services.AddHybridCache(options =>
        {
            options.MaximumPayloadBytes = 8 * 1024 * 1024;
            options.DefaultEntryOptions = new HybridCacheEntryOptions
            {
                Expiration = cacheOptions.L2Expiration,
                LocalCacheExpiration = cacheOptions.L1Expiration,
            };
        }).AddSerializer<CachedResponse, CachedResponseSerializer>();
        builder.Services.AddSingleton<CatalogCache>();
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
            .AddPolicy(CatalogRoles.AdminPolicy, policy => policy.RequireRole(CatalogRoles.Admin))
            .AddPolicy(ExposureOptions.KeyPolicy, policy => policy.RequireRole(CatalogRoles.Read));

        builder.AddCatalogRateLimits(writesPerSecond);
    }

    public static WebApplication MapCatalogEndpoints(this WebApplication app)
    {
        // Gauges observe singletons; creating them here registers the instruments before the first scrape.
        app.Services.GetRequiredService<Telemetry.CatalogGauges>();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseRequestWindow();
        app.UseStatusCodePages();
        app.UseCatalogRevisionHeader();
        app.UseStaleMarker();
        app.UseApiKeyAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        var exposure = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ExposureOptions>>().Value;
        EndpointExposure.Expose(exposure.Metrics, () => app.MapPrometheusScrapingEndpoint("/metrics"));
        EndpointExposure.Expose(exposure.OpenApi, () => app.MapOpenApi());
        if (app.Environment.IsDevelopment())
        {
            Scalar.AspNetCore.ScalarEndpointRouteBuilderExtensions.MapScalarApiReference(app, "/scalar");
        }
        app.MapGet("/schemas/tool.json", ToolSchema.Get).WithName("GetToolSchema").WithSummary("JSON Schema of a tool document").WithTags("Schema")
            .Produces(StatusCodes.Status200OK, contentType: "application/schema+json");

        var api = app.MapGroup("/api/v1");
        // Open reads carry no policy at all: evaluating an always-true one cost a sixth of a cached read's server time.
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.RequireKeyForReads)
        {
            api.RequireAuthorization(CatalogRoles.ReadPolicy);
        }
        api.MapGroup("/tools").WithTags("Tools").MapToolReads().MapToolWrites().MapImportExport();
        api.MapDiscovery();
        api.MapSearch();
        api.MapSelection();
        api.MapReloadApi();
        api.MapChangeFeed();
        api.MapMetricsApi(exposure.PerformanceStats);
        app.MapCatalogMcp();
        return app;
    }
}
