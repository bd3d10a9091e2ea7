using ToolCatalog.Api.Selection;
using static ToolCatalog.Api.Tests.Selection.SelectionFixtures;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>Golden values of the published formulas: normalisation, weights per mode, the score, the ranking.</summary>
public sealed class ScoringTests
{
    /// <summary>
    /// The issue quotes 1000 ms → 0.578 and 5000 ms → 0.351: the formula gives 0.57748 and 0.35048, which are 0.5775 and
    /// 0.3505 at four decimals (the quoted figures round those again). The formula is what is reproduced.
    /// </summary>
    [Theory]
    [InlineData(1000, 0.5775)]
    [InlineData(5000, 0.3505)]
    [InlineData(50, 1.0)]
    [InlineData(10, 1.0)]
    [InlineData(60000, 0.0)]
    [InlineData(3_600_000, 0.0)]
    public void Time_is_normalised_on_a_log_scale_between_50_ms_and_60_s(double milliseconds, double expected) =>
        Assert.Equal(expected, FeatureScoring.Time(milliseconds), 4);

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(2.5, 0.75)]
    [InlineData(-1, 1.0)]
    [InlineData(25, 0.0)]
    public void Cost_is_one_minus_a_tenth_clamped(double cost, double expected) => Assert.Equal(expected, FeatureScoring.Cost(cost), 9);

    [Theory]
    [InlineData("fast", 0.40, 0.15, 0.15, 0.15, 0.15)]
    [InlineData("accurate", 0.15, 0.15, 0.15, 0.40, 0.15)]
    [InlineData("thorough", 0.15, 0.15, 0.15, 0.15, 0.40)]
    [InlineData("cheap", 0.15, 0.40, 0.15, 0.15, 0.15)]
    [InlineData("simple", 0.15, 0.15, 0.40, 0.15, 0.15)]
    [InlineData("balanced", 0.20, 0.20, 0.20, 0.20, 0.20)]
    public void Each_mode_weights_its_primary_dimension(string mode, double time, double cost, double complexity, double accuracy, double completeness) =>
        Assert.Equal(new FeatureWeights(time, cost, complexity, accuracy, completeness), PreferenceModes.WeightsOf(mode));

    /// <summary>One pattern: 1000 ms (0.577475), cost 2 (0.8), complexity 0.3 (0.7), accuracy 0.9, completeness 0.6.</summary>
    [Theory]
    [InlineData("fast", 0.680990138)]
    [InlineData("accurate", 0.761621302)]
    [InlineData("thorough", 0.686621302)]
    [InlineData("cheap", 0.736621302)]
    [InlineData("simple", 0.711621302)]
    [InlineData("balanced", 0.715495069)]
    public void The_score_is_the_weighted_sum_of_the_normalised_features(string mode, double expected)
    {
        var snapshot = SnapshotOf(Tool("golden", "service_management", new TestPattern("run", "1000", "2", 0.3, 0.9, 0.6)));

        var candidate = Assert.Single(Decide(snapshot, Request("service_management", mode)).Candidates);

        Assert.Equal(expected, candidate.Score, 9);
        Assert.Equal([0.577475344, 0.8, 0.7, 0.9, 0.6], candidate.Features.Select(f => f.Normalised));
        Assert.Equal(["time", "cost", "complexity", "accuracy", "completeness"], candidate.Features.Select(f => f.Name));
        Assert.Equal(candidate.Score, candidate.Features.Sum(f => f.Contribution), 8);
        Assert.Equal(new Estimates(1000, 2), candidate.Estimates);
    }

    [Fact]
    public void The_mode_changes_the_winner()
    {
        var snapshot = SnapshotOf(Tool("probe", "diagnostics",
            new TestPattern("quick_look", "100", Accuracy: 0.5, Completeness: 0.5),
            new TestPattern("deep_check", "30000", Accuracy: 1.0, Completeness: 1.0)));

        Assert.Equal("quick_look", Decide(snapshot, Request("diagnostics", "fast")).Candidates[0].Pattern);
        Assert.Equal("deep_check", Decide(snapshot, Request("diagnostics", "accurate")).Candidates[0].Pattern);
        Assert.Equal("deep_check", Decide(snapshot, Request("diagnostics", "thorough")).Candidates[0].Pattern);
    }

    [Fact]
    public void Explicit_weights_are_used_as_given()
    {
        var snapshot = SnapshotOf(Tool("golden", "service_management", new TestPattern("run", "1000", "2", 0.3, 0.9, 0.6)));
        var request = new SelectRequest { Capabilities = ["service_management"], Weights = new FeatureWeights(0, 1, 0, 0, 0) };

        var response = Decide(snapshot, request);

        Assert.Equal(("custom", "weights", 1.0), (response.Mode.Name, response.Mode.Source, response.Mode.Confidence));
        Assert.Equal(0.8, Assert.Single(response.Candidates).Score, 9);
    }

    [Fact]
    public void Missing_complexity_and_preferences_count_as_half_and_say_so()
    {
        var snapshot = SnapshotOf(Tool("sparse", "inventory", new TestPattern("scan", "1000", Accuracy: null, Completeness: null)));

        var features = Assert.Single(Decide(snapshot, Request("inventory")).Candidates).Features;

        Assert.False(features[2].Defaulted);
        Assert.All(features.Skip(3), f => Assert.Equal((0.5, true), (f.Raw, f.Defaulted)));
        Assert.Equal("preference_match.accuracy missing: counted as 0.5", features[3].Note);
    }

    [Fact]
    public void Equal_scores_rank_by_tool_then_capability_then_pattern_and_top_k_cuts()
    {
        var same = new TestPattern("b_pattern", "1000");
        var snapshot = SnapshotOf(
            Tool("zeta", "backup", same),
            Tool("alpha", "backup", same with { Name = "b_pattern" }, same with { Name = "a_pattern" }));

        var response = Decide(snapshot, new SelectRequest { Capabilities = ["backup"], Mode = "fast", TopK = 2 });

        Assert.Equal(["alpha/a_pattern", "alpha/b_pattern"], response.Candidates.Select(c => $"{c.Tool}/{c.Pattern}"));
        Assert.Equal([1, 2], response.Candidates.Select(c => c.Rank));
    }

    [Fact]
    public void Only_enabled_active_tools_are_candidates_and_each_is_explained()
    {
        var pattern = new TestPattern("run", "1000");
        var snapshot = SnapshotOf([
            (Tool("live", "jobs", pattern), "active", true),
            (Tool("off", "jobs", pattern), "active", false),
            (Tool("old", "jobs", pattern), "deprecated", true),
        ], 3);

        var response = Decide(snapshot, Request("jobs"));

        var candidate = Assert.Single(response.Candidates);
        Assert.Equal("live", candidate.Tool);
        Assert.Equal("live__jobs__run", candidate.FunctionName);
        Assert.StartsWith("#1 live jobs/run: score ", candidate.Justification, StringComparison.Ordinal);
        Assert.Equal(3, response.Revision);
    }
}
