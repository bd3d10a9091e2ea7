using System.Buffers;
using System.Text;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Tools;

/// <summary>
/// One page of the tool list (a <see cref="ToolPage"/> on the wire) written straight into the response: each item goes
/// in as the bytes its tool already holds (the summary or the full document), with the length known up front. Building
/// the page in a buffer first and copying it out allocated four times the page per request, which cost more than
/// finding the page.
/// </summary>
public sealed class ToolPageResult(IReadOnlyList<ServedTool> items, bool full, int total, string? nextCursor, long revision) : IResult
{
    private static readonly byte[] Start = "{\"items\":["u8.ToArray();
    private static readonly byte[] Comma = ","u8.ToArray();

    /// <summary>Pages up to this size go into the response in one span: one copy, one call into the connection's writer.</summary>
    private const int MaxContiguousBytes = 1024 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var parts = Parts();
        var length = 0L;
        foreach (var part in parts)
        {
            length += part.Length;
        }
        response.ContentLength = length;
        var body = response.BodyWriter;
        if (length <= MaxContiguousBytes)
        {
            var span = body.GetSpan((int)length);
            foreach (var part in parts)
            {
                part.Span.CopyTo(span);
                span = span[part.Length..];
            }
            body.Advance((int)length);
        }
        else
        {
            foreach (var part in parts)
            {
                body.Write(part.Span);
            }
        }
        await body.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>The page's bytes in order: the items as their tools hold them, the rest formatted here.</summary>
    private List<ReadOnlyMemory<byte>> Parts()
    {
        var parts = new List<ReadOnlyMemory<byte>>(2 * items.Count + 10) { Start };
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                parts.Add(Comma);
            }
            parts.Add(full ? items[i].Utf8Json : ToolRepresentation.SummaryJson(items[i]));
        }
        // Signed cursors are base64url and a dot: nothing in them needs escaping in a JSON string.
        var cursor = nextCursor is null ? "null" : $"\"{nextCursor}\"";
        var tail = Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"],\"count\":{items.Count},\"total\":{total},\"nextCursor\":{cursor},\"revision\":{revision}}}"));
        parts.Add(tail);
        return parts;
    }

}
