using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ToolCatalog.LoadTests.Http;

/// <summary>A POST body with its Content-Type, encoded once with its two headers and reused for every request.</summary>
public sealed class LeanBody(string contentType, string body)
{
    internal byte[] HeadersAndBody { get; } = Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}"));
}

/// <summary>
/// The scenarios' HTTP/1.1 client: a pool of keep-alive connections per replica (one per request in flight, so one per
/// virtual user in the closed model), requests written into a reused buffer, responses parsed from a reused buffer. It
/// costs the machine far less CPU per request than HttpClient, whose cost would otherwise land in every latency the
/// runner measures on a shared machine. No compression, no redirects, no cookies, plain http only. A non-2xx status, a
/// timeout, a broken connection or a failed body check is a failure (false), never an exception; the broken connection is
/// dropped and the next request opens a new one. Only cancellation of the caller's token throws.
/// </summary>
public sealed class LeanHttpClient : IDisposable
{
    private static readonly byte[] HeadEnd = "\r\n"u8.ToArray();
    private static readonly byte[] Get = "GET "u8.ToArray();
    private static readonly byte[] Post = "POST "u8.ToArray();
    private readonly Replica[] _replicas;
    private readonly TimeSpan _timeout;
    private long _connectionsOpened;
    private long _connectionsBroken;

    public LeanHttpClient(IReadOnlyList<Uri> replicas, TimeSpan timeout)
    {
        _replicas = [.. replicas.Select(Replica.For)];
        _timeout = timeout;
    }

    /// <summary>Connections opened since the start (the pool grows to the concurrency; more means the server closed some).</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    /// <summary>Connections dropped because they failed (reset, timeout, closed mid-response, unreadable response).</summary>
    public long ConnectionsBroken => Interlocked.Read(ref _connectionsBroken);

    /// <summary>GET; true on 2xx (and when <paramref name="checkBody"/>, if given, accepts the body).</summary>
    public Task<bool> GetAsync(int replica, string pathAndQuery, Func<ReadOnlyMemory<byte>, bool>? checkBody, CancellationToken cancellationToken) =>
        SendAsync(replica, Get, pathAndQuery, null, checkBody, cancellationToken);

    /// <summary>POST of a prepared body; true on 2xx (and when <paramref name="checkBody"/>, if given, accepts the body).</summary>
    public Task<bool> PostAsync(int replica, string pathAndQuery, LeanBody body, Func<ReadOnlyMemory<byte>, bool>? checkBody,
        CancellationToken cancellationToken) =>
        SendAsync(replica, Post, pathAndQuery, body, checkBody, cancellationToken);

    private async Task<bool> SendAsync(int replicaIndex, byte[] method, string pathAndQuery, LeanBody? body,
        Func<ReadOnlyMemory<byte>, bool>? checkBody, CancellationToken cancellationToken)
    {
        var replica = _replicas[replicaIndex];
        // One retry, only for a reused connection that failed before any byte of the answer: the server may have closed
        // it while idle (keep-alive timeout), which is no failure of the request.
        for (var attempt = 0; ; attempt++)
        {
            var connection = replica.Rent();
            var reused = connection is not null;
            if (connection is null)
            {
                connection = new LeanConnection(replica.EndPoint);
                Interlocked.Increment(ref _connectionsOpened);
            }
            int status;
            try
            {
                var length = WriteRequest(connection, method, pathAndQuery, replica.VersionAndHost, body);
                status = await connection.ExchangeAsync(length, keepBody: checkBody is not null, _timeout, cancellationToken);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                connection.Dispose();
                Interlocked.Increment(ref _connectionsBroken);
                cancellationToken.ThrowIfCancellationRequested();
                if (reused && attempt == 0 && !connection.ReceivedAny && e is not OperationCanceledException)
                {
                    continue;
                }
                return false;
            }
            try
            {
                return status is >= 200 and < 300 && (checkBody is null || checkBody(connection.Body));
            }
            finally
            {
                // The body check ran on the connection's buffer: only now may another request use it.
                if (connection.Reusable)
                {
                    replica.Return(connection);
                }
                else
                {
                    connection.Dispose();
                }
            }
        }
    }

    private static int WriteRequest(LeanConnection connection, byte[] method, string pathAndQuery, byte[] versionAndHost, LeanBody? body)
    {
        var tail = body?.HeadersAndBody ?? HeadEnd;
        var buffer = connection.RequestBuffer(method.Length + Encoding.ASCII.GetMaxByteCount(pathAndQuery.Length) + versionAndHost.Length + tail.Length);
        method.CopyTo(buffer);
        var length = method.Length;
        // Paths are escaped by the scenarios (Uri.EscapeDataString), so they are ASCII.
        length += Encoding.ASCII.GetBytes(pathAndQuery, buffer[length..]);
        versionAndHost.CopyTo(buffer[length..]);
        length += versionAndHost.Length;
        tail.CopyTo(buffer[length..]);
        return length + tail.Length;
    }

    public void Dispose()
    {
        foreach (var replica in _replicas)
        {
            replica.Dispose();
        }
    }

    /// <summary>A replica's address, its request-line tail and Host header (encoded once), and its idle connections.</summary>
    private sealed class Replica(EndPoint endPoint, byte[] versionAndHost) : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly Stack<LeanConnection> _idle = new();

        public EndPoint EndPoint { get; } = endPoint;
        public byte[] VersionAndHost { get; } = versionAndHost;

        public static Replica For(Uri baseUrl)
        {
            if (baseUrl.Scheme != Uri.UriSchemeHttp)
            {
                throw new LoadSetupException($"{baseUrl}: the load client speaks plain http only");
            }
            EndPoint endPoint = IPAddress.TryParse(baseUrl.IdnHost, out var address)
                ? new IPEndPoint(address, baseUrl.Port)
                : new DnsEndPoint(baseUrl.IdnHost, baseUrl.Port);
            var host = baseUrl.IsDefaultPort ? baseUrl.Host : baseUrl.Authority;
            return new Replica(endPoint, Encoding.ASCII.GetBytes($" HTTP/1.1\r\nHost: {host}\r\n"));
        }

        public LeanConnection? Rent()
        {
            lock (_gate)
            {
                return _idle.TryPop(out var connection) ? connection : null;
            }
        }

        public void Return(LeanConnection connection)
        {
            lock (_gate)
            {
                _idle.Push(connection);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                while (_idle.TryPop(out var connection))
                {
                    connection.Dispose();
                }
            }
        }
    }
}
