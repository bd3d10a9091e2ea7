using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Tools;

/// <summary>POST .../estimate: a pattern's time and cost for given variables, and what its policy says about running it.</summary>
public static partial class ToolReadsApi
{
    public static async Task<Results<Ok<EstimateResponse>, ProblemHttpResult>> Estimate(HttpContext context, SnapshotStore loader,
        string name, string capability, string pattern, CancellationToken cancellationToken)
    {
        // Read by hand like every body: JSON or YAML, 413 over 1 MiB, 415, strict UTF-8, errors with paths.
        var (request, bodyProblem) = await JsonBody.ReadAsync<EstimateRequest>(context, required: false, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }
        if (loader.Current.Find(name) is not { } tool)
        {
            return ProblemResponses.ToolNotFound(context, name);
        }
        var outcome = PatternEstimate.Evaluate(tool, capability, pattern, request?.Variables);
        switch (outcome.Failure)
        {
            case EstimateFailure.None:
                return TypedResults.Ok(outcome.Estimate!);
            case EstimateFailure.UnknownVariables:
                var unknown = ProblemResponses.Create(context, StatusCodes.Status422UnprocessableEntity, "estimate", "Unknown variables",
                    "Variables must be the pattern's inputs or standard variables.");
                // "reason" repeats "message" for one release: clients written before the one field-error shape read it.
                unknown.Extensions["errors"] = outcome.Errors.Select(e => new { path = e.Path, message = e.Reason, reason = e.Reason }).ToArray();
                return TypedResults.Problem(unknown);
            case EstimateFailure.NotEvaluable:
                var problem = ProblemResponses.Create(context, StatusCodes.Status422UnprocessableEntity, "estimate",
                    "The estimate cannot be evaluated", "One or more expressions could not be evaluated with the given variables.");
                problem.Extensions["errors"] = outcome.Errors
                    .Select(e => new { path = e.Path, field = e.Path, expression = e.Expression, message = e.Reason, reason = e.Reason }).ToArray();
                return TypedResults.Problem(problem);
            default:
                return PatternNotFound(context, name, capability, pattern);
        }
    }
}
