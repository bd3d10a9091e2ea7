using System.Globalization;
using ToolCatalog.Catalog.Expressions;

namespace ToolCatalog.Api.Selection;

/// <summary>A candidate after variables, estimates and policy: scored, or excluded with every reason.</summary>
public sealed record EvaluatedCandidate(
    SelectablePattern Pattern,
    IReadOnlyList<VariableValue> Variables,
    double TimeMs,
    double Cost,
    IReadOnlyList<PolicyCheck> Policy,
    IReadOnlyList<string> ExclusionReasons,
    string ExecutionMode,
    string SlaClass)
{
    public bool Excluded => ExclusionReasons.Count > 0;
}

/// <summary>
/// Evaluates one pattern for one request: resolves its variables (request, then the pattern's input default, then
/// the standard defaults N = 1 and pages = 1), evaluates its estimates, and applies every policy rule. Two paths over the
/// same rules: <see cref="TryMeasure"/> gives only the numbers ranking needs (a request over a whole catalog scores
/// dozens of candidates and returns a few), <see cref="Explain"/> the whole candidate with a reason for each rule, for
/// what the response shows.
/// </summary>
public static class CandidateEvaluator
{
    /// <summary>Above this estimate a pattern runs in the background whatever its policy says.</summary>
    public const double ImmediateLimitMs = 5_000;

    public const string ProductionEnvironment = "production";

    /// <summary>
    /// The estimates of a candidate that is not excluded, with no text, list or record of its own (what is allocated is
    /// the expressions' evaluation); false when any rule excludes it, exactly when <see cref="Explain"/> gives exclusion
    /// reasons.
    /// </summary>
    public static bool TryMeasure(SelectablePattern pattern, SelectionQuery query, ResolvedVariables variables, out double time, out double cost)
    {
        (time, cost) = (double.NaN, double.NaN);
        if (!PlatformFits(pattern, query) || !variables.Resolve(pattern, query.Variables))
        {
            return false;
        }
        var timeResult = EstimateExpression.Evaluate(pattern.Time, variables);
        var costResult = EstimateExpression.Evaluate(pattern.Cost, variables);
        if (!timeResult.Ok || !costResult.Ok)
        {
            return false;
        }
        (time, cost) = (FeatureScoring.Round(timeResult.Value), FeatureScoring.Round(costResult.Value));
        var excluded = (CostLimit(pattern, query) is { } limit && cost > limit.Limit)
            || (IsProduction(query) && pattern.ProductionSafe != true && query.RequireProductionSafe)
            || time > pattern.MaxExecutionTimeMs
            || time > query.MaxTimeMs
            || (pattern.BackgroundIf is { } condition && !EstimateExpression.Evaluate(condition, variables).Ok);
        return !excluded;
    }

    /// <summary>The candidate with its variables, estimates, every policy check and its reason, and any exclusion reasons.</summary>
    public static EvaluatedCandidate Explain(SelectablePattern pattern, SelectionQuery query, ResolvedVariables variables)
    {
        var reasons = new List<string>();
        if (!PlatformFits(pattern, query))
        {
            reasons.Add($"platform is {pattern.Platform}, not {query.Platform}");
        }
        var report = ResolveVariables(pattern, query, variables, reasons);
        if (reasons.Count > 0)
        {
            return new EvaluatedCandidate(pattern, report, double.NaN, double.NaN, [], reasons, "", "");
        }
        var time = Estimate(pattern.Time, "time_estimate_ms", variables, reasons);
        var cost = Estimate(pattern.Cost, "cost_estimate", variables, reasons);
        if (reasons.Count > 0)
        {
            return new EvaluatedCandidate(pattern, report, time, cost, [], reasons, "", "");
        }
        var policy = new List<PolicyCheck>();
        CheckCost(pattern, query, cost, policy);
        CheckProductionSafety(pattern, query, policy);
        CheckTime(pattern, query, time, policy);
        var background = CheckExecution(pattern, variables, time, policy);
        foreach (var check in policy)
        {
            if (check.Outcome == "exclude")
            {
                reasons.Add(check.Reason);
            }
        }
        var mode = pattern.RequiresApproval ? "approval_required" : background ? "background" : "immediate";
        var sla = time < 1_000 ? "interactive" : time < 10_000 ? "batch" : "background";
        return new EvaluatedCandidate(pattern, report, time, cost, policy, reasons, mode, sla);
    }

    private static bool PlatformFits(SelectablePattern pattern, SelectionQuery query) =>
        query.Platform is not { } platform || pattern.Platform == platform || pattern.Platform == "multi-platform";

    private static bool IsProduction(SelectionQuery query) => string.Equals(query.Environment, ProductionEnvironment, StringComparison.Ordinal);

    /// <summary>The stricter of the pattern's and the request's max_cost, and whose it is; null when neither gives one.</summary>
    private static (double Limit, string Whose)? CostLimit(SelectablePattern pattern, SelectionQuery query) => (pattern.MaxCost, query.MaxCost) switch
    {
        ({ } p, { } r) => r < p ? (r, "the request's") : (p, "the pattern's"),
        ({ } p, null) => (p, "the pattern's"),
        (null, { } r) => (r, "the request's"),
        _ => null,
    };

    private static List<VariableValue> ResolveVariables(SelectablePattern pattern, SelectionQuery query, ResolvedVariables variables,
        List<string> reasons)
    {
        variables.Resolve(pattern, query.Variables);
        var report = new List<VariableValue>(pattern.Variables.Count);
        for (var i = 0; i < pattern.Variables.Count; i++)
        {
            if (variables.SourceAt(i) is { } source)
            {
                report.Add(new VariableValue(pattern.Variables[i], variables.ValueAt(i), source));
            }
            else
            {
                reasons.Add($"needs variable {pattern.Variables[i]}");
            }
        }
        return report;
    }

    private static double Estimate(CompiledExpression expression, string field, ResolvedVariables values, List<string> reasons)
    {
        var result = EstimateExpression.Evaluate(expression, values);
        if (!result.Ok)
        {
            reasons.Add($"{field} ({expression.Text}) cannot be evaluated: {result.Error}");
        }
        // Rounded like scores, so a policy limit is never crossed by binary noise (0.05 + 0.002 * 800 is 1.6500000000000001).
        return FeatureScoring.Round(result.Value);
    }

    private static void CheckCost(SelectablePattern pattern, SelectionQuery query, double cost, List<PolicyCheck> policy) =>
        policy.Add(CostLimit(pattern, query) switch
        {
            null => new PolicyCheck("max_cost", "pass", $"cost {F(cost)}: no max_cost applies"),
            var (l, whose) when cost > l => new PolicyCheck("max_cost", "exclude", $"cost {F(cost)} exceeds max_cost {F(l)} ({whose})"),
            var (l, whose) => new PolicyCheck("max_cost", "pass", $"cost {F(cost)} within max_cost {F(l)} ({whose})"),
        });

    private static void CheckProductionSafety(SelectablePattern pattern, SelectionQuery query, List<PolicyCheck> policy)
    {
        var production = IsProduction(query);
        var declared = pattern.ProductionSafe switch { true => "production_safe", false => "not production_safe", null => "production_safe not declared" };
        policy.Add((production, pattern.ProductionSafe, query.RequireProductionSafe) switch
        {
            (false, _, _) => new PolicyCheck("production_safe", "pass", $"{declared}; environment is {query.Environment}"),
            (true, true, _) => new PolicyCheck("production_safe", "pass", $"{declared}"),
            // An undeclared flag is not a promise: it counts as unsafe when the request requires safety.
            (true, _, true) => new PolicyCheck("production_safe", "exclude", $"{declared}, and the request requires production-safe patterns in production"),
            _ => new PolicyCheck("production_safe", "note", $"{declared}; allowed in production because require_production_safe is off"),
        });
    }

    private static void CheckTime(SelectablePattern pattern, SelectionQuery query, double time, List<PolicyCheck> policy)
    {
        if (pattern.MaxExecutionTimeMs is { } patternLimit)
        {
            policy.Add(time > patternLimit
                ? new PolicyCheck("max_execution_time", "exclude", $"estimated {F(time)} ms exceeds the pattern's max_execution_time {F(patternLimit)} ms")
                : new PolicyCheck("max_execution_time", "pass", $"estimated {F(time)} ms within max_execution_time {F(patternLimit)} ms"));
        }
        if (query.MaxTimeMs is { } requestLimit)
        {
            policy.Add(time > requestLimit
                ? new PolicyCheck("max_time_ms", "exclude", $"estimated {F(time)} ms exceeds the request's max_time_ms {F(requestLimit)} ms")
                : new PolicyCheck("max_time_ms", "pass", $"estimated {F(time)} ms within the request's max_time_ms {F(requestLimit)} ms"));
        }
    }

    /// <summary>Approval and background rules; returns whether the pattern must run in the background.</summary>
    private static bool CheckExecution(SelectablePattern pattern, ResolvedVariables values, double time, List<PolicyCheck> policy)
    {
        if (pattern.RequiresApproval)
        {
            policy.Add(new PolicyCheck("requires_approval", "approval", "requires approval before it runs"));
        }
        var background = false;
        if (pattern.BackgroundIf is { } condition)
        {
            var result = EstimateExpression.Evaluate(condition, values);
            if (!result.Ok)
            {
                policy.Add(new PolicyCheck("requires_background_if", "exclude", $"requires_background_if ({condition.Text}) cannot be evaluated: {result.Error}"));
            }
            else if (result.Condition ?? result.Value != 0)
            {
                background = true;
                policy.Add(new PolicyCheck("requires_background_if", "background", $"requires_background_if ({condition.Text}) is true"));
            }
            else
            {
                policy.Add(new PolicyCheck("requires_background_if", "pass", $"requires_background_if ({condition.Text}) is false"));
            }
        }
        if (pattern.MaxNImmediate is { } maxN && values.TryGetValue("N", out var n) && n > maxN)
        {
            background = true;
            policy.Add(new PolicyCheck("max_N_immediate", "background", $"N = {F(n)} exceeds max_N_immediate {F(maxN)}"));
        }
        if (time > ImmediateLimitMs)
        {
            background = true;
            policy.Add(new PolicyCheck("immediate_time_limit", "background", $"estimated {F(time)} ms exceeds {F(ImmediateLimitMs)} ms for immediate runs"));
        }
        return background;
    }

    internal static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
