using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ToolCatalog.LoadTests.Tests;

/// <summary>
/// A real Kestrel on a free loopback port for the lean client's tests: bodies of a known pattern with Content-Length or
/// chunked, any status, an echo, a Connection: close answer, a request that is never answered, and an answer cut off
/// mid-body. It counts the TCP connections it accepted and signals each one it closed.
/// </summary>
internal sealed class LeanTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _accepted;
    private int _closed;
    private TaskCompletionSource _nextClose = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri BaseUrl { get; }
    public int Accepted => Volatile.Read(ref _accepted);

    private LeanTarget(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The body every sized route answers: a pattern that differs with the size, so a body of another request never passes for it.</summary>
    public static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)('a' + (i * 7 + size) % 26);
        }
        return bytes;
    }

    /// <summary>Completes when the server has closed <paramref name="count"/> connections in all.</summary>
    public async Task WaitClosedAsync(int count, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        while (Volatile.Read(ref _closed) < count)
        {
            await Volatile.Read(ref _nextClose).Task.WaitAsync(timeout.Token);
        }
    }

    public static async Task<LeanTarget> StartAsync(TimeSpan keepAliveTimeout, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        LeanTarget? self = null;
        var port = PostgresServer.FreePort();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.KeepAliveTimeout = keepAliveTimeout;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Use(next => async connection =>
            {
                Interlocked.Increment(ref self!._accepted);
                try
                {
                    await next(connection);
                }
                finally
                {
                    Interlocked.Increment(ref self._closed);
                    Interlocked.Exchange(ref self._nextClose, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }
            }));
        });
        var app = builder.Build();
        MapRoutes(app);
        await app.StartAsync(cancellationToken);
        self = new LeanTarget(app, new Uri($"http://127.0.0.1:{port}/"));
        return self;
    }

    private static void MapRoutes(WebApplication app)
    {
        app.MapGet("/fixed/{size:int}", (int size) => Results.Bytes(Pattern(size), "application/octet-stream"));
        app.MapGet("/chunked/{size:int}", async (int size, HttpContext context) =>
        {
            // No Content-Length and a flush per piece: Kestrel sends a chunk for each (1000 bytes, then the rest).
            await context.Response.StartAsync(context.RequestAborted);
            var body = Pattern(size);
            for (var offset = 0; offset < size; offset += 1000)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(1000, size - offset)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        app.MapGet("/host", (HttpContext context) => Results.Text(context.Request.Host.Value));
        app.MapGet("/status/{code:int}", (int code) => Results.Text("status " + code, statusCode: code));
        app.MapPost("/echo", async (HttpContext context) =>
        {
            using var copy = new MemoryStream();
            await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
            context.Response.ContentType = context.Request.ContentType;
            await context.Response.Body.WriteAsync(copy.ToArray(), context.RequestAborted);
        });
        app.MapGet("/close", (HttpContext context) =>
        {
            context.Response.Headers.Connection = "close";
            return Results.Text("bye");
        });
        app.MapGet("/hang", async (HttpContext context) =>
        {
            // Never answers: waits until the client gives up and the connection goes.
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        app.MapGet("/cut", async (HttpContext context) =>
        {
            context.Response.ContentLength = 10_000;
            await context.Response.Body.WriteAsync(Pattern(100), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
