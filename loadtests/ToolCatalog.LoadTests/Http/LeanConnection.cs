using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace ToolCatalog.LoadTests.Http;

/// <summary>The server answered something this client does not read as HTTP/1.1 (or a head beyond the size cap).</summary>
public sealed class LeanProtocolException(string message) : IOException(message);

/// <summary>
/// One HTTP/1.1 keep-alive connection: the request is written from a buffer reused for every request, the response is
/// parsed from a receive buffer reused likewise (status line, Content-Length, chunked transfer coding, body until close),
/// and the body is discarded or kept in a reused buffer for the caller's check. One request at a time.
/// </summary>
internal sealed class LeanConnection(EndPoint endPoint) : IDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();

    // A host name (DnsEndPoint) needs a dual-mode socket: its address family is known only after resolution.
    private readonly Socket _socket = endPoint is IPEndPoint ip
        ? new(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
        : new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private byte[] _request = new byte[1024];
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private byte[] _body = new byte[16 * 1024];
    private int _bodyLength;
    private CancellationTokenSource _deadline = new();

    /// <summary>False after a response that ends the connection (Connection: close, a body read until close) or leaves bytes behind.</summary>
    public bool Reusable { get; private set; }

    /// <summary>Whether any byte of the current response arrived: a reused connection that fails before one may just have gone stale.</summary>
    public bool ReceivedAny { get; private set; }

    /// <summary>The body of the last response when it was asked for.</summary>
    public ReadOnlyMemory<byte> Body => _body.AsMemory(0, _bodyLength);

    /// <summary>The request buffer, at least <paramref name="length"/> bytes, for the caller to write a request into.</summary>
    public Span<byte> RequestBuffer(int length)
    {
        if (_request.Length < length)
        {
            _request = new byte[Math.Max(length, _request.Length * 2)];
        }
        return _request;
    }

    /// <summary>
    /// Sends the first <paramref name="requestLength"/> bytes of the request buffer and reads the whole response within
    /// <paramref name="timeout"/>; returns its status. A timeout throws <see cref="OperationCanceledException"/>, like a cancellation.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ExchangeAsync(int requestLength, bool keepBody, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The connection's own deadline source, reset per request: a linked source per request would cost an allocation
        // and a timer each time. The caller's token cancels it through a registration.
        if (!_deadline.TryReset())
        {
            _deadline.Dispose();
            _deadline = new CancellationTokenSource();
        }
        _deadline.CancelAfter(timeout);
        using var link = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), _deadline);
        return await ExchangeAsync(requestLength, keepBody, _deadline.Token);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ExchangeAsync(int requestLength, bool keepBody, CancellationToken cancellationToken)
    {
        if (!_socket.Connected)
        {
            await _socket.ConnectAsync(endPoint, cancellationToken);
        }
        ReceivedAny = false;
        Reusable = false;
        _bodyLength = 0;
        var sent = 0;
        while (sent < requestLength)
        {
            sent += await _socket.SendAsync(_request.AsMemory(sent, requestLength - sent), SocketFlags.None, cancellationToken);
        }

        var headEnd = await FindAsync(HeadEnd, cancellationToken);
        var head = ResponseHead.Parse(_buffer.AsSpan(_start, headEnd - _start));
        _start = headEnd + 4;
        if (head.Status is >= 100 and < 200)
        {
            throw new LeanProtocolException($"interim response {head.Status} was not asked for");
        }
        var closes = head.Close;
        if (head.Status is 204 or 304)
        {
            // no body by definition
        }
        else if (head.Chunked)
        {
            await ReadChunkedAsync(keepBody, cancellationToken);
        }
        else if (head.ContentLength is { } length)
        {
            await ReadFixedAsync(length, keepBody, cancellationToken);
        }
        else
        {
            await ReadUntilCloseAsync(keepBody, cancellationToken);
            closes = true;
        }
        // Bytes beyond the response mean the two sides disagree about framing: never reuse such a connection.
        Reusable = !closes && _start == _end;
        _start = _end = 0;
        return head.Status;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadChunkedAsync(bool keepBody, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lineEnd = await FindAsync(LineEnd, cancellationToken);
            var line = _buffer.AsSpan(_start, lineEnd - _start);
            var extension = line.IndexOf((byte)';');
            var sizeText = (extension < 0 ? line : line[..extension]).Trim((byte)' ');
            if (sizeText.IsEmpty || !Utf8Parser.TryParse(sizeText, out long size, out var used, 'X') || used != sizeText.Length)
            {
                throw new LeanProtocolException("malformed chunk size");
            }
            _start = lineEnd + 2;
            if (size == 0)
            {
                // Trailer fields (none from Kestrel), then the empty line that ends the message.
                while (true)
                {
                    var trailerEnd = await FindAsync(LineEnd, cancellationToken);
                    var empty = trailerEnd == _start;
                    _start = trailerEnd + 2;
                    if (empty)
                    {
                        return;
                    }
                }
            }
            await ReadFixedAsync(size, keepBody, cancellationToken);
            var crlf = await FindAsync(LineEnd, cancellationToken);
            if (crlf != _start)
            {
                throw new LeanProtocolException("chunk data longer than its size");
            }
            _start = crlf + 2;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadFixedAsync(long length, bool keepBody, CancellationToken cancellationToken)
    {
        while (length > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new IOException("the connection closed inside a response body");
            }
            var take = (int)Math.Min(length, _end - _start);
            Consume(take, keepBody);
            length -= take;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadUntilCloseAsync(bool keepBody, CancellationToken cancellationToken)
    {
        do
        {
            Consume(_end - _start, keepBody);
        }
        while (await FillAsync(cancellationToken));
    }

    private void Consume(int count, bool keepBody)
    {
        if (keepBody)
        {
            if (_bodyLength + count > _body.Length)
            {
                Array.Resize(ref _body, Math.Max(_bodyLength + count, _body.Length * 2));
            }
            _buffer.AsSpan(_start, count).CopyTo(_body.AsSpan(_bodyLength));
            _bodyLength += count;
        }
        _start += count;
    }

    /// <summary>The absolute index of <paramref name="marker"/> in the receive buffer at or after the read position, receiving more as needed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> FindAsync(byte[] marker, CancellationToken cancellationToken)
    {
        var searched = 0;
        while (true)
        {
            var index = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf(marker);
            if (index >= 0)
            {
                return _start + searched + index;
            }
            searched = Math.Max(0, _end - _start - (marker.Length - 1));
            if (_end - _start >= MaxHeadBytes)
            {
                throw new LeanProtocolException($"no end of line within {MaxHeadBytes} bytes");
            }
            // FillAsync may move the unread bytes to the front: positions stay relative to _start.
            if (!await FillAsync(cancellationToken))
            {
                throw new IOException(ReceivedAny ? "the connection closed inside a response" : "the connection closed before a response");
            }
        }
    }

    /// <summary>Receives more bytes after the unread ones (moving them to the front or growing the buffer for room); false at end of stream.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            var unread = _end - _start;
            var target = _start == 0 ? new byte[_buffer.Length * 2] : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, unread);
            _buffer = target;
            _start = 0;
            _end = unread;
        }
        var received = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (received == 0)
        {
            return false;
        }
        ReceivedAny = true;
        _end += received;
        return true;
    }

    public void Dispose()
    {
        _socket.Dispose();
        _deadline.Dispose();
    }
}
