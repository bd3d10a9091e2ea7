using ToolCatalog.Catalog.Expressions;

namespace ToolCatalog.Catalog.Tests;

/// <summary>Estimate and condition expressions: what <see cref="EstimateExpression.Check"/> accepts and what they evaluate to.</summary>
public sealed class ExpressionTests
{
    private static readonly HashSet<string> NoInputs = new(StringComparer.Ordinal);

    // ---- Check ----

    [Theory]
    [InlineData("500 + 1500 * N")]
    [InlineData("0.001")]
    [InlineData("2500 + 900 * ceil(rows / 1000)")]
    [InlineData("log(N) + log10(N) + sqrt(N) + min(N, 1) + max(N, 1) + abs(N) + ceil(N) + floor(N)")]
    [InlineData("N > 1000 and not (pages < 3) or rows == 0")]
    [InlineData("N >= 1 and N <= 2 or N != 3 and N % 2 == 0")]
    [InlineData("((N))")]
    public void Expressions_of_the_documented_grammar_pass_the_check(string text)
    {
        Assert.Empty(EstimateExpression.Check(text, NoInputs));
    }

    [Theory]
    [InlineData("N")]
    [InlineData("pages")]
    [InlineData("duration_ms")]
    [InlineData("packet_count")]
    [InlineData("size_mb")]
    [InlineData("hosts")]
    [InlineData("files")]
    [InlineData("lines")]
    [InlineData("rows")]
    public void Every_standard_variable_may_be_used_without_being_declared(string variable)
    {
        Assert.Empty(EstimateExpression.Check($"10 + 2 * {variable}", NoInputs));
    }

    [Theory]
    [InlineData("sin(N)", "sin")]
    [InlineData("Pow(N, 2)", "Pow")]
    [InlineData("Abs(N)", "Abs")]
    [InlineData("if(N > 1, 1, 2)", "if")]
    public void An_unknown_function_is_reported_with_the_allowed_list(string text, string function)
    {
        var problem = Assert.Single(EstimateExpression.Check(text, NoInputs));

        Assert.StartsWith($"unknown function '{function}'", problem, StringComparison.Ordinal);
        Assert.Contains("allowed: log, log10, sqrt, min, max, abs, ceil, floor", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("batch_size * 2", "batch_size")]
    [InlineData("n * 2", "n")]
    [InlineData("max(1, Rows)", "Rows")]
    public void An_undeclared_variable_is_reported_by_name(string text, string variable)
    {
        var problem = Assert.Single(EstimateExpression.Check(text, NoInputs));

        Assert.StartsWith($"unknown variable '{variable}'", problem, StringComparison.Ordinal);
        Assert.Contains("declare it as an integer or number input", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declared_input_is_accepted_as_a_variable()
    {
        var declared = new HashSet<string>(["batch_size"], StringComparer.Ordinal);

        Assert.Empty(EstimateExpression.Check("100 + 3 * ceil(N / max(1, batch_size))", declared));
        Assert.Single(EstimateExpression.Check("100 + 3 * ceil(N / max(1, batch_count))", declared));
    }

    [Fact]
    public void The_same_text_is_judged_by_each_patterns_own_inputs_and_a_repeated_error_is_reported_again()
    {
        // What parsing says about a text is remembered across files; whether its variables are declared is not.
        var text = $"100 + 3 * ceil(N / max(1, batch_{Guid.NewGuid():N}))";
        var variable = text[(text.IndexOf("batch_", StringComparison.Ordinal))..^2];
        var declared = new HashSet<string>([variable], StringComparer.Ordinal);
        var broken = $"min(N, {Guid.NewGuid().GetHashCode() & 0xffff}";

        Assert.Empty(EstimateExpression.Check(text, declared));
        Assert.StartsWith($"unknown variable '{variable}'", Assert.Single(EstimateExpression.Check(text, NoInputs)), StringComparison.Ordinal);
        Assert.Empty(EstimateExpression.Check(text, declared));
        Assert.Equal(EstimateExpression.Check(broken, NoInputs), EstimateExpression.Check(broken, declared));
        Assert.StartsWith("does not parse", Assert.Single(EstimateExpression.Check(broken, declared)), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_unknown_name_is_reported_at_once()
    {
        var problems = EstimateExpression.Check("foo(x) + bar(y) + N", NoInputs);

        Assert.Equal(4, problems.Count);
        Assert.Equal(2, problems.Count(p => p.StartsWith("unknown function", StringComparison.Ordinal)));
        Assert.Equal(2, problems.Count(p => p.StartsWith("unknown variable", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("1000 +")]
    [InlineData("(N")]
    [InlineData("N * * 2")]
    [InlineData("min(N, 3")]
    public void A_syntax_error_is_reported(string text)
    {
        Assert.StartsWith("does not parse", Assert.Single(EstimateExpression.Check(text, NoInputs)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_expression_is_reported(string text)
    {
        Assert.Equal("expression is empty", Assert.Single(EstimateExpression.Check(text, NoInputs)));
    }

    // ---- Evaluate ----

    [Theory]
    [InlineData("1000 + 0.5 * N", 500, 1250)]
    [InlineData("ceil(N / 100)", 250, 3)]
    [InlineData("floor(N / 100)", 250, 2)]
    [InlineData("min(N, 100)", 250, 100)]
    [InlineData("max(N, 1000)", 250, 1000)]
    [InlineData("log10(N)", 1000, 3)]
    [InlineData("log(N)", Math.E, 1)]
    [InlineData("sqrt(N)", 144, 12)]
    [InlineData("abs(10 - N)", 25, 15)]
    [InlineData("N % 7", 23, 2)]
    [InlineData("(N + 2) * 3", 1, 9)]
    [InlineData("7 / 2", 0, 3.5)]
    [InlineData("N / 4", 10, 2.5)]
    [InlineData("-N + 10", 4, 6)]
    [InlineData("2500 + 900 * ceil(N / 1000)", 1001, 4300)]
    public void Arithmetic_evaluates_to_the_expected_number(string text, double n, double expected)
    {
        var result = EstimateExpression.Evaluate(text, new Dictionary<string, double> { ["N"] = n });

        Assert.True(result.Ok, result.Error);
        Assert.Equal(expected, result.Value, 9);
        Assert.Null(result.Condition);
        Assert.Null(result.Error);
    }

    [Fact]
    public void Several_variables_are_bound_by_name()
    {
        var result = EstimateExpression.Evaluate("3000 + 45 * size_mb / max(1, jobs)", new Dictionary<string, double> { ["size_mb"] = 200, ["jobs"] = 4 });

        Assert.True(result.Ok, result.Error);
        Assert.Equal(5250, result.Value);
    }

    [Theory]
    [InlineData("N > 1000", 1500, true)]
    [InlineData("N > 1000", 1000, false)]
    [InlineData("N >= 1000", 1000, true)]
    [InlineData("N > 10 and N < 20", 15, true)]
    [InlineData("N > 10 and N < 20", 25, false)]
    [InlineData("N < 10 or N > 20", 25, true)]
    [InlineData("not (N > 5)", 3, true)]
    [InlineData("N == 3", 4, false)]
    [InlineData("N != 3", 4, true)]
    public void A_condition_evaluates_to_true_or_false(string text, double n, bool expected)
    {
        var result = EstimateExpression.Evaluate(text, new Dictionary<string, double> { ["N"] = n });

        Assert.True(result.Ok, result.Error);
        Assert.Equal(expected, result.Condition);
        Assert.Equal(expected ? 1 : 0, result.Value);
    }

    [Theory]
    [InlineData("N / 0")]
    [InlineData("1 / 0")]
    [InlineData("1000 / (N - N)")]
    [InlineData("10 % 0")]
    public void Division_by_zero_is_a_failure_that_says_so(string text)
    {
        var result = EstimateExpression.Evaluate(text, new Dictionary<string, double> { ["N"] = 5 });

        Assert.False(result.Ok);
        Assert.True(double.IsNaN(result.Value));
        Assert.Contains("division by zero", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_variable_is_a_failure_naming_it()
    {
        var result = EstimateExpression.Evaluate("N * pages + rows", new Dictionary<string, double> { ["N"] = 5 });

        Assert.False(result.Ok);
        Assert.Equal("no value for variable(s) pages, rows", result.Error);
    }

    [Theory]
    [InlineData("log(0 - N)")]
    [InlineData("log10(0 - N)")]
    [InlineData("sqrt(0 - N)")]
    public void The_log_or_root_of_a_negative_number_is_a_failure(string text)
    {
        var result = EstimateExpression.Evaluate(text, new Dictionary<string, double> { ["N"] = 4 });

        Assert.False(result.Ok);
        Assert.Contains("not a number", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max(N)", "max() takes 2 argument(s), got 1")]
    [InlineData("sqrt(N, 2)", "sqrt() takes 1 argument(s), got 2")]
    [InlineData("sin(N)", "unknown function 'sin'")]
    [InlineData("1000 +", "does not parse")]
    public void A_call_that_cannot_be_evaluated_is_a_failure_with_the_reason(string text, string reason)
    {
        var result = EstimateExpression.Evaluate(text, new Dictionary<string, double> { ["N"] = 4 });

        Assert.False(result.Ok);
        Assert.StartsWith(reason, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'abc'")]
    [InlineData("'abc' + 1")]
    public void Text_values_are_a_failure_not_an_exception(string text)
    {
        var result = EstimateExpression.Evaluate(text, new Dictionary<string, double>());

        Assert.False(result.Ok);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public void Every_estimate_in_the_example_tool_evaluates_for_a_typical_n()
    {
        var tool = ToolTexts.Parse(ToolTexts.Systemctl).Tool!;
        var values = new Dictionary<string, double> { ["N"] = 20 };

        var restart = tool.Capabilities[0].Patterns[0];
        Assert.Equal(30_500, EstimateExpression.Evaluate(restart.TimeEstimateMs, values).Value, 9);
        Assert.Equal(0.2, EstimateExpression.Evaluate(restart.CostEstimate, values).Value, 9);
        var background = tool.ToJsonObject()["capabilities"]!["service_management"]!["patterns"]!["restart_service"]!["policy"]!["requires_background_if"]!;
        Assert.Equal(true, EstimateExpression.Evaluate(background.GetValue<string>(), values).Condition);
        Assert.Equal(false, EstimateExpression.Evaluate(background.GetValue<string>(), new Dictionary<string, double> { ["N"] = 10 }).Condition);
    }
}
