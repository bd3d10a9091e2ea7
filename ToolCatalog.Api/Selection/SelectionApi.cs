using Microsoft.AspNetCore.Http.HttpResults;

namespace ToolCatalog.Api.Selection;

/// <summary><c>POST /api/v1/select</c>: the catalog decides which tool and pattern fits a request, and explains why.</summary>
public static class SelectionApi
{
    public static RouteGroupBuilder MapSelection(this RouteGroupBuilder group)
    {
        group.MapPost("/select", Select).WithName("SelectTool")
            .WithSummary("Decide which tool and pattern fits a request, how it must run, and why")
            .WithDescription("Ranks every pattern of enabled, active tools offering the requested capabilities by the weighted, normalised "
                + "time, cost, complexity, accuracy and completeness; applies the policy (max_cost, production_safe, max_execution_time, "
                + "approval, background) with a reason for each rule; flags near-ties (top two closer than 0.08). Computed from the "
                + "served snapshot, no database round trip. Capability names may be canonical names or aliases of the shared "
                + "vocabulary (GET /api/v1/capabilities); `alias_applied` names the alias a request used. See docs/selection.md.")
            .WithTags("Selection")
            .Accepts<SelectRequest>("application/json", "application/yaml")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AddOpenApiOperationTransformer(SelectionExamples.Apply);
        return group;
    }

    public static async Task<Results<Ok<SelectResponse>, ProblemHttpResult>> Select(HttpContext context,
        SelectionRequestReader reader, SelectionDecider decider, CancellationToken cancellationToken)
    {
        var (request, bodyProblem) = await JsonBody.ReadAsync<SelectRequest>(context, required: true, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }
        var (query, errors) = reader.Read(request!);
        if (query is null)
        {
            var problem = ProblemResponses.Create(context, StatusCodes.Status422UnprocessableEntity, "invalid-selection",
                "The selection request is not valid", "One or more fields of the request are not acceptable.");
            problem.Extensions["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToArray();
            return TypedResults.Problem(problem);
        }
        return TypedResults.Ok(decider.Decide(query, cancellationToken));
    }
}
