using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Api.Profiles;
using ToolCatalog.Catalog.Expressions;

namespace ToolCatalog.Api.Tools;

/// <summary>POST .../estimate: a pattern's time and cost for given variables, and what its policy says about running it.</summary>
public static partial class ToolReadsApi
{
    public static async Task<Results<Ok<EstimateResponse>, ProblemHttpResult>> Estimate(HttpContext context, ProfileLoader loader,
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
        if (PatternNode(tool, capability, pattern) is not JsonObject node)
        {
            return PatternNotFound(context, name, capability, pattern);
        }
        var variables = new Dictionary<string, double>(request?.Variables ?? [], StringComparer.Ordinal);
        var inputs = (node["required_inputs"] as JsonArray ?? []).Concat(node["optional_inputs"] as JsonArray ?? []).ToList();
        var declared = inputs.Select(i => i?["name"]?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var unknown = variables.Keys.Where(v => !declared.Contains(v) && !EstimateExpression.StandardVariables.Contains(v)).ToList();
        if (unknown.Count > 0)
        {
            var problem = ProblemResponses.Create(context, StatusCodes.Status422UnprocessableEntity, "estimate", "Unknown variables",
                "Variables must be the pattern's inputs or standard variables.");
            problem.Extensions["errors"] = unknown.Select(v => new { path = $"variables.{v}", message = $"unknown variable '{v}'", reason = $"unknown variable '{v}'" }).ToArray();
            return TypedResults.Problem(problem);
        }
        FillDefaults(inputs, variables);
        var failures = new List<object>();
        var time = Evaluate(node, "time_estimate_ms", variables, failures);
        var cost = Evaluate(node, "cost_estimate", variables, failures);
        var policy = node["policy"] as JsonObject;
        var background = false;
        if (policy?["requires_background_if"] is JsonValue condition)
        {
            var result = EstimateExpression.Evaluate(ExpressionText(condition), variables);
            if (!result.Ok)
            {
                failures.Add(new
                {
                    path = "policy.requires_background_if", field = "policy.requires_background_if", expression = ExpressionText(condition),
                    message = result.Error, reason = result.Error,
                });
            }
            background = result.Condition ?? result.Value != 0;
        }
        if (failures.Count > 0)
        {
            var problem = ProblemResponses.Create(context, StatusCodes.Status422UnprocessableEntity, "estimate",
                "The estimate cannot be evaluated", "One or more expressions could not be evaluated with the given variables.");
            problem.Extensions["errors"] = failures;
            return TypedResults.Problem(problem);
        }
        var verdict = Verdict(policy, variables, cost, background);
        return TypedResults.Ok(new EstimateResponse(name, capability, pattern, time, cost, verdict, variables));
    }

    /// <summary>Declared numeric inputs with defaults fill in what the caller left out.</summary>
    private static void FillDefaults(IEnumerable<JsonNode?> inputs, Dictionary<string, double> variables)
    {
        foreach (var input in inputs)
        {
            if (input?["name"]?.GetValue<string>() is { } inputName && !variables.ContainsKey(inputName)
                && input["default"] is JsonValue dv && dv.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            {
                variables[inputName] = dv.GetValue<double>();
            }
        }
    }

    /// <summary>What the pattern's policy says about running it now with these variables, and why.</summary>
    private static PolicyVerdict Verdict(JsonObject? policy, IReadOnlyDictionary<string, double> variables, double cost, bool background)
    {
        var reasons = new List<string>();
        var maxN = Number(policy?["max_N_immediate"]);
        var n = variables.GetValueOrDefault("N", 1);
        if (background)
        {
            reasons.Add($"requires_background_if ({ExpressionText(policy!["requires_background_if"]!)}) is true");
        }
        if (maxN is { } limit && n > limit)
        {
            reasons.Add($"N = {n} exceeds max_N_immediate = {limit}");
        }
        var maxCost = Number(policy?["max_cost"]);
        var withinCost = maxCost is null || cost <= maxCost;
        if (!withinCost)
        {
            reasons.Add($"cost {cost} exceeds max_cost {maxCost}");
        }
        return new PolicyVerdict(
            Immediate: !background && (maxN is null || n <= maxN) && withinCost,
            RequiresBackground: background || (maxN is not null && n > maxN),
            WithinMaxCost: withinCost,
            RequiresApproval: policy?["requires_approval"]?.GetValue<bool>() ?? false,
            ProductionSafe: policy?["production_safe"]?.GetValue<bool>() ?? false,
            Reasons: reasons);
    }

    private static double Evaluate(JsonObject pattern, string field, IReadOnlyDictionary<string, double> variables, List<object> failures)
    {
        var text = ExpressionText(pattern[field]);
        var result = EstimateExpression.Evaluate(text, variables);
        if (!result.Ok)
        {
            failures.Add(new { path = field, field, expression = text, message = result.Error, reason = result.Error });
        }
        return result.Value;
    }

    private static string ExpressionText(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? "0";

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.GetValue<double>() : null;
}
