using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Api.Auth;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Import;

/// <summary>Bulk routes: import (YAML multi-document, JSON array or zip; dry run) and export (zip of YAML files or a JSON array).</summary>
public static class ImportApi
{
    public static RouteGroupBuilder MapImportExport(this RouteGroupBuilder tools)
    {
        var group = tools.MapGroup("").RequireRateLimiting(RateLimits.WritePolicy).RejectNulCharacters();
        group.MapPost("/import", ImportTools).WithName("ImportTools")
            .WithSummary("Import tools: YAML multi-document, JSON array or a zip of files (?dryRun=true; ?upgrade=true accepts legacy shapes)")
            .Accepts<object>("application/json", "application/yaml", "application/zip").RequireAuthorization(CatalogRoles.WritePolicy);
        group.MapGet("/export", Export).WithName("ExportTools").WithSummary("Export the catalog: a zip of YAML files or a JSON array")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip");
        return tools;
    }

    public static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportTools(HttpContext context, CatalogImporter importer,
        ParsedFileCache parsedFiles, CatalogVocabulary vocabulary, ImportGate gate, bool? dryRun, bool? upgrade, CancellationToken cancellationToken)
    {
        // The turn comes before the body is read: a waiting import holds a connection, not its documents.
        using var turn = await gate.WaitForTurnAsync(cancellationToken);
        if (!turn.IsAcquired)
        {
            context.Response.Headers.RetryAfter = ImportGate.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ProblemResponses.Problem(context, StatusCodes.Status429TooManyRequests, "imports-busy", "Too many imports",
                $"This replica is running and queueing as many imports as it takes; retry in {ImportGate.RetryAfterSeconds} s.");
        }
        // upgrade=true: each file goes through the upgrader (legacy shapes, values outside the vocabulary kept with a
        // warning) before validation; the canonical form is what gets stored.
        List<ParsedTool>? files;
        ProblemHttpResult? problem;
        using (CatalogImporter.ActivitySource.StartActivity("import.read"))
        {
            (files, problem) = await ImportBody.ReadAsync(context, new ValidationSettings(vocabulary, VocabularyMode.Strict),
                upgrade == true ? vocabulary : null, parsedFiles, cancellationToken);
        }
        if (files is null)
        {
            return problem!;
        }
        // The catalog worker marks its imports as file-triggered reloads.
        var trigger = context.Request.Headers["X-Catalog-Trigger"] == Reload.ReloadTriggers.File ? Reload.ReloadTriggers.File : Reload.ReloadTriggers.Api;
        var report = await importer.ImportAsync(files.Select(TextGuard.RejectNul).ToList(), Actor.Of(context), dryRun == true, trigger, cancellationToken);
        if (report.DryRun)
        {
            // A dry run's transaction is rolled back: the revision it reached is never committed, so it reports none.
            return TypedResults.Ok(report with { Revision = null });
        }
        context.Items[RevisionHeader.ItemKey] = report.Revision;
        return TypedResults.Ok(report);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(HttpContext context, ExportCache exports,
        string? format, CancellationToken cancellationToken) => (format ?? "yaml") switch
    {
        "json" => TypedResults.Bytes(await exports.GetAsync("json", cancellationToken), "application/json; charset=utf-8"),
        "yaml" => TypedResults.Bytes(await exports.GetAsync("yaml", cancellationToken), "application/zip", "toolcatalog.zip"),
        _ => ProblemResponses.QueryProblem(context, [("format", "must be yaml or json")]),
    };
}
