using ToolCatalog.Catalog.Expressions;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Generator.Wizard;

/// <summary>
/// The live check behind the estimate prompts. Inputs are declared in step 6, after the estimates, so a lower_snake_case
/// variable that is not declared yet is accepted and remembered: step 6 adds it as a numeric input. Everything else
/// (syntax, functions, a condition where a number belongs) is checked with the catalog's own rules.
/// </summary>
public static class ExpressionCheck
{
    /// <summary>The problem with the expression, or null; <paramref name="pending"/> receives variables still to declare.</summary>
    public static string? Check(string text, IReadOnlySet<string> declared, bool condition, ICollection<string>? pending = null)
    {
        var syntax = EstimateExpression.Check(text, declared.Concat(EstimateExpression.StandardVariables).ToHashSet(StringComparer.Ordinal));
        var parameters = Parameters(text);
        if (parameters is null)
        {
            return string.Join("; ", syntax);
        }
        var unknown = parameters.Where(p => !EstimateExpression.StandardVariables.Contains(p) && !declared.Contains(p)).ToList();
        if (unknown.FirstOrDefault(u => !CatalogRules.MemberName().IsMatch(u)) is { } bad)
        {
            return $"'{bad}' is neither a standard variable ({string.Join(", ", EstimateExpression.StandardVariables)}) nor a lower_snake_case input name";
        }
        var problems = EstimateExpression.Check(text, declared.Concat(unknown).ToHashSet(StringComparer.Ordinal));
        if (problems.Count > 0)
        {
            return string.Join("; ", problems);
        }
        var sample = EstimateExpression.Evaluate(text, parameters.ToDictionary(p => p, _ => 10.0, StringComparer.Ordinal));
        if (sample.Ok && condition && sample.Condition is null)
        {
            return "must be a condition such as \"N > 100\" (a comparison), not a number";
        }
        if (sample.Ok && !condition && sample.Condition is not null)
        {
            return "must give a number (such as \"500 + 20 * N\"), not a condition";
        }
        foreach (var name in unknown)
        {
            pending?.Add(name);
        }
        return null;
    }

    /// <summary>What the expression gives for a few values, so the author sees the scale at once.</summary>
    public static string Preview(string text)
    {
        var parameters = Parameters(text) ?? [];
        var parts = new List<string>();
        foreach (var value in (double[])[1, 100])
        {
            var result = EstimateExpression.Evaluate(text, parameters.ToDictionary(p => p, _ => value, StringComparer.Ordinal));
            if (!result.Ok)
            {
                return "";
            }
            var shown = result.Condition is { } b ? (b ? "true" : "false") : Prompter.Format(result.Value);
            if (parameters.Count == 0)
            {
                return $"= {shown}";
            }
            parts.Add($"{shown} when {string.Join(", ", parameters)} = {Prompter.Format(value)}");
        }
        return "= " + string.Join("; ", parts);
    }

    private static List<string>? Parameters(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var expression = new NCalc.Expression(text, NCalc.ExpressionOptions.NoCache);
        return expression.HasErrors() ? null : expression.GetParameterNames().Distinct(StringComparer.Ordinal).ToList();
    }
}
