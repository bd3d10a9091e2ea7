using ToolCatalog.Api.Selection;
using static ToolCatalog.Api.Tests.Selection.SelectionFixtures;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>Request checks (each with its field path) and how the preference mode is chosen.</summary>
public sealed class RequestTests
{
    private static IReadOnlyList<FieldError> Errors(SelectRequest request) => Reader().Read(request).Errors;

    public static TheoryData<SelectRequest, string, string> Invalid => new()
    {
        { new SelectRequest { Capabilities = ["x"], Mode = "speedy" }, "mode", "must be one of: fast, accurate, thorough, cheap, simple, balanced" },
        { new SelectRequest { Capabilities = ["x"], Weights = new FeatureWeights(0.5, 0.5, 0.2, 0, 0) }, "weights", "must sum to 1 (± 0.01); they sum to 1.2" },
        { new SelectRequest { Capabilities = ["x"], Weights = new FeatureWeights(0.2, 0.2, 0.2, 0.2, 0.185) }, "weights", "must sum to 1 (± 0.01); they sum to 0.985" },
        { new SelectRequest { Capabilities = ["x"], Weights = new FeatureWeights(-0.2, 0.6, 0.6, 0, 0) }, "weights.time", "must be from 0 to 1" },
        { new SelectRequest { Capabilities = ["x"], Mode = "fast", Weights = new FeatureWeights(1, 0, 0, 0, 0) }, "weights", "give either mode or weights, not both" },
        { new SelectRequest { Capabilities = ["x"], TopK = 0 }, "top_k", "must be from 1 to 50" },
        { new SelectRequest { Capabilities = ["x"], TopK = 51 }, "top_k", "must be from 1 to 50" },
        { new SelectRequest { Capabilities = ["x"], Environment = "moon" }, "environment", "must be one of: production, staging, development" },
        { new SelectRequest { Capabilities = ["x", " "] }, "capabilities[1]", "must be a capability name of 1 to 200 characters" },
        { new SelectRequest(), "capabilities", "name at least one capability, or give a query" },
        { new SelectRequest { Capabilities = ["x"], Constraints = new SelectConstraints { MaxTimeMs = 0 } }, "constraints.max_time_ms", "must be more than 0" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_bad_field_is_reported_at_its_path(SelectRequest request, string path, string message) =>
        Assert.Equal([new FieldError(path, message)], Errors(request));

    [Theory]
    [InlineData(0.205)]
    [InlineData(0.195)]
    public void Weights_within_a_hundredth_of_one_are_accepted(double last) =>
        Assert.Empty(Errors(new SelectRequest { Capabilities = ["x"], Weights = new FeatureWeights(0.2, 0.2, 0.2, 0.2, last) }));

    [Theory]
    [InlineData("restart nginx quickly on web-01", "fast", "query", 0.8)]
    [InlineData("Quick, PRECISE and exact", "accurate", "query", 0.9)]
    [InlineData("quick but precise", "fast", "query", 0.8)]
    [InlineData("a full, complete and exhaustive check of every host", "thorough", "query", 1.0)]
    [InlineData("a low-cost way", "cheap", "query", 0.8)]
    [InlineData("the basic way", "simple", "query", 0.8)]
    [InlineData("restart nginx", "balanced", "default", 0.5)]
    [InlineData("quickest", "balanced", "default", 0.5)]
    public void The_query_chooses_the_mode_by_whole_word_counts_with_ties_in_order(string query, string mode, string source, double confidence)
    {
        var decided = Reader().Read(new SelectRequest { Capabilities = ["x"], Query = query }).Query!.Mode;

        Assert.Equal((mode, source, confidence), (decided.Name, decided.Source, decided.Confidence));
        Assert.Equal(PreferenceModes.WeightsOf(mode), decided.Weights);
    }

    [Fact]
    public void An_explicit_mode_wins_over_the_query_with_full_confidence()
    {
        var decided = Reader().Read(new SelectRequest { Capabilities = ["x"], Query = "quickly", Mode = "Cheap" }).Query!.Mode;

        Assert.Equal(("cheap", "explicit", 1.0), (decided.Name, decided.Source, decided.Confidence));
    }

    [Fact]
    public void Keyword_lists_and_environments_are_configuration()
    {
        var reader = Reader(new SelectionOptions
        {
            ModeKeywords = new() { ["cheap"] = ["thrifty"] },
            Environments = ["prod", "lab"],
        });

        var query = reader.Read(new SelectRequest { Capabilities = ["x"], Query = "a thrifty cheap way" }).Query!;

        Assert.Equal(("cheap", 0.8), (query.Mode.Name, query.Mode.Confidence)); // "cheap" is no longer a keyword
        Assert.Equal("prod", query.Environment);
        Assert.Equal([new FieldError("environment", "must be one of: prod, lab")],
            reader.Read(new SelectRequest { Capabilities = ["x"], Environment = "production" }).Errors);
    }
}
