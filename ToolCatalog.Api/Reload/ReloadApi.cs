using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Api.Auth;

namespace ToolCatalog.Api.Reload;

public sealed record ReloadRequest(IReadOnlyList<string>? Tools);

/// <summary>Reload triggers over HTTP, their history and statistics.</summary>
public static class ReloadApi
{
    public static RouteGroupBuilder MapReloadApi(this RouteGroupBuilder api)
    {
        api.MapPost("/reload", Reload).WithName("Reload").WithSummary("Reload the catalog on every replica").WithTags("Reload")
            .RequireAuthorization(CatalogRoles.AdminPolicy);
        api.MapGet("/reload/history", History).WithName("ReloadHistory").WithSummary("Recorded reloads, newest first").WithTags("Reload");
        api.MapGet("/reload/statistics", Statistics).WithName("ReloadStatistics")
            .WithSummary("Reload counts per trigger, failure rate, p50/p95 duration, last reload").WithTags("Reload");
        return api;
    }

    /// <summary>Answers with the outcome of this very reload (<c>historyError</c> says when its history row could not be written).</summary>
    public static async Task<Ok<ReloadRecord>> Reload(HttpContext context, ReloadService reloads, ReloadRequest? body, CancellationToken cancellationToken)
    {
        var actor = Actor.Of(context);
        return TypedResults.Ok(body?.Tools is { Count: > 0 } tools
            ? await reloads.ReloadToolsAsync(tools, ReloadTriggers.Manual, actor)
            : await reloads.ReloadAllAsync(ReloadTriggers.Manual, actor, cancellationToken));
    }

    public static async Task<Results<Ok<IReadOnlyList<ReloadRecord>>, ProblemHttpResult>> History(HttpContext context, ReloadHistory history,
        string? limit, string? trigger, CancellationToken cancellationToken)
    {
        if (!QueryLimit.TryParse(limit, 50, 1000, out var max))
        {
            return ProblemResponses.QueryProblem(context, [("limit", QueryLimit.Error(1000))]);
        }
        if (trigger is not null && !ReloadTriggers.All.Contains(trigger, StringComparer.Ordinal))
        {
            return ProblemResponses.QueryProblem(context, [("trigger", $"must be one of: {string.Join(", ", ReloadTriggers.All)}")]);
        }
        return TypedResults.Ok(await history.ListAsync(max, trigger, cancellationToken));
    }

    public static async Task<Ok<ReloadStatistics>> Statistics(ReloadHistory history, CancellationToken cancellationToken) =>
        TypedResults.Ok(await history.StatisticsAsync(cancellationToken));
}
