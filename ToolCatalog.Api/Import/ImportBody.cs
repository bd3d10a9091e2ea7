using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Api.Import;

/// <summary>
/// Reads an import body — a zip of YAML files, a YAML multi-document stream or a JSON array — into parsed documents.
/// Every document meets the same size limit as a single <c>POST /tools</c> body (413 naming it), a broken archive is a
/// 400 naming the entry, and nothing is read past the import limit.
/// </summary>
public static partial class ImportBody
{
    /// <summary>Room for <see cref="MaxDocuments"/> documents of the generator's templates (10,000 zip to about 20 MiB).</summary>
    public const int MaxImportBytes = 64 * 1024 * 1024;
    public const int MaxDocuments = 10_000;
    /// <summary>Declared uncompressed size of all YAML entries of a zip (zip bombs are judged before inflating).</summary>
    public const long MaxExpandedBytes = 2L * MaxImportBytes;
    private static readonly YamlLimits Limits = new(MaxImportBytes, 64, 5_000_000, MaxExpandedBytes);

    /// <summary>
    /// <paramref name="upgrade"/>: the vocabulary to upgrade each file against (import with upgrade=true: legacy shapes
    /// rewritten, unknown values kept with a warning, every change a warning), or null to validate strictly.
    /// </summary>
    public static async Task<(List<ParsedTool>? Files, ProblemHttpResult? Problem)> ReadAsync(HttpContext context, ValidationSettings strict,
        CatalogVocabulary? upgrade, ParsedFileCache parsedFiles, CancellationToken cancellationToken)
    {
        if (context.Request.ContentType?.StartsWith("application/zip", StringComparison.OrdinalIgnoreCase) == true)
        {
            var (files, zipProblem) = await ReadZipAsync(context, strict, upgrade is not null, parsedFiles, cancellationToken);
            return files is null || upgrade is null ? (files?.Select(f => f.Parsed!).ToList(), zipProblem)
                : ([.. files.Where(f => f.Parsed is not null).Select(f => f.Parsed!),
                    .. Catalog.Upgrade.CatalogUpgrade.Parse(files.Where(f => f.Text is not null).Select(f => (f.File, f.Text!)), upgrade)], null);
        }
        var (text, problem) = await RequestBody.ReadTextAsync(context, MaxImportBytes, cancellationToken);
        if (text is null)
        {
            return (null, problem);
        }
        if (RequestBody.JsonSyntaxError(context.Request, text, "body") is { } jsonError)
        {
            return ([new ParsedTool("body", 0, null, [jsonError])], null);
        }
        var problems = new List<CatalogProblem>();
        var roots = YamlReader.ReadAll(text, "body", problems, Limits);
        if (problems.Any(p => p.Severity == ProblemSeverity.Error))
        {
            return ([new ParsedTool("body", 0, null, problems)], null);
        }
        // A JSON array is one YAML document holding a list: one document per element.
        var jsonArray = text.TrimStart().StartsWith('[');
        if (jsonArray && roots is not [YamlSequence])
        {
            return ([new ParsedTool("body", 0, null, [CatalogProblem.Error("body", new SourceMark(1, 1), "", "expected one JSON array of tool documents")])], null);
        }
        var documents = jsonArray ? ((YamlSequence)roots[0]).Items : roots;
        var spans = DocumentSizes(text, documents);
        var names = documents.Select((_, i) => jsonArray ? $"body[{i}]" : $"body#{i}").ToList();
        if (OverLimit(context, spans.Select((size, i) => (names[i], (long)size)), documents.Count) is { } tooLarge)
        {
            return (null, tooLarge);
        }
        var kept = documents.Select((root, i) => (root, i)).Where(d => jsonArray || d.root is not YamlScalar { Kind: ScalarKind.Null }).ToList();
        var parsed = upgrade is not null
            ? [.. Catalog.Upgrade.CatalogUpgrade.ParseDocuments(kept.Select(d => (jsonArray ? names[d.i] : "body", d.root)), upgrade)]
            : kept.Select(d => ToolParser.Validate(d.root, jsonArray ? names[d.i] : "body", d.i, strict)).ToList();
        return (parsed.Count > 0 ? parsed
            : [new ParsedTool("body", 0, null, [CatalogProblem.Error("body", new SourceMark(1, 1), "", "file is empty: a tool file must be a map of keys")])], null);
    }

    /// <summary>
    /// The source size of each document: from where it starts to where the next one starts (separators and comments
    /// between them count towards the earlier one, which only errs on the strict side).
    /// </summary>
    private static int[] DocumentSizes(string text, IReadOnlyList<YamlNode> documents)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }
        int Offset(SourceMark mark) => mark.Line < 1 ? 0
            : Math.Min(text.Length, lineStarts[Math.Min(mark.Line, lineStarts.Count) - 1] + Math.Max(0, mark.Column - 1));
        var sizes = new int[documents.Count];
        for (var i = 0; i < documents.Count; i++)
        {
            var start = Offset(documents[i].Mark);
            var end = i + 1 < documents.Count ? Math.Max(start, Offset(documents[i + 1].Mark)) : text.Length;
            sizes[i] = Encoding.UTF8.GetByteCount(text.AsSpan(start, end - start));
        }
        return sizes;
    }

    private static ProblemHttpResult? OverLimit(HttpContext context, IEnumerable<(string File, long Bytes)> documents, int count)
    {
        if (count > MaxDocuments)
        {
            return TooLarge(context, [("", $"an import holds at most {MaxDocuments} documents, this one holds {count}")]);
        }
        var over = documents.Where(d => d.Bytes > RequestBody.MaxToolBytes)
            .Select(d => (d.File, $"document is {d.Bytes / 1024} KiB; every document is limited to {RequestBody.MaxToolBytes / 1024} KiB, as in POST /tools"))
            .ToList();
        return over.Count > 0 ? TooLarge(context, over) : null;
    }

    private static ProblemHttpResult TooLarge(HttpContext context, IEnumerable<(string Path, string Message)> errors)
    {
        var problem = ProblemResponses.Create(context, StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Document too large",
            "One or more documents of the import are over a limit; nothing was imported.");
        problem.Extensions["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToArray();
        return TypedResults.Problem(problem);
    }

    /// <summary>The stream's bytes, or null once they pass <paramref name="maxBytes"/> (nothing further is read).</summary>
    private static async Task<MemoryStream?> ReadBoundedAsync(Stream source, long? declaredLength, int maxBytes, CancellationToken cancellationToken)
    {
        if (declaredLength > maxBytes)
        {
            return null;
        }
        // Sized by the declared length (within the limit), so a 20 MiB body is not copied over and over as it grows.
        var buffer = new MemoryStream((int)(declaredLength ?? 0));
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                await buffer.DisposeAsync();
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return buffer;
    }
}
