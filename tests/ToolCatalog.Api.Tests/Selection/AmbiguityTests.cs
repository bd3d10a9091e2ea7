using System.Text.Json;
using ToolCatalog.Api.Selection;
using static ToolCatalog.Api.Tests.Selection.SelectionFixtures;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>Near-ties, the 0.08 boundary compared exactly, the clarifying question, hints, determinism.</summary>
public sealed class AmbiguityTests
{
    [Theory]
    [InlineData(0.85, 0.77, false)]
    [InlineData(0.85, 0.7701, true)]
    [InlineData(0.5, 0.42, false)]
    [InlineData(0.5, 0.420000001, true)]
    [InlineData(0.3, 0.3, true)]
    public void The_gap_is_compared_in_decimal_at_nine_decimals(double first, double second, bool ambiguous)
    {
        // In binary 0.85 - 0.77 is 0.07999999999999996: a plain double comparison would call this a near-tie.
        Assert.Equal(ambiguous, SelectionEngine.IsAmbiguous(first, second));
    }

    [Fact]
    public void A_near_tie_asks_about_the_feature_where_the_two_differ_most_and_gives_both_options()
    {
        // balanced: fast = 0.2·(1 + 0.99 + 0.7 + 0.5 + 0.8), careful = 0.2·(0.351 + 0.99 + 0.7 + 1.0 + 0.8): gap ≈ 0.03.
        var snapshot = SnapshotOf(Tool("check", "verification",
            new TestPattern("fast_check", "50", Accuracy: 0.5),
            new TestPattern("careful_check", "5000", Accuracy: 1.0)));

        var response = Decide(snapshot, Request("verification"));

        Assert.True(response.Ambiguous);
        Assert.Equal("time", response.DifferingFeature);
        Assert.Equal("Does speed matter most? check fast_check is about 50 ms, check careful_check is about 5000 ms.", response.ClarifyingQuestion);
        Assert.Equal([("fast_check", 50.0, 0.5), ("careful_check", 5000.0, 1.0)], response.Options!.Select(o => (o.Pattern, o.TimeMs, o.Accuracy)));
    }

    [Fact]
    public void When_nothing_differs_by_005_the_question_is_generic()
    {
        var snapshot = SnapshotOf(Tool("twin", "verification", new TestPattern("one", "1000"), new TestPattern("two", "1010")));

        var response = Decide(snapshot, Request("verification"));

        Assert.True(response.Ambiguous);
        Assert.Null(response.DifferingFeature);
        Assert.Equal("twin one and twin two fit almost equally well: do you prefer speed or accuracy?", response.ClarifyingQuestion);
    }

    [Fact]
    public void A_clear_winner_is_not_ambiguous()
    {
        var snapshot = SnapshotOf(Tool("clear", "verification", new TestPattern("good", "50", Accuracy: 1, Completeness: 1),
            new TestPattern("poor", "60000", "10", 1, 0, 0)));

        var response = Decide(snapshot, Request("verification"));

        Assert.False(response.Ambiguous);
        Assert.Null(response.ClarifyingQuestion);
        Assert.Null(response.Options);
    }

    [Fact]
    public void An_unknown_capability_gives_close_names_instead_of_candidates()
    {
        var snapshot = SnapshotOf(Tool("svc", "service_management", new TestPattern("run", "100")),
            Tool("bk", "logical_backup", new TestPattern("dump", "100")));

        var response = Decide(snapshot, Request("service_managment"));

        Assert.Empty(response.Candidates);
        Assert.Equal([new CapabilityMatch("service_managment", null, null, 0)], response.Capabilities);
        Assert.Equal(["service_management"], response.Hint!.Suggestions);
    }

    [Fact]
    public void The_same_request_over_the_same_catalog_serialises_to_the_same_bytes()
    {
        TestPattern[] patterns = [new("a", "100 + 2 * N", "0.01 * N") { BackgroundIf = "N > 3" }, new("b", "900", Accuracy: 0.7), new("c", "4000", Completeness: 1)];
        byte[] Once()
        {
            var snapshot = SnapshotOf(Tool("x", "jobs", patterns), Tool("y", "jobs", patterns));
            var request = new SelectRequest { Capabilities = ["jobs"], Query = "do it quickly", Variables = new() { ["N"] = 7 } };
            return JsonSerializer.SerializeToUtf8Bytes(Decide(snapshot, request), ApiJson.Options);
        }

        Assert.Equal(Once(), Once());
    }
}
