using System.Text;
using ToolCatalog.LoadTests.Http;

namespace ToolCatalog.LoadTests.Tests;

/// <summary>The scenarios' lean HTTP/1.1 client against a real Kestrel in this process.</summary>
public sealed class LeanHttpClientTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static Func<ReadOnlyMemory<byte>, bool> Is(byte[] expected) => body => body.Span.SequenceEqual(expected);

    [Theory]
    [InlineData("fixed", 0)]
    [InlineData("fixed", 1)]
    [InlineData("fixed", 9_000)]
    [InlineData("fixed", 300_000)] // many reads, beyond the receive buffer
    [InlineData("chunked", 0)]
    [InlineData("chunked", 1)]
    [InlineData("chunked", 2_500)]
    [InlineData("chunked", 300_000)] // hundreds of chunks spanning many reads
    public async Task Bodies_framed_by_content_length_or_chunks_are_read_whole_on_one_kept_alive_connection(string framing, int size)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await LeanTarget.StartAsync(TimeSpan.FromMinutes(2), ct);
        using var client = new LeanHttpClient([target.BaseUrl], Generous);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await client.GetAsync(0, $"/{framing}/{size}", Is(LeanTarget.Pattern(size)), ct));
            Assert.True(await client.GetAsync(0, "/fixed/7", Is(LeanTarget.Pattern(7)), ct), "the next response starts where the last one ended");
        }
        Assert.Equal(1, target.Accepted);
        Assert.Equal(1, client.ConnectionsOpened);
    }

    [Fact]
    public async Task A_host_name_is_resolved_and_sent_as_the_host_header_and_https_is_refused_at_setup()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await LeanTarget.StartAsync(TimeSpan.FromMinutes(2), ct);
        using var client = new LeanHttpClient([new Uri($"http://localhost:{target.BaseUrl.Port}/")], Generous);

        Assert.True(await client.GetAsync(0, "/host", Is(Encoding.ASCII.GetBytes($"localhost:{target.BaseUrl.Port}")), ct));
        Assert.Throws<LoadSetupException>(() => new LeanHttpClient([new Uri("https://localhost:5001/")], Generous));
    }

    [Fact]
    public async Task A_post_sends_its_body_and_content_type_once_per_request()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await LeanTarget.StartAsync(TimeSpan.FromMinutes(2), ct);
        using var client = new LeanHttpClient([target.BaseUrl], Generous);
        var json = """{"capabilities":["backup"],"query":"grüße"}""";
        var body = new LeanBody("application/json; charset=utf-8", json);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await client.PostAsync(0, "/echo", body, Is(Encoding.UTF8.GetBytes(json)), ct));
        }
        Assert.Equal(1, target.Accepted);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Client_and_server_errors_are_failures_and_the_connection_stays_usable(int status)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await LeanTarget.StartAsync(TimeSpan.FromMinutes(2), ct);
        using var client = new LeanHttpClient([target.BaseUrl], Generous);

        Assert.False(await client.GetAsync(0, $"/status/{status}", null, ct));
        Assert.True(await client.GetAsync(0, "/status/200", null, ct));
        Assert.False(await client.GetAsync(0, "/fixed/10", _ => false, ct)); // a body check that says no is a failure too
        Assert.Equal(1, target.Accepted);
        Assert.Equal(0, client.ConnectionsBroken);
    }

    [Fact]
    public async Task After_a_connection_close_answer_the_next_request_goes_out_on_a_new_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await LeanTarget.StartAsync(TimeSpan.FromMinutes(2), ct);
        using var client = new LeanHttpClient([target.BaseUrl], Generous);

        Assert.True(await client.GetAsync(0, "/close", Is("bye"u8.ToArray()), ct));
        Assert.True(await client.GetAsync(0, "/fixed/50", Is(LeanTarget.Pattern(50)), ct));
        Assert.Equal(2, target.Accepted);
        // Not by luck: the closed connection was never sent a request, so none broke.
        Assert.Equal(0, client.ConnectionsBroken);
    }

    [Fact]
    public async Task A_kept_alive_connection_the_server_closed_while_idle_is_replaced_without_a_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await LeanTarget.StartAsync(TimeSpan.FromSeconds(1), ct);
        using var client = new LeanHttpClient([target.BaseUrl], Generous);

        Assert.True(await client.GetAsync(0, "/fixed/10", null, ct));
        await target.WaitClosedAsync(1, TimeSpan.FromSeconds(15), ct); // Kestrel's keep-alive timeout
        Assert.True(await client.GetAsync(0, "/fixed/20", Is(LeanTarget.Pattern(20)), ct));
        Assert.Equal(2, target.Accepted);
        Assert.Equal(1, client.ConnectionsBroken);
    }

    [Fact]
    public async Task A_server_that_stops_answering_is_a_timeout_failure_and_the_client_carries_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await LeanTarget.StartAsync(TimeSpan.FromMinutes(2), ct);
        using var client = new LeanHttpClient([target.BaseUrl], TimeSpan.FromMilliseconds(300));

        var hung = client.GetAsync(0, "/hang", null, ct);
        Assert.False(await hung.WaitAsync(Generous, ct)); // a generous bound: it must end, not hang
        Assert.True(await client.GetAsync(0, "/fixed/30", Is(LeanTarget.Pattern(30)), ct));
        Assert.Equal(1, client.ConnectionsBroken);
        Assert.Equal(2, target.Accepted);
    }

    [Fact]
    public async Task A_connection_cut_mid_body_or_refused_is_a_failure_not_a_hang()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await LeanTarget.StartAsync(TimeSpan.FromMinutes(2), ct);
        using var client = new LeanHttpClient([target.BaseUrl], Generous);
        using var nobody = new LeanHttpClient([new Uri($"http://127.0.0.1:{PostgresServer.FreePort()}/")], Generous);

        Assert.False(await client.GetAsync(0, "/cut", null, ct).WaitAsync(Generous, ct));
        Assert.True(await client.GetAsync(0, "/fixed/40", Is(LeanTarget.Pattern(40)), ct));
        Assert.False(await nobody.GetAsync(0, "/fixed/40", null, ct).WaitAsync(Generous, ct));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\nonly a little", false)] // closed inside the body
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", false)] // closed before the last chunk
    [InlineData("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe body runs until the close", true)] // no length: until close
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n", true)]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n\r\n", false)]
    public async Task Framing_kestrel_never_sends_is_read_to_its_end_or_failed(string response, bool succeeds)
    {
        // Kestrel does not end a body early on purpose, nor send a body delimited by the close: a raw socket does.
        var ct = TestContext.Current.CancellationToken;
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(ct);
            var request = new byte[4096];
            var received = 0;
            while (!request.AsSpan(0, received).EndsWith("\r\n\r\n"u8))
            {
                received += await socket.ReceiveAsync(request.AsMemory(received), ct);
            }
            await socket.SendAsync(Encoding.ASCII.GetBytes(response), ct);
            socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        }, ct);
        using var client = new LeanHttpClient([new Uri($"http://127.0.0.1:{port}/")], Generous);

        var body = "";
        var ok = await client.GetAsync(0, "/raw", b => { body = Encoding.ASCII.GetString(b.Span); return true; }, ct).WaitAsync(Generous, ct);
        await serve;

        Assert.Equal(succeeds, ok);
        if (succeeds)
        {
            Assert.Equal(response.Contains("chunked", StringComparison.Ordinal) ? "hello" : "the body runs until the close", body);
        }
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_answer_on_at_most_one_connection_per_request_in_flight()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var target = await LeanTarget.StartAsync(TimeSpan.FromMinutes(2), ct);
        using var client = new LeanHttpClient([target.BaseUrl, target.BaseUrl], Generous);
        const int users = 32;

        async Task<int> UserAsync(int user)
        {
            var failures = 0;
            for (var i = 0; i < 25; i++)
            {
                // Each user asks for sizes no other user asks for: a body from someone else's request fails the check.
                var size = user * 1000 + i * 37;
                var framing = (user + i) % 2 == 0 ? "fixed" : "chunked";
                failures += await client.GetAsync(i % 2, $"/{framing}/{size}", Is(LeanTarget.Pattern(size)), ct) ? 0 : 1;
            }
            return failures;
        }

        var failures = await Task.WhenAll(Enumerable.Range(0, users).Select(u => Task.Run(() => UserAsync(u), ct)));
        Assert.All(failures, f => Assert.Equal(0, f));
        Assert.InRange(client.ConnectionsOpened, 1, 2 * users);
        Assert.Equal(client.ConnectionsOpened, target.Accepted);
        Assert.Equal(0, client.ConnectionsBroken);
    }
}

/// <summary>The select and search scenarios' success checks, read forward-only from the response bytes.</summary>
public sealed class ScenarioBodyCheckTests
{
    [Theory]
    [InlineData("""{"mode":"fast","candidates":[{"tool":"restic"}],"excluded":[]}""", true)]
    [InlineData("""{"explain":{"candidates":[{"tool":"x"}]},"candidates":[]}""", false)] // the nested one does not count
    [InlineData("""{"explain":{"candidates":[]},"candidates":[{"tool":"x"}]}""", true)]
    [InlineData("""{"candidates":null}""", false)]
    [InlineData("""{"excluded":[{"tool":"x"}]}""", false)]
    [InlineData("""[{"candidates":[1]}]""", false)]
    public void Select_succeeds_when_the_top_level_candidates_are_not_empty(string json, bool expected) =>
        Assert.Equal(expected, Mix.NamesACandidate(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("""[{"tool":"dig","score":0.9}]""", true)]
    [InlineData("""[]""", false)]
    [InlineData("""{"items":[1]}""", false)]
    public void Search_succeeds_when_it_finds_something(string json, bool expected) =>
        Assert.Equal(expected, Mix.FindsSomething(Encoding.UTF8.GetBytes(json)));
}
