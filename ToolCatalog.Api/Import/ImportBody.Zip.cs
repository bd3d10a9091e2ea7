using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Api.Import;

/// <summary>The zip part of <see cref="ImportBody"/>: entries inflated within their limits, checked against their CRC-32, and parsed on every core.</summary>
public static partial class ImportBody
{
    private static ProblemHttpResult BrokenZip(HttpContext context, string entry, string message)
    {
        var problem = ProblemResponses.Create(context, StatusCodes.Status400BadRequest, "invalid-zip", "Unreadable zip archive",
            "The archive could not be read; nothing was imported.");
        problem.Extensions["errors"] = new[] { new { path = entry, message } };
        return TypedResults.Problem(problem);
    }

    /// <summary>One zip entry: parsed strictly, or (for an upgrade, which sees all entries together) its decoded text.</summary>
    private sealed record ZipFile(string File, ParsedTool? Parsed, string? Text);

    private static async Task<(List<ZipFile>? Files, ProblemHttpResult? Problem)> ReadZipAsync(HttpContext context, ValidationSettings strict,
        bool keepText, ParsedFileCache parsedFiles, CancellationToken cancellationToken)
    {
        using var buffer = await ReadBoundedAsync(context.Request.Body, context.Request.ContentLength, MaxImportBytes, cancellationToken);
        if (buffer is null)
        {
            return (null, ProblemResponses.Problem(context, StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Body too large",
                $"Imports are limited to {MaxImportBytes / 1024 / 1024} MiB."));
        }
        List<ZipArchiveEntry> entries;
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(buffer, ZipArchiveMode.Read);
            entries = zip.Entries.Where(e => e.FullName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
                || e.FullName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)).ToList();
        }
        catch (Exception ex) when (IsBrokenArchive(ex))
        {
            return (null, BrokenZip(context, "", ex.Message));
        }
        using (zip)
        {
            var declared = entries.Sum(e => e.Length);
            if (declared > MaxExpandedBytes)
            {
                return (null, TooLarge(context, [("", $"the archive expands to {declared / 1024 / 1024} MiB; the limit is {MaxExpandedBytes / 1024 / 1024} MiB")]));
            }
            if (OverLimit(context, entries.Select(e => (e.FullName, e.Length)), entries.Count) is { } tooLarge)
            {
                return (null, tooLarge);
            }
            if (entries.FirstOrDefault(e => e.IsEncrypted) is { } encrypted)
            {
                return (null, BrokenZip(context, encrypted.FullName, "the entry is encrypted; encrypted archives are not supported"));
            }
            var (inflated, problem) = await InflateAsync(context, entries, cancellationToken);
            return inflated is null ? (null, problem) : (DecodeAll(inflated, strict, keepText, parsedFiles, cancellationToken), null);
        }
    }

    /// <summary>The bytes of every entry, or the problem of the first one that is broken or inflates past its limit.</summary>
    private static async Task<(List<(string File, byte[] Bytes)>? Files, ProblemHttpResult? Problem)> InflateAsync(HttpContext context,
        List<ZipArchiveEntry> entries, CancellationToken cancellationToken)
    {
        var inflated = new List<(string File, byte[] Bytes)>(entries.Count);
        foreach (var entry in entries)
        {
            byte[]? bytes;
            try
            {
                bytes = await InflateEntryAsync(entry, cancellationToken);
            }
            catch (Exception ex) when (IsBrokenArchive(ex))
            {
                return (null, BrokenZip(context, entry.FullName, ex.Message));
            }
            if (bytes is null)
            {
                // The entry inflated to more than it declared.
                return (null, TooLarge(context, [(entry.FullName, $"file inflates past {RequestBody.MaxToolBytes / 1024} KiB")]));
            }
            // The reader stops at the size the headers state and checks no checksum: an entry whose stated size is too
            // small would otherwise be imported without its tail, and a damaged one as it came out.
            if (Crc32.HashToUInt32(bytes) != entry.Crc32)
            {
                return (null, BrokenZip(context, entry.FullName, "the entry's content does not match its CRC-32 checksum: the archive is damaged or its sizes are wrong"));
            }
            inflated.Add((entry.FullName, bytes));
        }
        return (inflated, null);
    }

    /// <summary>
    /// The entry's bytes, or null once they pass the per-document limit. Read straight into an array of the declared
    /// size (already checked against the limit): a 64 KiB chunk and a growing stream per entry made 10,000 small files
    /// cost more in copies and garbage collections than in inflating. The declared size is not trusted beyond that.
    /// </summary>
    private static async Task<byte[]?> InflateEntryAsync(ZipArchiveEntry entry, CancellationToken cancellationToken)
    {
        await using var stream = await entry.OpenAsync(cancellationToken);
        var declared = new byte[entry.Length];
        var read = await stream.ReadAtLeastAsync(declared, declared.Length, throwOnEndOfStream: false, cancellationToken);
        if (read < declared.Length)
        {
            return declared[..read];
        }
        var next = new byte[1];
        if (await stream.ReadAsync(next, cancellationToken) == 0)
        {
            return declared;
        }
        if (read + 1 > RequestBody.MaxToolBytes)
        {
            return null;
        }
        using var rest = await ReadBoundedAsync(stream, null, RequestBody.MaxToolBytes - read - 1, cancellationToken);
        return rest is null ? null : [.. declared, next[0], .. rest.ToArray()];
    }

    /// <summary>
    /// Parses and validates the files on every core (each file is independent; YAML reading is most of an import's CPU),
    /// taking a file whose bytes were imported before and whose content is served from <paramref name="parsedFiles"/>.
    /// </summary>
    private static List<ZipFile> DecodeAll(List<(string File, byte[] Bytes)> inflated, ValidationSettings strict, bool keepText,
        ParsedFileCache parsedFiles, CancellationToken cancellationToken)
    {
        using var activity = CatalogImporter.ActivitySource.StartActivity("import.parse");
        var decoded = new ZipFile[inflated.Count];
        var reused = 0;
        Parallel.For(0, inflated.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
        {
            var (file, bytes) = inflated[i];
            if (!keepText && parsedFiles.Find(file, bytes, strict) is { } known)
            {
                decoded[i] = new ZipFile(file, known, null);
                Interlocked.Increment(ref reused);
                return;
            }
            decoded[i] = Decode(bytes, file, strict, keepText);
            if (decoded[i].Parsed is { } parsed)
            {
                parsedFiles.Remember(file, bytes, strict, parsed);
            }
        });
        activity?.SetTag("import.files", inflated.Count);
        activity?.SetTag("import.files_reused", reused);
        return [.. decoded];
    }

    private static ZipFile Decode(byte[] bytes, string file, ValidationSettings strict, bool keepText)
    {
        try
        {
            var text = new UTF8Encoding(false, true).GetString(bytes);
            text = text.StartsWith('\uFEFF') ? text[1..] : text;
            return keepText ? new ZipFile(file, null, text) : new ZipFile(file, CatalogDirectory.ParseFile(text, file, strict), null);
        }
        catch (DecoderFallbackException)
        {
            return new ZipFile(file, new ParsedTool(file, 0, null, [CatalogProblem.Error(file, SourceMark.None, "", "file is not valid UTF-8")]), null);
        }
    }

    /// <summary>Unsupported compression (bzip2, LZMA), encryption, corrupt deflate data, offsets pointing nowhere.</summary>
    private static bool IsBrokenArchive(Exception ex) =>
        ex is InvalidDataException or NotSupportedException or IOException or ArgumentOutOfRangeException;
}
