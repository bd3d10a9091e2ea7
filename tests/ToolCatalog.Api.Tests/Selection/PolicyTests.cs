using ToolCatalog.Api.Selection;
using static ToolCatalog.Api.Tests.Selection.SelectionFixtures;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>Every policy rule, the execution mode, the SLA class and the variables, each with the reason given.</summary>
public sealed class PolicyTests
{
    private static SelectResponse One(TestPattern pattern, SelectRequest? request = null, string platform = "linux") =>
        Decide(SnapshotOf(Tool("tool", platform, [("ops", [pattern])])), request ?? Request("ops"));

    private static IReadOnlyList<string> ExcludedReasons(SelectResponse response) => Assert.Single(response.Excluded).Reasons;

    [Fact]
    public void Cost_above_the_patterns_max_cost_excludes()
    {
        var response = One(new TestPattern("run", "100", "2") { MaxCost = 1 });

        Assert.Empty(response.Candidates);
        Assert.Equal(["cost 2 exceeds max_cost 1 (the pattern's)"], ExcludedReasons(response));
    }

    [Fact]
    public void The_stricter_of_the_patterns_and_the_requests_max_cost_applies()
    {
        var pattern = new TestPattern("run", "100", "2") { MaxCost = 5 };

        var strict = One(pattern, new SelectRequest { Capabilities = ["ops"], Constraints = new SelectConstraints { MaxCost = 1 } });
        var loose = One(pattern, new SelectRequest { Capabilities = ["ops"], Constraints = new SelectConstraints { MaxCost = 9 } });

        Assert.Equal(["cost 2 exceeds max_cost 1 (the request's)"], ExcludedReasons(strict));
        Assert.Contains(Assert.Single(loose.Candidates).Policy, p => p is { Rule: "max_cost", Outcome: "pass", Reason: "cost 2 within max_cost 5 (the pattern's)" });
    }

    [Theory]
    [InlineData("production", true, false, "exclude")]
    [InlineData("production", false, false, "note")]
    [InlineData("staging", true, false, "pass")]
    [InlineData("production", true, true, "pass")]
    public void Unsafe_patterns_are_excluded_in_production_only_when_the_request_requires_safety(string environment, bool require, bool safe, string outcome)
    {
        var request = new SelectRequest
        {
            Capabilities = ["ops"], Environment = environment, Constraints = new SelectConstraints { RequireProductionSafe = require },
        };

        var response = One(new TestPattern("run", "100") { ProductionSafe = safe }, request);

        var check = outcome == "exclude"
            ? Assert.Single(ExcludedReasons(response))
            : Assert.Single(Assert.Single(response.Candidates).Policy, p => p.Rule == "production_safe").Outcome;
        Assert.Equal(outcome == "exclude" ? "not production_safe, and the request requires production-safe patterns in production" : outcome, check);
    }

    [Fact]
    public void An_undeclared_production_safe_counts_as_unsafe_when_safety_is_required()
    {
        var request = new SelectRequest { Capabilities = ["ops"], Constraints = new SelectConstraints { RequireProductionSafe = true } };

        Assert.Equal(["production_safe not declared, and the request requires production-safe patterns in production"],
            ExcludedReasons(One(new TestPattern("run", "100"), request)));
    }

    [Fact]
    public void Time_above_the_patterns_max_execution_time_or_the_requests_max_time_excludes()
    {
        var pattern = new TestPattern("run", "20000") { MaxExecutionTime = 10000 };
        var request = new SelectRequest { Capabilities = ["ops"], Constraints = new SelectConstraints { MaxTimeMs = 15000 } };

        Assert.Equal([
            "estimated 20000 ms exceeds the pattern's max_execution_time 10000 ms",
            "estimated 20000 ms exceeds the request's max_time_ms 15000 ms",
        ], ExcludedReasons(One(pattern, request)));
    }

    [Fact]
    public void Approval_makes_the_execution_mode_approval_required()
    {
        var candidate = Assert.Single(One(new TestPattern("run", "100") { RequiresApproval = true }).Candidates);

        Assert.Equal(("approval_required", true), (candidate.ExecutionMode, candidate.RequiresApproval));
        Assert.Contains(candidate.Policy, p => p is { Rule: "requires_approval", Outcome: "approval" });
    }

    [Theory]
    [InlineData(20, "background", "requires_background_if (N > 10 and N < 100) is true")]
    [InlineData(5, "immediate", "requires_background_if (N > 10 and N < 100) is false")]
    [InlineData(500, "immediate", "requires_background_if (N > 10 and N < 100) is false")]
    public void Requires_background_if_evaluates_comparisons_and_boolean_operators(double n, string mode, string reason)
    {
        var pattern = new TestPattern("run", "100") { BackgroundIf = "N > 10 and N < 100" };

        var candidate = Assert.Single(One(pattern, Request("ops", variables: new() { ["N"] = n })).Candidates);

        Assert.Equal(mode, candidate.ExecutionMode);
        Assert.Contains(candidate.Policy, p => p.Rule == "requires_background_if" && p.Reason == reason);
    }

    [Fact]
    public void N_above_max_N_immediate_and_estimates_above_5_s_run_in_the_background()
    {
        var byN = Assert.Single(One(new TestPattern("run", "100") { MaxNImmediate = 10 }, Request("ops", variables: new() { ["N"] = 11 })).Candidates);
        var byTime = Assert.Single(One(new TestPattern("run", "5001")).Candidates);
        var atLimit = Assert.Single(One(new TestPattern("run", "5000")).Candidates);

        Assert.Equal("background", byN.ExecutionMode);
        Assert.Contains(byN.Policy, p => p is { Rule: "max_N_immediate", Reason: "N = 11 exceeds max_N_immediate 10" });
        Assert.Equal("background", byTime.ExecutionMode);
        Assert.Contains(byTime.Policy, p => p is { Rule: "immediate_time_limit", Reason: "estimated 5001 ms exceeds 5000 ms for immediate runs" });
        Assert.Equal("immediate", atLimit.ExecutionMode);
    }

    [Theory]
    [InlineData("999", "interactive")]
    [InlineData("1000", "batch")]
    [InlineData("9999", "batch")]
    [InlineData("10000", "background")]
    public void The_sla_class_follows_the_estimate(string time, string sla) =>
        Assert.Equal(sla, Assert.Single(One(new TestPattern("run", time)).Candidates).SlaClass);

    [Fact]
    public void A_variable_without_a_value_excludes_the_candidate_with_its_name()
    {
        var pattern = new TestPattern("run", "100 * hosts + 10 * jobs + retries") { Inputs = new Dictionary<string, double?> { ["jobs"] = 4, ["retries"] = null } };

        Assert.Equal(["needs variable hosts", "needs variable retries"], ExcludedReasons(One(pattern)));
    }

    [Fact]
    public void Variables_come_from_the_request_then_the_input_default_then_the_standard_default()
    {
        var pattern = new TestPattern("run", "100 * hosts + 10 * jobs + N + pages") { Inputs = new Dictionary<string, double?> { ["jobs"] = 4 } };

        var candidate = Assert.Single(One(pattern, Request("ops", variables: new() { ["hosts"] = 3 })).Candidates);

        Assert.Equal([
            new VariableValue("N", 1, "standard_default"), new VariableValue("hosts", 3, "request"),
            new VariableValue("jobs", 4, "input_default"), new VariableValue("pages", 1, "standard_default"),
        ], candidate.Variables);
        Assert.Equal(342, candidate.Estimates.TimeMs);
    }

    [Fact]
    public void An_expression_that_cannot_be_evaluated_excludes_with_the_reason()
    {
        var reasons = ExcludedReasons(One(new TestPattern("run", "1000 / (N - 1)")));

        Assert.StartsWith("time_estimate_ms (1000 / (N - 1)) cannot be evaluated: ", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_platform_is_excluded_with_the_reason_and_multi_platform_tools_always_qualify()
    {
        var pattern = new TestPattern("run", "100");
        var snapshot = SnapshotOf(Tool("win", "windows", [("ops", [pattern])]), Tool("any", "multi-platform", [("ops", [pattern])]));

        var response = Decide(snapshot, new SelectRequest { Capabilities = ["ops"], Platform = "linux" });

        Assert.Equal("any", Assert.Single(response.Candidates).Tool);
        Assert.Equal(["platform is windows, not linux"], Assert.Single(response.Excluded).Reasons);
    }
}
