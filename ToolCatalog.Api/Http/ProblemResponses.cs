using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api;

/// <summary>
/// RFC 9457 problem details with a stable <c>type</c> per kind of error, the trace id, and — for validation — every
/// problem with its path, line and column.
/// </summary>
public static class ProblemResponses
{
    public const string TypeBase = "https://toolcatalog.dev/problems/";

    public static ProblemDetails Create(HttpContext context, int status, string type, string title, string detail)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeBase + type,
            Title = title,
            Detail = detail,
            Instance = context.Request.Path,
        };
        problem.Extensions["traceId"] = Activity.Current?.Id ?? context.TraceIdentifier;
        return problem;
    }

    public static ProblemHttpResult Problem(HttpContext context, int status, string type, string title, string detail) =>
        TypedResults.Problem(Create(context, status, type, title, detail));

    public static ProblemHttpResult Validation(HttpContext context, IEnumerable<CatalogProblem> problems, string detail, int status = StatusCodes.Status422UnprocessableEntity)
    {
        var problem = Create(context, status, "validation", "The tool document is not valid", detail);
        problem.Extensions["errors"] = problems
            .Select(p => new { path = p.Path, line = p.Line, column = p.Column, severity = p.Severity.ToString().ToLowerInvariant(), message = p.Message })
            .ToArray();
        return TypedResults.Problem(problem);
    }

    /// <summary>400 for bad query or body fields: each error is <c>{ "path": ..., "message": ... }</c>, the shape every route uses.</summary>
    public static ProblemHttpResult QueryProblem(HttpContext context, IEnumerable<(string Path, string Message)> errors)
    {
        var problem = Create(context, StatusCodes.Status400BadRequest, "invalid-query", "Invalid query parameters",
            "One or more query parameters are not valid.");
        problem.Extensions["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToArray();
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult ToolNotFound(HttpContext context, string name) =>
        Problem(context, StatusCodes.Status404NotFound, "not-found", "Tool not found", $"No tool named '{name}'.");

    public static Task WriteAsync(HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Create(context, status, type, title, detail), (System.Text.Json.JsonSerializerOptions?)null,
            "application/problem+json", context.RequestAborted);
    }
}
