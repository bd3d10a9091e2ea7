using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using ToolCatalog.Api.Auth;

namespace ToolCatalog.Api.Reload;

public sealed record ReloadRequest(IReadOnlyList<string>? Tools);

public sealed record CatalogChangeEntry(long Revision, string Tool, string? Version, string Action, DateTime ChangedAt);

public sealed record ChangePage(IReadOnlyList<CatalogChangeEntry> Changes, long Since, long Latest);

/// <summary>Reload, its history and statistics, and the change feed (JSON and Server-Sent Events).</summary>
public static class ReloadApi
{
    public static RouteGroupBuilder MapReloadApi(this RouteGroupBuilder api)
    {
        api.MapPost("/reload", Reload).WithName("Reload").WithSummary("Reload the catalog on every replica").WithTags("Reload")
            .RequireAuthorization(CatalogRoles.AdminPolicy);
        api.MapGet("/reload/history", History).WithName("ReloadHistory").WithSummary("Recorded reloads, newest first").WithTags("Reload");
        api.MapGet("/reload/statistics", Statistics).WithName("ReloadStatistics")
            .WithSummary("Reload counts per trigger, failure rate, p50/p95 duration, last reload").WithTags("Reload");
        api.MapGet("/changes", Changes).WithName("ListChanges").WithSummary("Ordered catalog changes after a revision (deletes are tombstones)")
            .WithTags("Changes");
        api.MapGet("/changes/stream", Stream).WithName("StreamChanges")
            .WithSummary("Server-Sent Events of catalog changes; id is the revision, resume with Last-Event-ID").WithTags("Changes")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return api;
    }

    public static async Task<Results<Ok<ReloadRecord>, ProblemHttpResult>> Reload(HttpContext context, ReloadService reloads,
        ReloadRequest? body, CancellationToken cancellationToken)
    {
        if (body?.Tools is { Count: > 0 } tools)
        {
            return TypedResults.Ok(await reloads.ReloadToolsAsync(tools, ReloadTriggers.Manual, Actor.Of(context), cancellationToken));
        }
        return TypedResults.Ok(await reloads.ReloadAllAsync(ReloadTriggers.Manual, Actor.Of(context), cancellationToken));
    }

    public static async Task<Results<Ok<IReadOnlyList<ReloadRecord>>, ProblemHttpResult>> History(HttpContext context, ReloadService reloads,
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
        return TypedResults.Ok(await reloads.HistoryAsync(max, trigger, cancellationToken));
    }

    public static async Task<Ok<ReloadStatistics>> Statistics(ReloadService reloads, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reloads.StatisticsAsync(cancellationToken));

    public static async Task<Results<Ok<ChangePage>, ProblemHttpResult>> Changes(HttpContext context, NpgsqlDataSource db, long? since, string? limit,
        CancellationToken cancellationToken)
    {
        if (since is < 0)
        {
            return ProblemResponses.QueryProblem(context, [("since", "must be >= 0")]);
        }
        if (!QueryLimit.TryParse(limit, 1000, 10_000, out var max))
        {
            return ProblemResponses.QueryProblem(context, [("limit", QueryLimit.Error(10_000))]);
        }
        var changes = await ReadChangesAsync(db, since ?? 0, max, cancellationToken);
        var latest = changes.Count > 0 ? changes[^1].Revision : since ?? 0;
        return TypedResults.Ok(new ChangePage(changes, since ?? 0, latest));
    }

    /// <summary>
    /// Sends every change after Last-Event-ID (or ?since=), then each new change as this replica applies it. The
    /// database is the source, so a reconnect with the last id received loses nothing.
    /// </summary>
    public static async Task Stream(HttpContext context, NpgsqlDataSource db, RevisionSignal signal, long? since, CancellationToken cancellationToken)
    {
        var last = since ?? 0;
        if (long.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var resume))
        {
            last = resume;
        }
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.WriteAsync(": toolcatalog change feed\nretry: 2000\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);

        var heartbeat = TimeSpan.FromSeconds(15);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Take the wake-up task before reading, so a change applied in between is not missed.
                var changed = signal.WaitAsync(cancellationToken);
                foreach (var change in await ReadChangesAsync(db, last, 1000, cancellationToken))
                {
                    var data = JsonSerializer.Serialize(change, JsonSerializerOptions.Web);
                    await context.Response.WriteAsync(
                        string.Create(CultureInfo.InvariantCulture, $"id: {change.Revision}\nevent: {change.Action}\ndata: {data}\n\n"), Encoding.UTF8, cancellationToken);
                    last = change.Revision;
                }
                await context.Response.Body.FlushAsync(cancellationToken);
                if (await Task.WhenAny(changed, Task.Delay(heartbeat, cancellationToken)) != changed)
                {
                    await context.Response.WriteAsync(": heartbeat\n\n", cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: that is how every stream ends.
        }
    }

    private static async Task<List<CatalogChangeEntry>> ReadChangesAsync(NpgsqlDataSource db, long since, int limit, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand(
            "SELECT revision, tool_name, version, action, changed_at FROM catalog_changes WHERE revision > @since ORDER BY revision LIMIT @limit");
        cmd.Parameters.Add(new NpgsqlParameter<long>("since", since));
        cmd.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var changes = new List<CatalogChangeEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new CatalogChangeEntry(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetDateTime(4)));
        }
        return changes;
    }
}
