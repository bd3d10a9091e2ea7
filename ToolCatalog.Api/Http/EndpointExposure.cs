using ToolCatalog.Api.Auth;

namespace ToolCatalog.Api;

/// <summary>Who may call an operational endpoint.</summary>
public enum EndpointAccess
{
    /// <summary>Anyone (for the /api/v1 routes: whoever may read the catalog).</summary>
    Public,
    /// <summary>Any valid API key (read, write or admin): what a Prometheus scraper is given.</summary>
    Key,
    Admin,
    /// <summary>Not mapped at all: 404.</summary>
    Off,
}

/// <summary>
/// The endpoints that describe the deployment rather than the catalog: the OpenAPI document, the Prometheus scrape
/// endpoint and the performance statistics (query plans, database statistics). Open in Development and Testing;
/// everywhere else they default to protected, and each can be set in <c>Exposure</c>.
/// </summary>
public sealed class ExposureOptions
{
    public const string Section = "Exposure";

    public EndpointAccess? OpenApi { get; set; }
    public EndpointAccess? Metrics { get; set; }
    public EndpointAccess? PerformanceStats { get; set; }

    public const string KeyPolicy = "catalog.any-key";

    /// <summary>Fills what configuration left out with the defaults of the environment.</summary>
    public void ApplyDefaults(IHostEnvironment environment)
    {
        var open = environment.IsDevelopment() || environment.IsEnvironment("Testing");
        OpenApi ??= open ? EndpointAccess.Public : EndpointAccess.Admin;
        Metrics ??= open ? EndpointAccess.Public : EndpointAccess.Key;
        PerformanceStats ??= open ? EndpointAccess.Public : EndpointAccess.Admin;
    }
}

public static class EndpointExposure
{
    public static IHostApplicationBuilder AddEndpointExposure(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExposureOptions>().BindConfiguration(ExposureOptions.Section)
            .PostConfigure<IHostEnvironment>((options, environment) => options.ApplyDefaults(environment))
            .Validate(o => o.OpenApi is not null && o.Metrics is not null && o.PerformanceStats is not null, "Exposure: every endpoint needs an access level")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>Maps the endpoint (unless Off) and requires what <paramref name="access"/> asks for.</summary>
    public static void Expose(EndpointAccess? access, Func<IEndpointConventionBuilder> map)
    {
        switch (access)
        {
            case EndpointAccess.Off:
                return;
            case EndpointAccess.Key:
                map().RequireAuthorization(ExposureOptions.KeyPolicy);
                return;
            case EndpointAccess.Admin:
                map().RequireAuthorization(CatalogRoles.AdminPolicy);
                return;
            default:
                map();
                return;
        }
    }
}
