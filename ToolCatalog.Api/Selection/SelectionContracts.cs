using System.Text.Json.Serialization;

namespace ToolCatalog.Api.Selection;

/// <summary>What a consumer needs: capabilities (or a query), what it cares about, the values for the estimates.</summary>
public sealed record SelectRequest
{
    /// <summary>Capability names; optional when <see cref="Query"/> is given.</summary>
    public List<string>? Capabilities { get; init; }

    /// <summary>Free text; its words choose the preference mode when neither mode nor weights are given.</summary>
    public string? Query { get; init; }

    /// <summary>fast | accurate | thorough | cheap | simple | balanced.</summary>
    public string? Mode { get; init; }

    /// <summary>Explicit weights instead of a mode; they must sum to 1 (± 0.01).</summary>
    public FeatureWeights? Weights { get; init; }

    /// <summary>Values for the patterns' expressions (N, pages, size_mb, any declared numeric input).</summary>
    public Dictionary<string, double>? Variables { get; init; }

    /// <summary>One of the configured environments (default: the first, production).</summary>
    public string? Environment { get; init; }

    /// <summary>Only tools of this platform qualify (multi-platform tools always do).</summary>
    public string? Platform { get; init; }

    public SelectConstraints? Constraints { get; init; }

    /// <summary>How many ranked candidates to return, 1 to 50 (default 5).</summary>
    [JsonPropertyName("top_k")]
    public int? TopK { get; init; }
}

public sealed record FeatureWeights(double Time, double Cost, double Complexity, double Accuracy, double Completeness)
{
    public double this[Feature feature] => feature switch
    {
        Feature.Time => Time,
        Feature.Cost => Cost,
        Feature.Complexity => Complexity,
        Feature.Accuracy => Accuracy,
        _ => Completeness,
    };
}

public sealed record SelectConstraints
{
    [JsonPropertyName("max_cost")]
    public double? MaxCost { get; init; }

    [JsonPropertyName("max_time_ms")]
    public double? MaxTimeMs { get; init; }

    [JsonPropertyName("require_production_safe")]
    public bool? RequireProductionSafe { get; init; }
}

/// <summary>The five dimensions a candidate is scored on, in the order they are reported.</summary>
public enum Feature
{
    Time,
    Cost,
    Complexity,
    Accuracy,
    Completeness,
}

/// <summary>The decision: ranked candidates, what was excluded and why, the mode, ambiguity, and the revision.</summary>
public sealed record SelectResponse(
    long Revision,
    ModeDecision Mode,
    IReadOnlyList<CapabilityMatch> Capabilities,
    IReadOnlyList<SelectedCandidate> Candidates,
    IReadOnlyList<ExcludedCandidate> Excluded,
    bool Ambiguous,
    [property: JsonPropertyName("clarifying_question")] string? ClarifyingQuestion,
    [property: JsonPropertyName("differing_feature")] string? DifferingFeature,
    IReadOnlyList<AmbiguousOption>? Options,
    CapabilityHint? Hint)
{
    /// <summary>Set when the request named no capability: which ones its query found, from which search hits, by what search.</summary>
    [JsonPropertyName("capabilities_from_query")]
    public CapabilitiesFromQuery? FromQuery { get; init; }
}

/// <summary>How the weights were chosen: <c>source</c> is explicit, weights, query or default.</summary>
public sealed record ModeDecision(string Name, string Source, double Confidence, IReadOnlyList<string> Keywords, FeatureWeights Weights);

/// <summary>A requested capability name and the canonical capability it matched (null when nothing offers it).</summary>
public sealed record CapabilityMatch(string Requested, string? Capability, [property: JsonPropertyName("alias_applied")] string? AliasApplied,
    [property: JsonPropertyName("candidate_patterns")] int CandidatePatterns);

public sealed record SelectedCandidate(
    int Rank,
    string Tool,
    string Version,
    string Capability,
    string Pattern,
    [property: JsonPropertyName("function_name")] string FunctionName,
    double Score,
    IReadOnlyList<FeatureScore> Features,
    Estimates Estimates,
    IReadOnlyList<VariableValue> Variables,
    [property: JsonPropertyName("execution_mode")] string ExecutionMode,
    [property: JsonPropertyName("sla_class")] string SlaClass,
    [property: JsonPropertyName("requires_approval")] bool RequiresApproval,
    IReadOnlyList<PolicyCheck> Policy,
    string Justification);

/// <summary>One dimension of a candidate: the raw value, its normalised value, the weight and their product.</summary>
public sealed record FeatureScore(string Name, double Raw, double Normalised, double Weight, double Contribution,
    [property: JsonPropertyName("defaulted")] bool Defaulted, string? Note);

public sealed record Estimates([property: JsonPropertyName("time_ms")] double TimeMs, double Cost);

/// <summary>A variable as the candidate's expressions saw it; source is request, input_default or standard_default.</summary>
public sealed record VariableValue(string Name, double Value, string Source);

/// <summary>A policy rule as applied to a candidate: its outcome (pass, exclude, approval, background, note) and why.</summary>
public sealed record PolicyCheck(string Rule, string Outcome, string Reason);

public sealed record ExcludedCandidate(string Tool, string Version, string Capability, string Pattern,
    [property: JsonPropertyName("function_name")] string FunctionName, IReadOnlyList<string> Reasons);

/// <summary>One of the two near-tied candidates, with the raw features a consumer's tie-breaker can use.</summary>
public sealed record AmbiguousOption(string Tool, string Capability, string Pattern, double Score,
    [property: JsonPropertyName("time_ms")] double TimeMs, double Cost, double Complexity, double Accuracy, double Completeness);

/// <summary>When no requested capability is known: capability names close to what was asked (trigram similarity).</summary>
public sealed record CapabilityHint(string Message, IReadOnlyList<string> Suggestions);
