using Microsoft.Extensions.Options;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Selection;

/// <summary>A checked select request: every value in range, the mode decided, the defaults filled in.</summary>
public sealed record SelectionQuery(
    IReadOnlyList<string> Capabilities,
    string? Query,
    ModeDecision Mode,
    IReadOnlyDictionary<string, double> Variables,
    string Environment,
    string? Platform,
    double? MaxCost,
    double? MaxTimeMs,
    bool RequireProductionSafe,
    int TopK)
{
    public const int DefaultTopK = 5;
    public const int MaxTopK = 50;
    public const double WeightTolerance = 0.01;
}

/// <summary>A field of the request that is not acceptable, with its path (<c>weights.time</c>, <c>capabilities[2]</c>).</summary>
public sealed record FieldError(string Path, string Message);

/// <summary>Turns a <see cref="SelectRequest"/> into a <see cref="SelectionQuery"/>, or the field errors that prevent it.</summary>
public sealed class SelectionRequestReader(IOptions<SelectionOptions> options)
{
    private const int MaxCapabilities = 20;
    private const int MaxNameLength = 200;
    private const int MaxQueryLength = 1000;

    private readonly PreferenceModes _modes = new(options.Value.ModeKeywords);
    private readonly IReadOnlyList<string> _environments = options.Value.EffectiveEnvironments;

    public (SelectionQuery? Query, IReadOnlyList<FieldError> Errors) Read(SelectRequest request)
    {
        var errors = new List<FieldError>();
        var capabilities = Capabilities(request, errors);
        if (request.Query is { Length: > MaxQueryLength })
        {
            errors.Add(new("query", $"must be at most {MaxQueryLength} characters"));
        }
        var mode = Mode(request, errors);
        var environment = request.Environment is null ? _environments[0] : _environments.FirstOrDefault(e => string.Equals(e, request.Environment, StringComparison.OrdinalIgnoreCase));
        if (environment is null)
        {
            errors.Add(new("environment", $"must be one of: {string.Join(", ", _environments)}"));
        }
        if (request.Platform is not null && !CatalogRules.Platforms.Contains(request.Platform, StringComparer.Ordinal))
        {
            errors.Add(new("platform", $"must be one of: {string.Join(", ", CatalogRules.Platforms)}"));
        }
        if (request.Constraints?.MaxCost is < 0)
        {
            errors.Add(new("constraints.max_cost", "must be 0 or more"));
        }
        if (request.Constraints?.MaxTimeMs is <= 0)
        {
            errors.Add(new("constraints.max_time_ms", "must be more than 0"));
        }
        if (request.TopK is < 1 or > SelectionQuery.MaxTopK)
        {
            errors.Add(new("top_k", $"must be from 1 to {SelectionQuery.MaxTopK}"));
        }
        foreach (var name in (request.Variables?.Keys ?? Enumerable.Empty<string>()).Where(k => k.Length is 0 or > MaxNameLength))
        {
            errors.Add(new($"variables.{name}", $"a variable name must have 1 to {MaxNameLength} characters"));
        }
        if (errors.Count > 0 || mode is null || environment is null)
        {
            return (null, errors);
        }
        return (new SelectionQuery(capabilities, request.Query, mode,
            new Dictionary<string, double>(request.Variables ?? [], StringComparer.Ordinal), environment, request.Platform,
            request.Constraints?.MaxCost, request.Constraints?.MaxTimeMs, request.Constraints?.RequireProductionSafe ?? false,
            request.TopK ?? SelectionQuery.DefaultTopK), errors);
    }

    private static List<string> Capabilities(SelectRequest request, List<FieldError> errors)
    {
        var names = request.Capabilities ?? [];
        if (names.Count == 0 && string.IsNullOrWhiteSpace(request.Query))
        {
            errors.Add(new("capabilities", "name at least one capability, or give a query"));
        }
        if (names.Count > MaxCapabilities)
        {
            errors.Add(new("capabilities", $"at most {MaxCapabilities} capabilities"));
        }
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]) || names[i].Length > MaxNameLength)
            {
                errors.Add(new($"capabilities[{i}]", $"must be a capability name of 1 to {MaxNameLength} characters"));
            }
        }
        return names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct(StringComparer.Ordinal).ToList();
    }

    private ModeDecision? Mode(SelectRequest request, List<FieldError> errors)
    {
        if (request.Mode is not null && request.Weights is not null)
        {
            errors.Add(new("weights", "give either mode or weights, not both"));
            return null;
        }
        if (request.Weights is { } weights)
        {
            return Weights(weights, errors);
        }
        if (request.Mode is null)
        {
            return _modes.Detect(request.Query);
        }
        var mode = PreferenceModes.All.FirstOrDefault(m => string.Equals(m, request.Mode, StringComparison.OrdinalIgnoreCase));
        if (mode is null)
        {
            errors.Add(new("mode", $"must be one of: {string.Join(", ", PreferenceModes.All)}"));
            return null;
        }
        return new ModeDecision(mode, "explicit", 1.0, [], PreferenceModes.WeightsOf(mode));
    }

    private static ModeDecision? Weights(FeatureWeights weights, List<FieldError> errors)
    {
        var before = errors.Count;
        foreach (var feature in Enum.GetValues<Feature>())
        {
            if (weights[feature] is < 0 or > 1)
            {
                errors.Add(new($"weights.{feature.ToString().ToLowerInvariant()}", "must be from 0 to 1"));
            }
        }
        if (errors.Count > before)
        {
            return null;
        }
        // Compared in decimal so that 0.99 and 1.01 are inside and 0.989 outside, whatever the binary rounding of the parts.
        var sum = Enum.GetValues<Feature>().Sum(f => Math.Round((decimal)weights[f], 9));
        if (Math.Abs(sum - 1m) > (decimal)SelectionQuery.WeightTolerance)
        {
            errors.Add(new("weights", $"must sum to 1 (± {SelectionQuery.WeightTolerance}); they sum to {sum}"));
            return null;
        }
        return new ModeDecision("custom", "weights", 1.0, [], weights);
    }
}
