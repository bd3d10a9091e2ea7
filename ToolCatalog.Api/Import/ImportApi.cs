using System.IO.Compression;
using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Api.Auth;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Import;

/// <summary>Bulk routes: import (YAML multi-document, JSON array or zip; dry run) and export (zip of YAML files or a JSON array).</summary>
public static class ImportApi
{
    private const int MaxImportBytes = 16 * 1024 * 1024;

    public static RouteGroupBuilder MapImportExport(this RouteGroupBuilder tools)
    {
        var group = tools.MapGroup("").RequireRateLimiting(RateLimits.Writes).RejectNulCharacters();
        group.MapPost("/import", ImportTools).WithName("ImportTools")
            .WithSummary("Import tools: YAML multi-document, JSON array or a zip of files (?dryRun=true)")
            .Accepts<object>("application/json", "application/yaml", "application/zip").RequireAuthorization(CatalogRoles.WritePolicy);
        group.MapGet("/export", Export).WithName("ExportTools").WithSummary("Export the catalog: a zip of YAML files or a JSON array")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip");
        return tools;
    }

    public static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportTools(HttpContext context, CatalogImporter importer,
        bool? dryRun, CancellationToken cancellationToken)
    {
        List<ParsedTool> files;
        if (context.Request.ContentType?.StartsWith("application/zip", StringComparison.OrdinalIgnoreCase) == true)
        {
            var (zipFiles, zipProblem) = await ReadZipAsync(context, cancellationToken);
            if (zipFiles is null)
            {
                return zipProblem!;
            }
            files = zipFiles;
        }
        else
        {
            var (text, problem) = await RequestBody.ReadTextAsync(context, MaxImportBytes, cancellationToken);
            if (text is null)
            {
                return problem!;
            }
            // A JSON array is one YAML document holding a list: split it into one document per element.
            files = text.TrimStart().StartsWith('[')
                ? SplitJsonArray(text)
                : ToolParser.ParseDocuments(text, "body", new Catalog.Yaml.YamlLimits(MaxImportBytes, 64, 5_000_000)).ToList();
        }
        // The catalog worker marks its imports as file-triggered reloads.
        var trigger = context.Request.Headers["X-Catalog-Trigger"] == Reload.ReloadTriggers.File ? Reload.ReloadTriggers.File : Reload.ReloadTriggers.Api;
        var report = await importer.ImportAsync(files.Select(TextGuard.RejectNul).ToList(), Actor.Of(context), dryRun == true, trigger, cancellationToken);
        context.Items[RevisionHeader.ItemKey] = report.Revision;
        return TypedResults.Ok(report);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(HttpContext context, CatalogExporter exporter,
        string? format, CancellationToken cancellationToken)
    {
        switch (format ?? "yaml")
        {
            case "json":
                return TypedResults.Bytes(System.Text.Encoding.UTF8.GetBytes(await exporter.JsonArrayAsync(cancellationToken)), "application/json; charset=utf-8");
            case "yaml":
                var tools = await exporter.CurrentAsync(cancellationToken);
                using (var buffer = new MemoryStream())
                {
                    using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
                    {
                        foreach (var tool in tools)
                        {
                            var entry = zip.CreateEntry(tool.RelativePath, CompressionLevel.Fastest);
                            await using var stream = await entry.OpenAsync(cancellationToken);
                            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(tool.ToYaml()), cancellationToken);
                        }
                    }
                    return TypedResults.Bytes(buffer.ToArray(), "application/zip", "toolcatalog.zip");
                }
            default:
                return ProblemResponses.QueryProblem(context, [("format", "must be yaml or json")]);
        }
    }

    private static List<ParsedTool> SplitJsonArray(string text)
    {
        var problems = new List<CatalogProblem>();
        var roots = Catalog.Yaml.YamlReader.ReadAll(text, "body", problems, new Catalog.Yaml.YamlLimits(MaxImportBytes, 64, 5_000_000));
        if (problems.Count > 0 || roots is not [Catalog.Yaml.YamlSequence list])
        {
            return [new ParsedTool("body", 0, null, problems.Count > 0 ? problems
                : [CatalogProblem.Error("body", new Catalog.Yaml.SourceMark(1, 1), "", "expected one JSON array of tool documents")])];
        }
        return list.Items.Select((item, i) => ToolParser.Validate(item, $"body[{i}]", i)).ToList();
    }

    private static async Task<(List<ParsedTool>? Files, ProblemHttpResult? Problem)> ReadZipAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > MaxImportBytes)
        {
            return (null, ProblemResponses.Problem(context, StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Body too large",
                $"Imports are limited to {MaxImportBytes / 1024 / 1024} MiB."));
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxImportBytes)
        {
            return (null, ProblemResponses.Problem(context, StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Body too large",
                $"Imports are limited to {MaxImportBytes / 1024 / 1024} MiB."));
        }
        buffer.Position = 0;
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(buffer, ZipArchiveMode.Read);
        }
        catch (InvalidDataException ex)
        {
            return (null, ProblemResponses.Problem(context, StatusCodes.Status400BadRequest, "invalid-zip", "Not a zip archive", ex.Message));
        }
        using (zip)
        {
            var files = new List<ParsedTool>();
            long expanded = 0;
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || e.FullName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
            {
                // Zip bombs: judge entries by their declared size and stop reading past the limit.
                expanded += entry.Length;
                if (entry.Length > RequestBody.MaxToolBytes || expanded > 8L * MaxImportBytes)
                {
                    files.Add(new ParsedTool(entry.FullName, 0, null,
                        [CatalogProblem.Error(entry.FullName, Catalog.Yaml.SourceMark.None, "", "file too large (1 MiB per file, 128 MiB per archive)")]));
                    continue;
                }
                await using var stream = await entry.OpenAsync(cancellationToken);
                using var reader = new StreamReader(stream, new System.Text.UTF8Encoding(false, true));
                string text;
                try
                {
                    text = await reader.ReadToEndAsync(cancellationToken);
                }
                catch (System.Text.DecoderFallbackException)
                {
                    files.Add(new ParsedTool(entry.FullName, 0, null,
                        [CatalogProblem.Error(entry.FullName, Catalog.Yaml.SourceMark.None, "", "file is not valid UTF-8")]));
                    continue;
                }
                files.Add(CatalogDirectory.ParseFile(text, entry.FullName));
            }
            return (files, null);
        }
    }
}
