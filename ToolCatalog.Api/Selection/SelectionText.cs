using static ToolCatalog.Api.Selection.CandidateEvaluator;

namespace ToolCatalog.Api.Selection;

/// <summary>The near-tie of the top two: the question to ask, the feature it is about, both options.</summary>
public sealed record AmbiguityNote(string Question, string? Feature, IReadOnlyList<AmbiguousOption> Options);

/// <summary>The human-readable parts of a decision: one justification line per candidate and the clarifying question.</summary>
public static class SelectionText
{
    /// <summary>Below this difference in every normalised feature the two options do not differ in anything worth asking about.</summary>
    public const double MinFeatureDifference = 0.05;

    // Read once: Enum.GetValues builds a new array by reflection on every call, and the question is on the request path.
    private static readonly Feature[] Features = Enum.GetValues<Feature>();

    public static string Justification(int rank, EvaluatedCandidate candidate, FeatureScore[] features, double score, ModeDecision mode)
    {
        // Largest contribution (the first name on a tie) and smallest (the last name on a tie): the two ends of the
        // features ordered by contribution, then name, without sorting a copy per candidate.
        var (best, worst) = (features[0], features[0]);
        foreach (var feature in features)
        {
            var byName = string.CompareOrdinal(feature.Name, best.Name);
            best = feature.Contribution > best.Contribution || (feature.Contribution == best.Contribution && byName < 0) ? feature : best;
            byName = string.CompareOrdinal(feature.Name, worst.Name);
            worst = feature.Contribution < worst.Contribution || (feature.Contribution == worst.Contribution && byName > 0) ? feature : worst;
        }
        var pattern = candidate.Pattern;
        var execution = candidate.ExecutionMode switch
        {
            "approval_required" => "needs approval before it runs",
            "background" => "runs in the background",
            _ => "runs immediately",
        };
        return $"#{rank} {pattern.Tool} {pattern.Capability}/{pattern.Pattern}: score {F(score)} in {mode.Name} mode, "
            + $"strongest on {best.Name} ({F(best.Normalised)} × {F(best.Weight)}), weakest on {worst.Name} ({F(worst.Normalised)} × {F(worst.Weight)}); "
            + $"about {F(candidate.TimeMs)} ms and cost {F(candidate.Cost)}, {execution} ({candidate.SlaClass}).";
    }

    public static AmbiguityNote Ambiguity(EvaluatedCandidate first, FeatureScore[] firstFeatures, double firstScore,
        EvaluatedCandidate second, FeatureScore[] secondFeatures, double secondScore)
    {
        var most = Feature.Time;
        var largest = -1.0;
        foreach (var feature in Features)
        {
            var difference = Math.Abs(firstFeatures[(int)feature].Normalised - secondFeatures[(int)feature].Normalised);
            if (difference > largest)
            {
                (most, largest) = (feature, difference);
            }
        }
        string A(EvaluatedCandidate c) => $"{c.Pattern.Tool} {c.Pattern.Pattern}";
        string Raw(EvaluatedCandidate c, FeatureScore[] f) => most switch
        {
            Feature.Time => $"about {F(c.TimeMs)} ms",
            Feature.Cost => $"cost {F(c.Cost)}",
            _ => $"{FeatureScoring.Name(most)} {F(f[(int)most].Raw)}",
        };
        var question = largest < MinFeatureDifference
            ? $"{A(first)} and {A(second)} fit almost equally well: do you prefer speed or accuracy?"
            : most switch
            {
                Feature.Time => "Does speed matter most?",
                Feature.Cost => "Does cost matter most?",
                Feature.Complexity => "Do you prefer the simpler way?",
                Feature.Accuracy => "Does accuracy matter most?",
                _ => "Do you need the most complete result?",
            } + $" {A(first)} is {Raw(first, firstFeatures)}, {A(second)} is {Raw(second, secondFeatures)}.";
        return new AmbiguityNote(question, largest < MinFeatureDifference ? null : FeatureScoring.Name(most),
            [Option(first, firstFeatures, firstScore), Option(second, secondFeatures, secondScore)]);
    }

    private static AmbiguousOption Option(EvaluatedCandidate c, FeatureScore[] f, double score) =>
        new(c.Pattern.Tool, c.Pattern.Capability, c.Pattern.Pattern, score, c.TimeMs, c.Cost,
            f[(int)Feature.Complexity].Raw, f[(int)Feature.Accuracy].Raw, f[(int)Feature.Completeness].Raw);
}
