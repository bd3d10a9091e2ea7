namespace ToolCatalog.Api.Selection;

/// <summary>
/// The published normalisation, every feature to [0, 1] with higher better, and the weighted score. Scores are rounded
/// to 9 decimals: ranking and the ambiguity gap then compare values that are free of binary noise, and the response
/// carries exactly the numbers that were compared.
/// </summary>
public static class FeatureScoring
{
    public const double MinTimeMs = 50;
    public const double MaxTimeMs = 60_000;
    public const double MaxCost = 10;

    /// <summary>Used for a missing complexity_score or preference value, as the published stage does.</summary>
    public const double MissingValue = 0.5;

    public const int Decimals = 9;

    private static readonly double TimeSpanLog = Math.Log(MaxTimeMs / MinTimeMs);

    /// <summary>1 − ln(t/50)/ln(60000/50), t clamped to 50 ms … 60 s: 1000 ms → 0.578, 5000 ms → 0.351.</summary>
    public static double Time(double milliseconds) => 1 - Math.Log(Math.Clamp(milliseconds, MinTimeMs, MaxTimeMs) / MinTimeMs) / TimeSpanLog;

    /// <summary>1 − c/10, c clamped to 0 … 10.</summary>
    public static double Cost(double cost) => 1 - Math.Clamp(cost, 0, MaxCost) / MaxCost;

    public static double Complexity(double complexity) => 1 - Math.Clamp(complexity, 0, 1);

    public static double Unit(double value) => Math.Clamp(value, 0, 1);

    public static double Round(double value) => Math.Round(value, Decimals, MidpointRounding.ToEven);

    /// <summary>The five features of a candidate, weighted, in <see cref="Feature"/> order; and the rounded score.</summary>
    public static (FeatureScore[] Features, double Score) Score(EvaluatedCandidate candidate, FeatureWeights weights)
    {
        var pattern = candidate.Pattern;
        var features = new[]
        {
            Make(Feature.Time, candidate.TimeMs, Time(candidate.TimeMs), weights, null),
            Make(Feature.Cost, candidate.Cost, Cost(candidate.Cost), weights, null),
            Make(Feature.Complexity, pattern.Complexity ?? MissingValue, Complexity(pattern.Complexity ?? MissingValue), weights,
                pattern.Complexity is null ? "complexity_score missing: counted as 0.5" : null),
            Make(Feature.Accuracy, pattern.Accuracy ?? MissingValue, Unit(pattern.Accuracy ?? MissingValue), weights,
                pattern.Accuracy is null ? "preference_match.accuracy missing: counted as 0.5" : null),
            Make(Feature.Completeness, pattern.Completeness ?? MissingValue, Unit(pattern.Completeness ?? MissingValue), weights,
                pattern.Completeness is null ? "preference_match.completeness missing: counted as 0.5" : null),
        };
        return (features, ScoreOf(pattern, candidate.TimeMs, candidate.Cost, weights));
    }

    /// <summary>
    /// The rounded weighted sum of the rounded normalised features (the values the response shows), from the numbers
    /// only: what ranking compares. <see cref="Score"/> takes its score
    /// from here too, so a ranked candidate and its explanation never disagree by a bit.
    /// </summary>
    public static double ScoreOf(SelectablePattern pattern, double timeMs, double cost, FeatureWeights weights) =>
        Round(weights.Time * Round(Time(timeMs))
            + weights.Cost * Round(Cost(cost))
            + weights.Complexity * Round(Complexity(pattern.Complexity ?? MissingValue))
            + weights.Accuracy * Round(Unit(pattern.Accuracy ?? MissingValue))
            + weights.Completeness * Round(Unit(pattern.Completeness ?? MissingValue)));

    private static FeatureScore Make(Feature feature, double raw, double normalised, FeatureWeights weights, string? note) =>
        new(Name(feature), raw, Round(normalised), weights[feature], Round(weights[feature] * normalised), note is not null, note);

    public static string Name(Feature feature) => feature switch
    {
        Feature.Time => "time",
        Feature.Cost => "cost",
        Feature.Complexity => "complexity",
        Feature.Accuracy => "accuracy",
        _ => "completeness",
    };
}
