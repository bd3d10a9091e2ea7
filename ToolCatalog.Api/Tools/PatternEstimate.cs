using System.Text.Json.Nodes;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog.Expressions;

namespace ToolCatalog.Api.Tools;

/// <summary>One reason an estimate could not be given, with the path of what caused it (a variable or an expression field).</summary>
public sealed record EstimateError(string Path, string Reason, string? Expression = null);

/// <summary>What evaluating a pattern's estimates gave: the estimate, or why there is none.</summary>
public sealed record EstimateOutcome(EstimateResponse? Estimate, EstimateFailure Failure, IReadOnlyList<EstimateError> Errors)
{
    public static EstimateOutcome Of(EstimateFailure failure, IReadOnlyList<EstimateError>? errors = null) => new(null, failure, errors ?? []);
}

public enum EstimateFailure
{
    None,
    PatternNotFound,
    UnknownVariables,
    NotEvaluable,
}

/// <summary>
/// A pattern's time and cost estimates and its policy verdict for given variables: the REST estimate route and the
/// MCP <c>estimate</c> tool answer the same way because both call this.
/// </summary>
public static class PatternEstimate
{
    public static EstimateOutcome Evaluate(ServedTool tool, string capability, string pattern, IReadOnlyDictionary<string, double>? given)
    {
        if (PatternNode(tool, capability, pattern) is not JsonObject node)
        {
            return EstimateOutcome.Of(EstimateFailure.PatternNotFound);
        }
        var variables = new Dictionary<string, double>(given ?? new Dictionary<string, double>(), StringComparer.Ordinal);
        var inputs = (node["required_inputs"] as JsonArray ?? []).Concat(node["optional_inputs"] as JsonArray ?? []).ToList();
        var declared = inputs.Select(i => i?["name"]?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var unknown = variables.Keys.Where(v => !declared.Contains(v) && !EstimateExpression.StandardVariables.Contains(v)).ToList();
        if (unknown.Count > 0)
        {
            return EstimateOutcome.Of(EstimateFailure.UnknownVariables, unknown.Select(v => new EstimateError($"variables.{v}", $"unknown variable '{v}'")).ToList());
        }
        // Declared numeric inputs with defaults fill in what the caller left out.
        foreach (var input in inputs)
        {
            if (input?["name"]?.GetValue<string>() is { } inputName && !variables.ContainsKey(inputName)
                && input["default"] is JsonValue dv && dv.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            {
                variables[inputName] = dv.GetValue<double>();
            }
        }
        var failures = new List<EstimateError>();
        var time = EvaluateField(node, "time_estimate_ms", variables, failures);
        var cost = EvaluateField(node, "cost_estimate", variables, failures);
        var policy = node["policy"] as JsonObject;
        var background = false;
        if (policy?["requires_background_if"] is JsonValue condition)
        {
            var result = EstimateExpression.Evaluate(ExpressionText(condition), variables);
            if (!result.Ok)
            {
                failures.Add(new EstimateError("policy.requires_background_if", result.Error ?? "cannot be evaluated", ExpressionText(condition)));
            }
            background = result.Condition ?? result.Value != 0;
        }
        if (failures.Count > 0)
        {
            return EstimateOutcome.Of(EstimateFailure.NotEvaluable, failures);
        }
        var verdict = Verdict(policy, variables, cost, background);
        return new EstimateOutcome(new EstimateResponse(tool.Name, capability, pattern, time, cost, verdict, variables), EstimateFailure.None, []);
    }

    /// <summary>A pattern as served (the stored JSON, with keys the model does not know), or null when the tool has no such pattern.</summary>
    public static JsonNode? PatternNode(ServedTool tool, string capability, string pattern) =>
        JsonNode.Parse(tool.Utf8Json)?["capabilities"]?[capability]?["patterns"]?[pattern];

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

    private static double EvaluateField(JsonObject pattern, string field, IReadOnlyDictionary<string, double> variables, List<EstimateError> failures)
    {
        var text = ExpressionText(pattern[field]);
        var result = EstimateExpression.Evaluate(text, variables);
        if (!result.Ok)
        {
            failures.Add(new EstimateError(field, result.Error ?? "cannot be evaluated", text));
        }
        return result.Value;
    }

    private static string ExpressionText(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? "0";

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.GetValue<double>() : null;
}
