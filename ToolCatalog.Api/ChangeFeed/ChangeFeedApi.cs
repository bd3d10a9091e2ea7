using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ToolCatalog.Api.ChangeFeed;

/// <summary>The change feed: ordered catalog changes as JSON pages and as Server-Sent Events.</summary>
public static class ChangeFeedApi
{
    public static RouteGroupBuilder MapChangeFeed(this RouteGroupBuilder api)
    {
        api.MapGet("/changes", Changes).WithName("ListChanges").WithSummary("Ordered catalog changes after a revision (deletes are tombstones)")
            .WithTags("Changes");
        api.MapGet("/changes/stream", Stream).WithName("StreamChanges")
            .WithSummary("Server-Sent Events of catalog changes; id is the revision, resume with Last-Event-ID").WithTags("Changes")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    public static async Task<Results<Ok<ChangePage>, ProblemHttpResult>> Changes(HttpContext context, NpgsqlDataSource db, long? since, string? limit,
        CancellationToken cancellationToken)
    {
        if (since is < 0)
        {
            return ProblemResponses.QueryProblem(context, [("since", "must be >= 0")]);
        }
        if (!QueryLimit.TryParse(limit, ChangeTable.PageSize, 10_000, out var max))
        {
            return ProblemResponses.QueryProblem(context, [("limit", QueryLimit.Error(10_000))]);
        }
        var changes = await ChangeTable.ReadAsync(db, since ?? 0, max, cancellationToken);
        var latest = changes.Count > 0 ? changes[^1].Revision : since ?? 0;
        return TypedResults.Ok(new ChangePage(changes, since ?? 0, latest));
    }

    /// <summary>
    /// Sends every change after Last-Event-ID (or ?since=) at once, page after page, then each new change as this replica
    /// applies it. The database is the source, so a reconnect with the last id received loses nothing.
    /// </summary>
    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Stream(HttpContext context, NpgsqlDataSource db, ChangeFeedHub hub,
        IOptions<ChangeFeedOptions> options, TimeProvider time, long? since, CancellationToken cancellationToken)
    {
        var last = since ?? 0;
        if (long.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var resume))
        {
            last = resume;
        }
        using var subscription = hub.TrySubscribe();
        if (subscription is null)
        {
            context.Response.Headers.RetryAfter = "5";
            return ProblemResponses.Problem(context, StatusCodes.Status503ServiceUnavailable, "too-many-streams", "Too many change streams",
                $"This replica already serves {options.Value.MaxSubscribers} change streams. Retry later or poll /api/v1/changes.");
        }
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await context.Response.WriteAsync(": toolcatalog change feed\nretry: 2000\n\n", cancellationToken);
            last = await SendFromTableAsync(context, db, hub, last, cancellationToken);
            subscription.Joined(last);
            await SendLiveAsync(context, db, hub, subscription, last, options.Value.HeartbeatInterval, time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: that is how every stream ends.
        }
        return TypedResults.Empty;
    }

    private static async Task SendLiveAsync(HttpContext context, NpgsqlDataSource db, ChangeFeedHub hub, ChangeSubscription subscription, long last,
        TimeSpan heartbeat, TimeProvider time, CancellationToken cancellationToken)
    {
        var ready = subscription.Batches.WaitToReadAsync(cancellationToken).AsTask();
        while (true)
        {
            if (await Task.WhenAny(ready, Task.Delay(heartbeat, time, cancellationToken)) != ready)
            {
                await context.Response.WriteAsync(": heartbeat\n\n", cancellationToken);
                await context.Response.Body.FlushAsync(cancellationToken);
                continue;
            }
            if (!await ready)
            {
                return; // cut for lagging behind (the client resumes by Last-Event-ID) or shutting down
            }
            while (subscription.Batches.TryRead(out var batch))
            {
                // Changes between what this stream sent and where the batch starts (it joined while the hub read): from the table.
                last = batch.After > last ? await SendFromTableAsync(context, db, hub, last, cancellationToken) : last;
                foreach (var (revision, frame) in batch.Changes.Where(c => c.Revision > last))
                {
                    await context.Response.Body.WriteAsync(frame, cancellationToken);
                    last = revision;
                }
            }
            await context.Response.Body.FlushAsync(cancellationToken);
            ready = subscription.Batches.WaitToReadAsync(cancellationToken).AsTask();
        }
    }

    /// <summary>Every change after <paramref name="last"/> in the table, page after page without waiting; returns the last revision sent.</summary>
    private static async Task<long> SendFromTableAsync(HttpContext context, NpgsqlDataSource db, ChangeFeedHub hub, long last,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await ChangeTable.ReadAsync(db, last, ChangeTable.PageSize, cancellationToken);
            hub.StreamRead();
            foreach (var change in page)
            {
                await context.Response.Body.WriteAsync(change.ToServerSentEvent(), cancellationToken);
                last = change.Revision;
            }
            await context.Response.Body.FlushAsync(cancellationToken);
            if (page.Count < ChangeTable.PageSize)
            {
                return last;
            }
        }
    }
}
