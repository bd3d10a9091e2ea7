using System.Diagnostics;
using System.Text;
using ToolCatalog.Catalog.Expressions;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// The bounds of <see cref="CatalogLimits"/> and the reader's expanded size: hostile documents and expressions are refused
/// as problems at their path, quickly, before any recursive parser, regex compiler or PostgreSQL sees them.
/// </summary>
public sealed class LimitTests
{
    private const string Restart = "capabilities.service_management.patterns.restart_service";
    private static readonly Dictionary<string, double> N10 = new(StringComparer.Ordinal) { ["N"] = 10 };

    internal static string Terms(int count) => string.Join("+", Enumerable.Repeat("N", count));

    private static CatalogProblem ErrorAt(string text, string path)
    {
        var result = ToolParser.ParseFile(text, "limits.yaml");
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors, e => e.Path == path);
        Assert.True(error.Line > 0, error.ToString());
        return error;
    }

    private static string WithTime(string expression) =>
        ToolTexts.Replace(ToolTexts.Systemctl, "time_estimate_ms: \"500 + 1500 * N\"", $"time_estimate_ms: \"{expression}\"");

    [Fact]
    public void A_hundred_thousand_term_expression_is_refused_without_being_parsed()
    {
        var text = Terms(100_000);

        Assert.StartsWith("expression is longer than 1,000 characters", Assert.Single(EstimateExpression.Check(text, new HashSet<string>())), StringComparison.Ordinal);
        var result = EstimateExpression.Evaluate(text, N10);
        Assert.False(result.Ok);
        Assert.StartsWith("expression is longer than 1,000 characters", result.Error, StringComparison.Ordinal);
        // Under the length bound, the token bound still stops a long chain (the stored 30,000-term case, shortened).
        Assert.StartsWith("expression has more than 200 tokens", EstimateExpression.Evaluate(Terms(101), N10).Error, StringComparison.Ordinal);
        Assert.True(EstimateExpression.Evaluate(Terms(100), N10).Ok);
    }

    [Fact]
    public void The_validator_reports_an_over_long_expression_at_its_path_with_a_short_quote()
    {
        var error = ErrorAt(WithTime(Terms(100_000)), $"{Restart}.time_estimate_ms");

        Assert.Contains("longer than 1,000 characters", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 300, error.Message);
    }

    [Theory]
    [InlineData("(", ")", 20, true)]
    [InlineData("(", ")", 21, false)]
    [InlineData("abs(", ")", 21, false)]
    [InlineData("-", "", 21, false)]
    [InlineData("not ", "", 21, false)]
    [InlineData("-(", ")", 10, true)]
    [InlineData("-(", ")", 11, false)]
    public void Nesting_is_bounded_at_twenty_levels(string open, string close, int levels, bool accepted)
    {
        var text = string.Concat(Enumerable.Repeat(open, levels)) + "N" + string.Concat(Enumerable.Repeat(close, levels));

        var problems = EstimateExpression.Check(text, new HashSet<string>());

        if (accepted)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.StartsWith("expression nests deeper than 20 levels", Assert.Single(problems), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("50000 * 50000", 2.5e9)]
    [InlineData("100000 * 100000", 1e10)]
    [InlineData("3000000000 * 3", 9e9)]
    [InlineData("2147483647 + 1", 2147483648d)]
    [InlineData("7 / 2", 3.5)]
    public void Arithmetic_is_done_in_double_and_never_wraps(string text, double expected)
    {
        var result = EstimateExpression.Evaluate(text, N10);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("1e308 * 10")]
    [InlineData("1e400")]
    [InlineData("1e308 * 10 - 1e308 * 10")]
    public void A_result_beyond_double_is_a_failure_not_a_number(string text)
    {
        var result = EstimateExpression.Evaluate(text, N10);

        Assert.False(result.Ok);
        Assert.True(double.IsNaN(result.Value));
    }

    [Fact]
    public void An_anchor_of_500_KiB_aliased_a_thousand_times_is_refused_quickly()
    {
        var text = new StringBuilder("x_big: &big \"").Append('x', 500 * 1024).Append("\"\nx_copies: [");
        text.AppendJoin(", ", Enumerable.Repeat("*big", 1000)).Append("]\n");
        var clock = Stopwatch.StartNew();

        var result = ToolParser.ParseFile(ToolTexts.Systemctl + text, "limits.yaml");

        TestContext.Current.TestOutputHelper?.WriteLine($"refused in {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("text expands to more than 4,096 KiB", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > ToolTexts.Systemctl.Count(c => c == '\n'), error.ToString());
    }

    [Fact]
    public void A_regex_alternation_of_907_KiB_is_refused_before_it_is_compiled()
    {
        var alternation = string.Join('|', Enumerable.Range(0, 130_000).Select(i => $"v{i}"));
        var text = ToolTexts.Replace(ToolTexts.Systemctl, @"validation: '^[A-Za-z0-9@_.:-]+(\.(service|socket|timer|target|mount|path))?$'",
            $"validation: '{alternation}'");
        var clock = Stopwatch.StartNew();

        var error = ErrorAt(text, $"{Restart}.required_inputs[0].validation");

        TestContext.Current.TestOutputHelper?.WriteLine($"refused in {clock.Elapsed.TotalMilliseconds:F0} ms");
        // Generous: the behaviour under test is the message (the regex was never compiled); the time is reported.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.StartsWith("regex is longer than 1,000 characters", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version: \"1.0.0\"", "version: \"1.0.0-{0}\"", 3000, "version")]
    [InlineData("tags: [systemd, services, linux, init]", "tags: [systemd, \"{0}\"]", 3000, "metadata.tags[1]")]
    [InlineData("          - recover a crashed daemon\n", "          - \"{0}\"\n", 4000, Restart + ".typical_use_cases[1]")]
    [InlineData("description: Start, stop, restart and reload systemd units.", "description: \"{0}\"", 9000, "capabilities.service_management.description")]
    [InlineData("execution_location: target_host", "execution_location: \"{0}\"", 300, "execution_location")]
    [InlineData("author: platform-team", "author: \"{0}\"", 300, "metadata.author")]
    public void Text_longer_than_its_field_allows_is_an_error_at_the_field(string from, string to, int length, string path)
    {
        var text = ToolTexts.Replace(ToolTexts.Systemctl, from, string.Format(System.Globalization.CultureInfo.InvariantCulture, to, new string('a', length)));

        Assert.Contains("is longer than", ErrorAt(text, path).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e-20000", "exponent")]
    [InlineData("1.5E+1001", "exponent")]
    [InlineData("DIGITS", "digits")]
    public void A_number_jsonb_cannot_store_is_an_error_even_under_an_unknown_key(string literal, string phrase)
    {
        var value = literal == "DIGITS" ? "9" + new string('0', 200_000) : literal;

        var error = ErrorAt(ToolTexts.Systemctl + $"x_extra:\n  n: {value}\n", "x_extra.n");

        Assert.Contains(phrase, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_at_the_bounds_are_kept_verbatim_under_unknown_keys()
    {
        var result = ToolParser.ParseFile(ToolTexts.Systemctl + $"x_extra: [1e1000, -1e-1000, {new string('7', 1000)}]\n", "limits.yaml");

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        Assert.Contains("\"x_extra\":[1e1000,-1e-1000,", result.Tool!.CanonicalJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_cost: 1.0", "max_cost: 1e400", Restart + ".policy.max_cost")]
    [InlineData("max_execution_time: 90000", "max_execution_time: HUGE", Restart + ".policy.max_execution_time")]
    [InlineData("            default: 1\n", "            default: HUGE\n", Restart + ".optional_inputs[0].default")]
    public void A_number_the_service_reads_as_a_double_must_be_finite(string from, string to, string path)
    {
        // HUGE: a whole number of 400 digits, storable in jsonb but infinite as a double.
        ErrorAt(ToolTexts.Replace(ToolTexts.Systemctl, from, to.Replace("HUGE", "1" + new string('0', 400), StringComparison.Ordinal)), path);
    }
}
