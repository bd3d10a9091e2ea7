using ToolCatalog.Api.Selection;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>
/// The decision computed the plain way, as the engine did before it scored on numbers alone: every candidate fully
/// explained, its score summed from its five reported features, all of them ranked, the response built from the
/// first ones. Slow and simple on purpose; the engine's response must equal it byte for byte.
/// </summary>
internal static class ReferenceSelection
{
    public static SelectResponse Decide(CatalogSnapshot snapshot, SelectionQuery query, CapabilityVocabulary vocabulary)
    {
        var index = SelectionIndex.Of(snapshot, vocabulary);
        var matches = new List<CapabilityMatch>();
        var scored = new List<(EvaluatedCandidate Candidate, FeatureScore[] Features, double Score)>();
        var excluded = new List<ExcludedCandidate>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var requested in query.Capabilities)
        {
            var key = vocabulary.MatchKey(requested);
            var patterns = index.ByCapability.GetValueOrDefault(key) ?? [];
            matches.Add(new CapabilityMatch(requested, patterns.Length > 0 ? key : null,
                key != CapabilityVocabulary.Key(requested) ? requested : null, patterns.Length));
            if (!seen.Add(key))
            {
                continue;
            }
            foreach (var pattern in patterns)
            {
                var candidate = CandidateEvaluator.Explain(pattern, query, new ResolvedVariables());
                if (candidate.Excluded)
                {
                    excluded.Add(new ExcludedCandidate(pattern.Tool, pattern.Version, pattern.Capability, pattern.Pattern,
                        pattern.FunctionName, candidate.ExclusionReasons));
                    continue;
                }
                var (features, _) = FeatureScoring.Score(candidate, query.Mode.Weights);
                scored.Add((candidate, features, SumOf(features, query.Mode.Weights)));
            }
        }
        scored.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : NameOrder(a.Candidate.Pattern, b.Candidate.Pattern));
        excluded.Sort((a, b) => string.CompareOrdinal($"{a.Tool}\0{a.Capability}\0{a.Pattern}", $"{b.Tool}\0{b.Capability}\0{b.Pattern}"));
        var candidates = scored.Take(query.TopK).Select((s, i) => new SelectedCandidate(i + 1, s.Candidate.Pattern.Tool,
            s.Candidate.Pattern.Version, s.Candidate.Pattern.Capability, s.Candidate.Pattern.Pattern, s.Candidate.Pattern.FunctionName,
            s.Score, s.Features, new Estimates(s.Candidate.TimeMs, s.Candidate.Cost), s.Candidate.Variables, s.Candidate.ExecutionMode,
            s.Candidate.SlaClass, s.Candidate.Pattern.RequiresApproval, s.Candidate.Policy,
            SelectionText.Justification(i + 1, s.Candidate, s.Features, s.Score, query.Mode))).ToList();
        var ambiguity = scored.Count >= 2 && SelectionEngine.IsAmbiguous(scored[0].Score, scored[1].Score)
            ? SelectionText.Ambiguity(scored[0].Candidate, scored[0].Features, scored[0].Score, scored[1].Candidate, scored[1].Features, scored[1].Score)
            : null;
        return new SelectResponse(snapshot.Revision, query.Mode, matches, candidates, excluded, ambiguity is not null,
            ambiguity?.Question, ambiguity?.Feature, ambiguity?.Options, CapabilityHints.For(index, query, matches));
    }

    /// <summary>The published score: the weighted sum of the reported (rounded) normalised features, rounded.</summary>
    private static double SumOf(FeatureScore[] features, FeatureWeights weights)
    {
        var sum = 0.0;
        foreach (var feature in Enum.GetValues<Feature>())
        {
            sum += weights[feature] * features[(int)feature].Normalised;
        }
        return FeatureScoring.Round(sum);
    }

    private static int NameOrder(SelectablePattern a, SelectablePattern b) =>
        string.CompareOrdinal($"{a.Tool}\0{a.Capability}\0{a.Pattern}", $"{b.Tool}\0{b.Capability}\0{b.Pattern}");
}
