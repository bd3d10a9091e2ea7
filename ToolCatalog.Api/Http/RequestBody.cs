using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Api;

/// <summary>
/// Reads a tool document body (JSON or YAML) as text, enforcing the size limit and UTF-8 before any parsing, so a
/// bad body ends as a 4xx problem and never reaches the database.
/// </summary>
public static class RequestBody
{
    public const int MaxToolBytes = 1024 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static readonly string[] YamlTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

    public static bool IsYaml(HttpRequest request) =>
        request.ContentType is { } ct && YamlTypes.Any(t => ct.StartsWith(t, StringComparison.OrdinalIgnoreCase));

    public static bool IsJson(HttpRequest request) =>
        request.ContentType is { } ct && (ct.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || (ct.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && ct.Split(';')[0].EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The body text, or the problem to answer with (415, 413 or 400).</summary>
    public static async Task<(string? Text, ProblemHttpResult? Problem)> ReadTextAsync(HttpContext context, int maxBytes, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!IsJson(request) && !IsYaml(request))
        {
            return (null, ProblemResponses.Problem(context, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
                "Unsupported media type", $"Send the document as application/json or application/yaml (got '{request.ContentType ?? "none"}')."));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(context, maxBytes));
        }
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, TooLarge(context, maxBytes));
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            // A UTF-8 byte order mark is legal at the start of a file; the parser must not see it as content.
            if (bytes.StartsWith("\uFEFF"u8))
            {
                bytes = bytes[3..];
            }
            return (StrictUtf8.GetString(bytes), null);
        }
        catch (DecoderFallbackException ex)
        {
            return (null, ProblemResponses.Problem(context, StatusCodes.Status400BadRequest, "invalid-encoding",
                "Body is not valid UTF-8", $"Invalid byte sequence at offset {ex.Index}."));
        }
    }

    /// <summary>
    /// For a body sent as JSON, its syntax error in the JSON parser's words. Tool documents are read by the YAML reader
    /// (JSON is YAML), which would call a broken JSON body "not valid YAML": the client deserves the format it used.
    /// </summary>
    public static CatalogProblem? JsonSyntaxError(HttpRequest request, string text, string file)
    {
        if (!IsJson(request))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return null;
        }
        catch (JsonException ex)
        {
            var mark = new SourceMark((int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1);
            return CatalogProblem.Error(file, mark, "", "not valid JSON: " + ex.Message);
        }
    }

    private static ProblemHttpResult TooLarge(HttpContext context, int maxBytes) =>
        ProblemResponses.Problem(context, StatusCodes.Status413PayloadTooLarge, "payload-too-large",
            "Body too large", $"The body must be at most {maxBytes / 1024} KiB.");
}
