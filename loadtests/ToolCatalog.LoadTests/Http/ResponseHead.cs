using System.Buffers.Text;
using System.Text;

namespace ToolCatalog.LoadTests.Http;

/// <summary>What the client needs from a response head: the status and how the body is framed, and whether the connection ends.</summary>
internal readonly record struct ResponseHead(int Status, long? ContentLength, bool Chunked, bool Close)
{
    /// <summary>Parses the status line and header fields (without the blank line that ends them).</summary>
    public static ResponseHead Parse(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var consumed) || consumed != 3)
        {
            throw new LeanProtocolException("not an HTTP/1.x status line: " + Encoding.Latin1.GetString(statusLine[..Math.Min(statusLine.Length, 40)]));
        }
        long? contentLength = null;
        bool chunked = false, close = statusLine[7] == (byte)'0'; // HTTP/1.0 closes unless told otherwise; good enough here
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new LeanProtocolException("malformed header line");
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long n, out var used) || used != value.Length || n < 0)
                {
                    throw new LeanProtocolException("malformed Content-Length");
                }
                contentLength = n;
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                // chunked must be the final coding; anything else (gzip alone) is read until close.
                chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                close = ContainsIgnoreCase(value, "close"u8) || (close && !ContainsIgnoreCase(value, "keep-alive"u8));
            }
        }
        return new ResponseHead(status, contentLength, chunked, close);
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        for (var i = 0; i + token.Length <= value.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(value.Slice(i, token.Length), token))
            {
                return true;
            }
        }
        return false;
    }
}
