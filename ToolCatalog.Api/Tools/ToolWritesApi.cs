using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Api.Auth;
using ToolCatalog.Api.Writes;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Tools;

/// <summary>Write routes for one tool: create, new version, delete/restore, enable/disable/status, rollback; and validate.</summary>
public static class ToolWritesApi
{
    public static RouteGroupBuilder MapToolWrites(this RouteGroupBuilder tools)
    {
        var group = tools.MapGroup("").RequireRateLimiting(RateLimits.WritePolicy).RejectNulCharacters();
        group.MapPost("/", Create).WithName("CreateTool").WithSummary("Create a tool (first version)")
            .Accepts<object>("application/json", "application/yaml").RequireAuthorization(CatalogRoles.WritePolicy);
        group.MapPut("/{name}", Put).WithName("PutToolVersion").WithSummary("Store a new immutable version of a tool (If-Match honoured)")
            .Accepts<object>("application/json", "application/yaml").RequireAuthorization(CatalogRoles.WritePolicy);
        group.MapDelete("/{name}", Delete).WithName("DeleteTool").WithSummary("Soft-delete a tool (?purge=true removes it, admin only)")
            .RequireAuthorization(CatalogRoles.WritePolicy);
        group.MapPost("/{name}/restore", Restore).WithName("RestoreTool").WithSummary("Restore a soft-deleted tool")
            .RequireAuthorization(CatalogRoles.WritePolicy);
        group.MapPatch("/{name}/enable", Enable).WithName("EnableTool").WithSummary("Enable a tool").RequireAuthorization(CatalogRoles.WritePolicy)
            .Accepts<StateChangeRequest>(isOptional: true, "application/json", "application/yaml");
        group.MapPatch("/{name}/disable", Disable).WithName("DisableTool").WithSummary("Disable a tool").RequireAuthorization(CatalogRoles.WritePolicy)
            .Accepts<StateChangeRequest>(isOptional: true, "application/json", "application/yaml");
        group.MapPatch("/{name}/status", SetStatus).WithName("SetToolStatus").WithSummary("Change a tool's status (deprecate, ...) with a reason")
            .Accepts<StatusChangeRequest>("application/json", "application/yaml").RequireAuthorization(CatalogRoles.WritePolicy);
        group.MapPost("/{name}/rollback", Rollback).WithName("RollbackTool")
            .WithSummary("Create a new version whose content equals an earlier one").Accepts<RollbackRequest>("application/json", "application/yaml")
            .RequireAuthorization(CatalogRoles.WritePolicy);
        group.MapPost("/validate", Validate).WithName("ValidateTool").WithSummary("Validate a YAML or JSON tool document without storing it")
            .Accepts<object>("application/json", "application/yaml").RequireAuthorization(CatalogRoles.ReadPolicy);
        return tools;
    }

    public static async Task<Results<Created<WriteResponse>, ProblemHttpResult>> Create(HttpContext context, ToolWriteService writer,
        string? reason, CancellationToken cancellationToken)
    {
        var (document, problem) = await ReadDocumentAsync(context, cancellationToken);
        if (document is null)
        {
            return problem!;
        }
        var outcome = await writer.CreateAsync(document, Actor.Of(context), reason, cancellationToken);
        if (outcome.Status != WriteStatus.Created)
        {
            return ToProblem(context, outcome);
        }
        SetHeaders(context, outcome);
        return TypedResults.Created($"/api/v1/tools/{Uri.EscapeDataString(outcome.Name!)}", Response(outcome));
    }

    public static async Task<Results<Ok<WriteResponse>, ProblemHttpResult>> Put(HttpContext context, ToolWriteService writer, string name,
        string? reason, CancellationToken cancellationToken)
    {
        var (document, problem) = await ReadDocumentAsync(context, cancellationToken);
        if (document is null)
        {
            return problem!;
        }
        if (document.Name != name)
        {
            return ProblemResponses.Validation(context,
                [CatalogProblem.Error("body", new Catalog.Yaml.SourceMark(1, 1), "tool_name", $"is '{document.Name}' but the URL names '{name}'")],
                "The document's tool_name must match the URL.", StatusCodes.Status400BadRequest);
        }
        return Respond(context, await writer.PutAsync(name, document, EntityTags.IfMatch(context.Request), Actor.Of(context), reason, cancellationToken));
    }

    public static async Task<Results<Ok<WriteResponse>, ProblemHttpResult>> Delete(HttpContext context, ToolWriteService writer, string name,
        bool? purge, string? reason, CancellationToken cancellationToken)
    {
        if (purge == true && !context.User.IsInRole(CatalogRoles.Admin))
        {
            return ProblemResponses.Problem(context, StatusCodes.Status403Forbidden, "forbidden", "Forbidden", "Purging a tool needs the admin role.");
        }
        return Respond(context, await writer.DeleteAsync(name, purge == true, EntityTags.IfMatch(context.Request), Actor.Of(context), reason, cancellationToken));
    }

    public static async Task<Results<Ok<WriteResponse>, ProblemHttpResult>> Restore(HttpContext context, ToolWriteService writer, string name,
        string? reason, CancellationToken cancellationToken) =>
        Respond(context, await writer.RestoreAsync(name, Actor.Of(context), reason, cancellationToken));

    public static Task<Results<Ok<WriteResponse>, ProblemHttpResult>> Enable(HttpContext context, ToolWriteService writer, string name,
        CancellationToken cancellationToken) => SetEnabledAsync(context, writer, name, true, cancellationToken);

    public static Task<Results<Ok<WriteResponse>, ProblemHttpResult>> Disable(HttpContext context, ToolWriteService writer, string name,
        CancellationToken cancellationToken) => SetEnabledAsync(context, writer, name, false, cancellationToken);

    private static async Task<Results<Ok<WriteResponse>, ProblemHttpResult>> SetEnabledAsync(HttpContext context, ToolWriteService writer, string name,
        bool enabled, CancellationToken cancellationToken)
    {
        // Bodies are read by hand, like tool documents: 413 over 1 MiB, 415, strict UTF-8, and errors with paths.
        var (body, problem) = await JsonBody.ReadAsync<StateChangeRequest>(context, required: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        return Respond(context, await writer.SetStateAsync(name, null, enabled, EntityTags.IfMatch(context.Request), Actor.Of(context), body?.Reason, cancellationToken));
    }

    public static async Task<Results<Ok<WriteResponse>, ProblemHttpResult>> SetStatus(HttpContext context, ToolWriteService writer, string name,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<StatusChangeRequest>(context, required: true, cancellationToken);
        if (body is null)
        {
            return problem!;
        }
        if (!CatalogRules.Statuses.Contains(body.Status, StringComparer.Ordinal))
        {
            return ProblemResponses.QueryProblem(context, [("status", $"'{body.Status}' is not one of: {string.Join(", ", CatalogRules.Statuses)}")]);
        }
        if (string.IsNullOrWhiteSpace(body.Reason))
        {
            return ProblemResponses.QueryProblem(context, [("reason", "is required when changing a tool's status")]);
        }
        return Respond(context, await writer.SetStateAsync(name, body.Status, null, EntityTags.IfMatch(context.Request), Actor.Of(context), body.Reason, cancellationToken));
    }

    public static async Task<Results<Ok<WriteResponse>, ProblemHttpResult>> Rollback(HttpContext context, ToolWriteService writer, string name,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<RollbackRequest>(context, required: true, cancellationToken);
        if (body is null)
        {
            return problem!;
        }
        if (string.IsNullOrWhiteSpace(body.Version))
        {
            return ProblemResponses.QueryProblem(context, [("version", "is required: the version whose content to bring back")]);
        }
        return Respond(context, await writer.RollbackAsync(name, body.Version, EntityTags.IfMatch(context.Request), Actor.Of(context), body.Reason, cancellationToken));
    }

    public static async Task<Results<Ok<ValidationReport>, ProblemHttpResult>> Validate(HttpContext context, CancellationToken cancellationToken)
    {
        var (text, problem) = await RequestBody.ReadTextAsync(context, RequestBody.MaxToolBytes, cancellationToken);
        if (text is null)
        {
            return problem!;
        }
        var results = RequestBody.JsonSyntaxError(context.Request, text, "body") is { } jsonError
            ? [new ParsedTool("body", 0, null, [jsonError])]
            : ToolParser.ParseDocuments(text, "body", settings: Strict(context)).Select(TextGuard.RejectNul).ToList();
        // A document past a hard bound (expression size, expanded aliases, text length, ...) is refused like an oversized
        // body (413), not reported on: its errors name the bound and the path.
        if (results.Any(r => r.Problems.Any(p => p.ExceedsLimit)))
        {
            return ProblemResponses.Validation(context, results.SelectMany(r => r.Errors),
                "The document exceeds a limit of the catalog format; nothing was stored.");
        }
        return TypedResults.Ok(new ValidationReport(results.All(r => r.IsValid), results.Select(r => new ValidatedDocument(r.Index, r.Tool?.Name,
            r.Tool?.Version, r.IsValid, r.Tool?.ContentHash, r.Problems)).ToList()));
    }

    /// <summary>Reads and validates a single-document body; the problem is 415/413/400 for transport, 422 for content.</summary>
    private static async Task<(ToolDocument? Document, ProblemHttpResult? Problem)> ReadDocumentAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (text, problem) = await RequestBody.ReadTextAsync(context, RequestBody.MaxToolBytes, cancellationToken);
        if (text is null)
        {
            return (null, problem);
        }
        var parsed = RequestBody.JsonSyntaxError(context.Request, text, "body") is { } jsonError
            ? new ParsedTool("body", 0, null, [jsonError])
            : TextGuard.RejectNul(ToolParser.ParseFile(text, "body", settings: Strict(context)));
        if (parsed.Tool is null)
        {
            var syntax = parsed.Errors.Any(e => e.Path.Length == 0);
            return (null, ProblemResponses.Validation(context, parsed.Problems,
                syntax ? "The body could not be read as one tool document." : "The tool document has errors; nothing was stored.",
                syntax ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity));
        }
        return (parsed.Tool, null);
    }

    private static ValidationSettings Strict(HttpContext context) =>
        new(context.RequestServices.GetRequiredService<CatalogVocabulary>(), VocabularyMode.Strict);

    private static Results<Ok<WriteResponse>, ProblemHttpResult> Respond(HttpContext context, WriteOutcome outcome)
    {
        if (outcome.Status is not WriteStatus.Ok)
        {
            return ToProblem(context, outcome);
        }
        SetHeaders(context, outcome);
        return TypedResults.Ok(Response(outcome));
    }

    private static ProblemHttpResult ToProblem(HttpContext context, WriteOutcome outcome) => outcome.Status switch
    {
        WriteStatus.NotFound => ProblemResponses.Problem(context, StatusCodes.Status404NotFound, "not-found", "Not found", outcome.Detail!),
        WriteStatus.Conflict => ProblemResponses.Problem(context, StatusCodes.Status409Conflict, "conflict", "Conflict", outcome.Detail!),
        WriteStatus.PreconditionFailed => ProblemResponses.Problem(context, StatusCodes.Status412PreconditionFailed, "precondition-failed",
            "Precondition failed", outcome.Detail!),
        WriteStatus.PreconditionRequired => ProblemResponses.Problem(context, StatusCodes.Status428PreconditionRequired, "precondition-required",
            "Precondition required", outcome.Detail!),
        _ => throw new InvalidOperationException($"{outcome.Status} is not a problem"),
    };

    private static void SetHeaders(HttpContext context, WriteOutcome outcome)
    {
        if (outcome.ETag is not null)
        {
            context.Response.Headers.ETag = outcome.ETag;
        }
        context.Items[RevisionHeader.ItemKey] = outcome.Revision;
    }

    private static WriteResponse Response(WriteOutcome outcome) => new(outcome.Name!, outcome.Version, outcome.ETag, outcome.Revision, outcome.Detail);
}

public sealed record ValidatedDocument(int Index, string? Tool, string? Version, bool Valid, string? ContentHash, IReadOnlyList<CatalogProblem> Problems);

public sealed record ValidationReport(bool Valid, IReadOnlyList<ValidatedDocument> Documents);
