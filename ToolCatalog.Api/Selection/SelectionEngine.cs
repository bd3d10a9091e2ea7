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
        var ranked = new List<RankedPattern>();
        var excluded = new List<ExcludedCandidate>();
        var variables = new ResolvedVariables();
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
            Measure(patterns, query, variables, ranked, excluded);
        }
        ranked.Sort(static (a, b) => Compare(a.Score, a.Pattern, b.Score, b.Pattern));
        excluded.Sort(static (a, b) => CompareNames(a.Tool, a.Capability, a.Pattern, b.Tool, b.Capability, b.Pattern));
        var shown = Explain(ranked, query, variables);

        var candidates = new List<SelectedCandidate>(Math.Min(query.TopK, shown.Length));
        for (var i = 0; i < shown.Length && i < query.TopK; i++)
        {
            var (c, features, score) = shown[i];
            candidates.Add(new SelectedCandidate(i + 1, c.Pattern.Tool, c.Pattern.Version, c.Pattern.Capability, c.Pattern.Pattern,
                c.Pattern.FunctionName, score, features, new Estimates(c.TimeMs, c.Cost), c.Variables, c.ExecutionMode, c.SlaClass,
                c.Pattern.RequiresApproval, c.Policy, SelectionText.Justification(i + 1, c, features, score, query.Mode)));
        }

        var ambiguity = shown.Length >= 2 && IsAmbiguous(shown[0].Score, shown[1].Score)
            ? SelectionText.Ambiguity(shown[0].Candidate, shown[0].Features, shown[0].Score, shown[1].Candidate, shown[1].Features, shown[1].Score)
            : null;
        return new SelectResponse(snapshot.Revision, query.Mode, matches, candidates, excluded, ambiguity is not null,
            ambiguity?.Question, ambiguity?.Feature, ambiguity?.Options, CapabilityHints.For(index, query, matches));
    }

    /// <summary>A candidate that is not excluded, as ranking sees it: the pattern and its score, nothing to show yet.</summary>
    private readonly record struct RankedPattern(SelectablePattern Pattern, double Score);

    /// <summary>
    /// Scores every pattern on numbers alone; an excluded one is explained at once (the response lists it with its
    /// reasons), each pattern evaluated once.
    /// </summary>
    private static void Measure(SelectablePattern[] patterns, SelectionQuery query, ResolvedVariables variables,
        List<RankedPattern> ranked, List<ExcludedCandidate> excluded)
    {
        ranked.EnsureCapacity(ranked.Count + patterns.Length);
        foreach (var pattern in patterns)
        {
            if (CandidateEvaluator.TryMeasure(pattern, query, variables, out var time, out var cost))
            {
                ranked.Add(new RankedPattern(pattern, FeatureScoring.ScoreOf(pattern, time, cost, query.Mode.Weights)));
                continue;
            }
            var candidate = CandidateEvaluator.Explain(pattern, query, variables);
            excluded.Add(new ExcludedCandidate(pattern.Tool, pattern.Version, pattern.Capability, pattern.Pattern, pattern.FunctionName,
                candidate.ExclusionReasons));
        }
    }

    /// <summary>What the response shows of the ranking, explained: the returned candidates, and the first two for the ambiguity question.</summary>
    private static (EvaluatedCandidate Candidate, FeatureScore[] Features, double Score)[] Explain(List<RankedPattern> ranked,
        SelectionQuery query, ResolvedVariables variables)
    {
        var shown = new (EvaluatedCandidate, FeatureScore[], double)[Math.Min(ranked.Count, Math.Max(query.TopK, 2))];
        for (var i = 0; i < shown.Length; i++)
        {
            var candidate = CandidateEvaluator.Explain(ranked[i].Pattern, query, variables);
            var (features, score) = FeatureScoring.Score(candidate, query.Mode.Weights);
            shown[i] = (candidate, features, score);
        }
        return shown;
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
