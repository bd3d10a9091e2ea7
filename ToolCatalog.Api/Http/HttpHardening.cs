using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using ToolCatalog.Api.Import;

namespace ToolCatalog.Api;

/// <summary>Transport limits Kestrel enforces before the catalog reads a byte.</summary>
public sealed class HttpLimitsOptions
{
    public const string Section = "Http";

    /// <summary>A body slower than this (after the grace period) is cut with 408: slow senders cannot hold requests open.</summary>
    [Range(1, 1_000_000)]
    public int MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>How long a body may start slowly before the rate applies (Kestrel requires more than a second).</summary>
    public TimeSpan RequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Kestrel's own ceiling on any body (413); the routes' limits (1 MiB per document, 16 MiB per import) are lower.</summary>
    [Range(1024 * 1024, 1024L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = ImportBody.MaxImportBytes + 1024 * 1024;
}

public static class HttpHardening
{
    public static IHostApplicationBuilder AddHttpHardening(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpLimitsOptions>().BindConfiguration(HttpLimitsOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.RequestBodyGracePeriod > TimeSpan.FromSeconds(1), "Http:RequestBodyGracePeriod must be over 1 second (Kestrel's minimum)").ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpLimitsOptions>>((kestrel, limits) =>
        {
            // No product banner: it tells an attacker which server (and version) to look up.
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.Value.MinRequestBodyBytesPerSecond, limits.Value.RequestBodyGracePeriod);
        });
        QueryStringRedaction.AddTo(builder.Services);
        return builder;
    }

    /// <summary>Every response, problems and 404s included, tells browsers not to sniff its content type.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            // The callback takes the context as state: nothing is allocated per request for it.
            context.Response.OnStarting(SetNoSniff, context);
            return next(context);
        });

    private static readonly Func<object, Task> SetNoSniff = static state =>
    {
        ((HttpContext)state).Response.Headers.XContentTypeOptions = "nosniff";
        return Task.CompletedTask;
    };
}
