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
/// the standard defaults N = 1 and pages = 1), evaluates its estimates, and applies every policy rule with a reason.
/// </summary>
public static class CandidateEvaluator
{
    public static readonly IReadOnlyDictionary<string, double> StandardDefaults = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["N"] = 1,
        ["pages"] = 1,
    };

    /// <summary>Above this estimate a pattern runs in the background whatever its policy says.</summary>
    public const double ImmediateLimitMs = 5_000;

    public const string ProductionEnvironment = "production";

    /// <summary>
    /// Evaluates the pattern for the request. Without <paramref name="explain"/> every number, verdict and exclusion is
    /// the same but the policy checks carry no reason text: a request over a whole catalog scores dozens of candidates
    /// and returns a few, and formatting every check's reason was most of what it allocated. The engine explains the
    /// candidates it returns and the excluded ones.
    /// </summary>
    public static EvaluatedCandidate Evaluate(SelectablePattern pattern, SelectionQuery query, bool explain)
    {
        var reasons = new List<string>();
        if (query.Platform is { } platform && pattern.Platform != platform && pattern.Platform != "multi-platform")
        {
            reasons.Add($"platform is {pattern.Platform}, not {platform}");
        }
        var (values, variables) = ResolveVariables(pattern, query, reasons);
        if (reasons.Count > 0)
        {
            return new EvaluatedCandidate(pattern, variables, double.NaN, double.NaN, [], reasons, "", "");
        }
        var time = Estimate(pattern.Time, "time_estimate_ms", values, reasons);
        var cost = Estimate(pattern.Cost, "cost_estimate", values, reasons);
        if (reasons.Count > 0)
        {
            return new EvaluatedCandidate(pattern, variables, time, cost, [], reasons, "", "");
        }
        var policy = new List<PolicyCheck>();
        CheckCost(pattern, query, cost, policy, explain);
        CheckProductionSafety(pattern, query, policy, explain);
        CheckTime(pattern, query, time, policy, explain);
        var background = CheckExecution(pattern, values, time, policy, explain);
        reasons.AddRange(policy.Where(p => p.Outcome == "exclude").Select(p => p.Reason));
        var mode = pattern.RequiresApproval ? "approval_required" : background ? "background" : "immediate";
        var sla = time < 1_000 ? "interactive" : time < 10_000 ? "batch" : "background";
        return new EvaluatedCandidate(pattern, variables, time, cost, policy, reasons, mode, sla);
    }

    private static (Dictionary<string, double> Values, List<VariableValue> Report) ResolveVariables(SelectablePattern pattern,
        SelectionQuery query, List<string> reasons)
    {
        var values = new Dictionary<string, double>(pattern.Variables.Count, StringComparer.Ordinal);
        var report = new List<VariableValue>(pattern.Variables.Count);
        foreach (var name in pattern.Variables)
        {
            (double Value, string Source)? resolved =
                query.Variables.TryGetValue(name, out var requested) ? (requested, "request")
                : pattern.InputDefaults.TryGetValue(name, out var inputDefault) ? (inputDefault, "input_default")
                : StandardDefaults.TryGetValue(name, out var standard) ? (standard, "standard_default")
                : null;
            if (resolved is not { } r)
            {
                reasons.Add($"needs variable {name}");
                continue;
            }
            values[name] = r.Value;
            report.Add(new VariableValue(name, r.Value, r.Source));
        }
        return (values, report);
    }

    private static double Estimate(CompiledExpression expression, string field, Dictionary<string, double> values, List<string> reasons)
    {
        var result = EstimateExpression.Evaluate(expression, values);
        if (!result.Ok)
        {
            reasons.Add($"{field} ({expression.Text}) cannot be evaluated: {result.Error}");
        }
        // Rounded like scores, so a policy limit is never crossed by binary noise (0.05 + 0.002 * 800 is 1.6500000000000001).
        return FeatureScoring.Round(result.Value);
    }

    private static void CheckCost(SelectablePattern pattern, SelectionQuery query, double cost, List<PolicyCheck> policy, bool explain)
    {
        // The stricter of the pattern's and the request's limits applies.
        (double Limit, string Whose)? limit = (pattern.MaxCost, query.MaxCost) switch
        {
            ({ } p, { } r) => r < p ? (r, "the request's") : (p, "the pattern's"),
            ({ } p, null) => (p, "the pattern's"),
            (null, { } r) => (r, "the request's"),
            _ => null,
        };
        policy.Add(limit switch
        {
            null => new PolicyCheck("max_cost", "pass", explain ? $"cost {F(cost)}: no max_cost applies" : ""),
            var (l, whose) when cost > l => new PolicyCheck("max_cost", "exclude", explain ? $"cost {F(cost)} exceeds max_cost {F(l)} ({whose})" : ""),
            var (l, whose) => new PolicyCheck("max_cost", "pass", explain ? $"cost {F(cost)} within max_cost {F(l)} ({whose})" : ""),
        });
    }

    private static void CheckProductionSafety(SelectablePattern pattern, SelectionQuery query, List<PolicyCheck> policy, bool explain)
    {
        var production = string.Equals(query.Environment, ProductionEnvironment, StringComparison.Ordinal);
        var declared = pattern.ProductionSafe switch { true => "production_safe", false => "not production_safe", null => "production_safe not declared" };
        policy.Add((production, pattern.ProductionSafe, query.RequireProductionSafe) switch
        {
            (false, _, _) => new PolicyCheck("production_safe", "pass", explain ? $"{declared}; environment is {query.Environment}" : ""),
            (true, true, _) => new PolicyCheck("production_safe", "pass", explain ? $"{declared}" : ""),
            // An undeclared flag is not a promise: it counts as unsafe when the request requires safety.
            (true, _, true) => new PolicyCheck("production_safe", "exclude", explain ? $"{declared}, and the request requires production-safe patterns in production" : ""),
            _ => new PolicyCheck("production_safe", "note", explain ? $"{declared}; allowed in production because require_production_safe is off" : ""),
        });
    }

    private static void CheckTime(SelectablePattern pattern, SelectionQuery query, double time, List<PolicyCheck> policy, bool explain)
    {
        if (pattern.MaxExecutionTimeMs is { } patternLimit)
        {
            policy.Add(time > patternLimit
                ? new PolicyCheck("max_execution_time", "exclude", explain ? $"estimated {F(time)} ms exceeds the pattern's max_execution_time {F(patternLimit)} ms" : "")
                : new PolicyCheck("max_execution_time", "pass", explain ? $"estimated {F(time)} ms within max_execution_time {F(patternLimit)} ms" : ""));
        }
        if (query.MaxTimeMs is { } requestLimit)
        {
            policy.Add(time > requestLimit
                ? new PolicyCheck("max_time_ms", "exclude", explain ? $"estimated {F(time)} ms exceeds the request's max_time_ms {F(requestLimit)} ms" : "")
                : new PolicyCheck("max_time_ms", "pass", explain ? $"estimated {F(time)} ms within the request's max_time_ms {F(requestLimit)} ms" : ""));
        }
    }

    /// <summary>Approval and background rules; returns whether the pattern must run in the background.</summary>
    private static bool CheckExecution(SelectablePattern pattern, Dictionary<string, double> values, double time, List<PolicyCheck> policy,
        bool explain)
    {
        if (pattern.RequiresApproval)
        {
            policy.Add(new PolicyCheck("requires_approval", "approval", explain ? "requires approval before it runs" : ""));
        }
        var background = false;
        if (pattern.BackgroundIf is { } condition)
        {
            var result = EstimateExpression.Evaluate(condition, values);
            if (!result.Ok)
            {
                policy.Add(new PolicyCheck("requires_background_if", "exclude", explain ? $"requires_background_if ({condition.Text}) cannot be evaluated: {result.Error}" : ""));
            }
            else if (result.Condition ?? result.Value != 0)
            {
                background = true;
                policy.Add(new PolicyCheck("requires_background_if", "background", explain ? $"requires_background_if ({condition.Text}) is true" : ""));
            }
            else
            {
                policy.Add(new PolicyCheck("requires_background_if", "pass", explain ? $"requires_background_if ({condition.Text}) is false" : ""));
            }
        }
        if (pattern.MaxNImmediate is { } maxN && values.TryGetValue("N", out var n) && n > maxN)
        {
            background = true;
            policy.Add(new PolicyCheck("max_N_immediate", "background", explain ? $"N = {F(n)} exceeds max_N_immediate {F(maxN)}" : ""));
        }
        if (time > ImmediateLimitMs)
        {
            background = true;
            policy.Add(new PolicyCheck("immediate_time_limit", "background", explain ? $"estimated {F(time)} ms exceeds {F(ImmediateLimitMs)} ms for immediate runs" : ""));
        }
        return background;
    }

    internal static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
