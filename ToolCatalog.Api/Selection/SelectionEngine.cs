using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Api.Selection;

/// <summary>
/// The decision over one snapshot: candidates for the requested capabilities, each evaluated and scored, ranked
/// totally and stably (score, then tool, capability, pattern), near-ties flagged with a clarifying question.
/// Pure: the same snapshot and query always give the same response.
/// </summary>
public static class SelectionEngine
{
    /// <summary>Top two scores closer than this (compared in decimal on the 9-decimal scores) are ambiguous.</summary>
    public const decimal AmbiguityGap = 0.08m;

    public static SelectResponse Decide(CatalogSnapshot snapshot, SelectionQuery query, CapabilityVocabulary vocabulary)
    {
        var index = SelectionIndex.Of(snapshot, vocabulary);
        var matches = new List<CapabilityMatch>(query.Capabilities.Count);
        var scored = new List<(EvaluatedCandidate Candidate, FeatureScore[] Features, double Score)>();
        var excluded = new List<ExcludedCandidate>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var requested in query.Capabilities)
        {
            // Both sides normalised: an alias finds the files using the canonical name, a canonical name finds files still
            // using an alias, and case or '-' versus '_' never matter. alias_applied is the alias the request named.
            var key = vocabulary.MatchKey(requested);
            var patterns = index.ByCapability.GetValueOrDefault(key) ?? [];
            var alias = key != CapabilityVocabulary.Key(requested) ? requested : null;
            matches.Add(new CapabilityMatch(requested, patterns.Length > 0 ? key : null, alias, patterns.Length));
            if (!seen.Add(key))
            {
                continue; // two names for one capability (an alias and its canonical name): its patterns are candidates once
            }
            foreach (var pattern in patterns)
            {
                var candidate = CandidateEvaluator.Evaluate(pattern, query, explain: false);
                if (candidate.Excluded)
                {
                    candidate = CandidateEvaluator.Evaluate(pattern, query, explain: true);
                    excluded.Add(new ExcludedCandidate(pattern.Tool, pattern.Version, pattern.Capability, pattern.Pattern, pattern.FunctionName,
                        candidate.ExclusionReasons));
                    continue;
                }
                var (features, score) = FeatureScoring.Score(candidate, query.Mode.Weights);
                scored.Add((candidate, features, score));
            }
        }
        scored.Sort(static (a, b) => Compare(a.Score, a.Candidate.Pattern, b.Score, b.Candidate.Pattern));
        excluded.Sort(static (a, b) => CompareNames(a.Tool, a.Capability, a.Pattern, b.Tool, b.Capability, b.Pattern));
        // What the response shows (the returned candidates, and the first two for the ambiguity question) is explained.
        for (var i = 0; i < scored.Count && i < Math.Max(query.TopK, 2); i++)
        {
            scored[i] = scored[i] with { Candidate = CandidateEvaluator.Evaluate(scored[i].Candidate.Pattern, query, explain: true) };
        }

        var candidates = new List<SelectedCandidate>(Math.Min(query.TopK, scored.Count));
        for (var i = 0; i < scored.Count && i < query.TopK; i++)
        {
            var (c, features, score) = scored[i];
            candidates.Add(new SelectedCandidate(i + 1, c.Pattern.Tool, c.Pattern.Version, c.Pattern.Capability, c.Pattern.Pattern,
                c.Pattern.FunctionName, score, features, new Estimates(c.TimeMs, c.Cost), c.Variables, c.ExecutionMode, c.SlaClass,
                c.Pattern.RequiresApproval, c.Policy, SelectionText.Justification(i + 1, c, features, score, query.Mode)));
        }

        var ambiguity = scored.Count >= 2 && IsAmbiguous(scored[0].Score, scored[1].Score)
            ? SelectionText.Ambiguity(scored[0].Candidate, scored[0].Features, scored[0].Score, scored[1].Candidate, scored[1].Features, scored[1].Score)
            : null;
        return new SelectResponse(snapshot.Revision, query.Mode, matches, candidates, excluded, ambiguity is not null,
            ambiguity?.Question, ambiguity?.Feature, ambiguity?.Options, CapabilityHints.For(index, query, matches));
    }

    /// <summary>
    /// Both scores are already rounded to 9 decimals; their difference is taken in decimal, where 0.85 − 0.77 is exactly
    /// 0.08 (not ambiguous) and 0.85 − 0.7701 is 0.0799 (ambiguous), never a binary 0.07999999999999996.
    /// </summary>
    public static bool IsAmbiguous(double first, double second) =>
        Math.Round((decimal)first, FeatureScoring.Decimals) - Math.Round((decimal)second, FeatureScoring.Decimals) < AmbiguityGap;

    private static int Compare(double scoreA, SelectablePattern a, double scoreB, SelectablePattern b)
    {
        var byScore = scoreB.CompareTo(scoreA);
        return byScore != 0 ? byScore : CompareNames(a.Tool, a.Capability, a.Pattern, b.Tool, b.Capability, b.Pattern);
    }

    private static int CompareNames(string toolA, string capabilityA, string patternA, string toolB, string capabilityB, string patternB)
    {
        var c = string.CompareOrdinal(toolA, toolB);
        if (c == 0)
        {
            c = string.CompareOrdinal(capabilityA, capabilityB);
        }
        return c != 0 ? c : string.CompareOrdinal(patternA, patternB);
    }
}
