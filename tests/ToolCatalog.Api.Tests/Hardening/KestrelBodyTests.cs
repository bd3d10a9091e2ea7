using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Hardening;

/// <summary>
/// Bodies the server itself refuses while the catalog reads them — too slow, or over the server's size limit — end as
/// 408 and 413 problems, not 500. These need Kestrel (the in-memory test server enforces neither), so the API runs on a
/// loopback port here.
/// </summary>
public sealed class KestrelBodyTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task A_body_sent_too_slowly_is_408()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartKestrelAsync(new Dictionary<string, string?>
        {
            ["Http:MinRequestBodyBytesPerSecond"] = "100",
            ["Http:RequestBodyGracePeriod"] = "00:00:01.5",
        }, ct);
        // The slow client: a byte every 200 ms (5 B/s against a floor of 100 B/s), until the server answers.
        var head = await SendRawAsync(api.Port, "POST /api/v1/tools/validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\n"
            + "Content-Length: 100000\r\n\r\n", "#"u8.ToArray(), TimeSpan.FromMilliseconds(200), chunked: false, ct);
        Assert.StartsWith("HTTP/1.1 408", head, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_from_the_import_and_from_the_server()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartKestrelAsync(null, ct);
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'#');

        // A zip sent chunked (no Content-Length) past the import limit, until the server answers.
        var zip = await SendRawAsync(api.Port, Head("application/zip", api.WriteKey), chunk, TimeSpan.Zero, chunked: true, ct);
        // YAML to a route whose own limit (16 MiB) is above what this server accepts (2 MiB): Kestrel refuses it mid-read.
        await using var small = await StartKestrelAsync(new Dictionary<string, string?> { ["Http:MaxRequestBodyBytes"] = "2097152" }, ct);
        var yaml = await SendRawAsync(small.Port, Head("application/yaml", small.WriteKey), chunk, TimeSpan.Zero, chunked: true, ct);

        Assert.StartsWith("HTTP/1.1 413", zip, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 413", yaml, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", yaml, StringComparison.Ordinal);
    }

    private static string Head(string contentType, string key) =>
        $"POST /api/v1/tools/import HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\nContent-Type: {contentType}\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n";

    /// <summary>
    /// Sends the request head, then <paramref name="piece"/> over and over (every <paramref name="pause"/>) until the
    /// server answers or stops reading; returns the response head. A raw socket, because HttpClient gives up on a
    /// response that arrives before the body is sent.
    /// </summary>
    private static async Task<string> SendRawAsync(int port, string head, byte[] piece, TimeSpan pause, bool chunked, CancellationToken cancellationToken)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        var framed = chunked ? [.. Encoding.ASCII.GetBytes($"{piece.Length:x}\r\n"), .. piece, .. "\r\n"u8.ToArray()] : piece;
        var answer = ReadHeadAsync(stream, cancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!answer.IsCompleted && DateTime.UtcNow < deadline)
        {
            try
            {
                await stream.WriteAsync(framed, cancellationToken);
            }
            catch (IOException)
            {
                break;
            }
            if (pause > TimeSpan.Zero)
            {
                await Task.WhenAny(answer, Task.Delay(pause, cancellationToken));
            }
        }
        return await answer.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
    }

    [Fact]
    public async Task Responses_carry_no_Server_header()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartKestrelAsync(null, ct);
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        using var response = await client.GetAsync("/api/v1/platforms", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.Server);
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    private async Task<KestrelApi> StartKestrelAsync(IReadOnlyDictionary<string, string?>? settings, CancellationToken cancellationToken)
    {
        var database = await infra.NewCatalogDatabaseAsync(cancellationToken);
        var writeKey = ApiTestHost.NewKey();
        var all = new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:0:Name"] = "writer",
            ["Auth:ApiKeys:0:Role"] = "write",
            ["Auth:ApiKeys:0:Sha256"] = ApiTestHost.Sha256(writeKey),
            ["Cache:Prefix"] = "kes" + Guid.NewGuid().ToString("N")[..10],
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        var factory = new ApiFactory(database, infra.Redis.ConnectionString, all);
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelApi(factory, new Uri(address), writeKey);
    }

    private sealed record KestrelApi(ApiFactory Factory, Uri BaseAddress, string WriteKey) : IAsyncDisposable
    {
        public int Port => BaseAddress.Port;

        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }
}
