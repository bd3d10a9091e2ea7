using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Discovery;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Expressions;

namespace ToolCatalog.Api.Selection;

/// <summary>
/// One pattern of one tool version, read once for selection: its expressions compiled, its scoring values and policy
/// fields, and the numeric defaults of its inputs. Built per <see cref="ToolDocument"/> (one document per version)
/// and kept as long as the document lives, so a snapshot that keeps a tool unchanged never recompiles it.
/// </summary>
public sealed class SelectablePattern
{
    private static readonly ConditionalWeakTable<ToolDocument, IReadOnlyList<SelectablePattern>> Compiled = new();

    public required string Tool { get; init; }
    public required string Version { get; init; }
    public required string Platform { get; init; }
    public required string Capability { get; init; }
    public required string Pattern { get; init; }
    public required string FunctionName { get; init; }
    public required CompiledExpression Time { get; init; }
    public required CompiledExpression Cost { get; init; }
    public CompiledExpression? BackgroundIf { get; init; }

    /// <summary>Null when the document does not give it (scored as 0.5, and said so).</summary>
    public double? Complexity { get; init; }
    public double? Accuracy { get; init; }
    public double? Completeness { get; init; }

    public double? MaxCost { get; init; }
    public double? MaxExecutionTimeMs { get; init; }
    public double? MaxNImmediate { get; init; }
    public bool RequiresApproval { get; init; }
    public bool? ProductionSafe { get; init; }

    /// <summary>Every variable the expressions read (N too when max_N_immediate needs it), in a stable order.</summary>
    public required IReadOnlyList<string> Variables { get; init; }

    /// <summary>
    /// Per variable of <see cref="Variables"/> (same position), the value used when a request gives none: the input's
    /// default, else the standard default; null when there is neither and the request must give it. Looked up once here
    /// so that resolving a candidate's variables per request is an index walk, not dictionary look-ups.
    /// </summary>
    public required IReadOnlyList<VariableDefault?> Defaults { get; init; }

    /// <summary>Values a pattern may use without a request or an input giving them.</summary>
    private static readonly IReadOnlyDictionary<string, double> StandardDefaults = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["N"] = 1,
        ["pages"] = 1,
    };

    public static IReadOnlyList<SelectablePattern> Of(ToolDocument document) =>
        Compiled.GetValue(document, static d => Build(d));

    private static List<SelectablePattern> Build(ToolDocument document)
    {
        var patterns = new List<SelectablePattern>();
        var root = document.ToJsonObject();
        foreach (var (capabilityName, capability) in root["capabilities"]?.AsObject() ?? [])
        {
            foreach (var (patternName, node) in capability?["patterns"]?.AsObject() ?? [])
            {
                if (node is JsonObject pattern)
                {
                    patterns.Add(Build(document, capabilityName, patternName, pattern));
                }
            }
        }
        return patterns;
    }

    private static SelectablePattern Build(ToolDocument document, string capability, string name, JsonObject pattern)
    {
        var policy = pattern["policy"] as JsonObject;
        var preferences = pattern["preference_match"] as JsonObject;
        var time = EstimateExpression.Compile(ExpressionText(pattern["time_estimate_ms"]));
        var cost = EstimateExpression.Compile(ExpressionText(pattern["cost_estimate"]));
        var background = policy?["requires_background_if"] is { } condition ? EstimateExpression.Compile(ExpressionText(condition)) : null;
        var maxN = Number(policy?["max_N_immediate"]);
        var variables = time.Variables.Concat(cost.Variables).Concat(background?.Variables ?? [])
            .Concat(maxN is null ? [] : ["N"]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new SelectablePattern
        {
            Tool = document.Name,
            Version = document.Version,
            Platform = document.Platform,
            Capability = capability,
            Pattern = name,
            FunctionName = FunctionNames.For(document.Name, capability, name),
            Time = time,
            Cost = cost,
            BackgroundIf = background,
            Complexity = Number(pattern["complexity_score"]),
            Accuracy = Number(preferences?["accuracy"]),
            Completeness = Number(preferences?["completeness"]),
            MaxCost = Number(policy?["max_cost"]),
            MaxExecutionTimeMs = Number(policy?["max_execution_time"]),
            MaxNImmediate = maxN,
            RequiresApproval = policy?["requires_approval"] is JsonValue approval && approval.GetValueKind() == JsonValueKind.True,
            ProductionSafe = policy?["production_safe"] is JsonValue safe && safe.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                ? safe.GetValueKind() == JsonValueKind.True : null,
            Variables = variables,
            Defaults = DefaultsOf(variables, InputDefaultsOf(pattern)),
        };
    }

    private static VariableDefault?[] DefaultsOf(string[] variables, Dictionary<string, double> inputDefaults) =>
        variables.Select(name =>
            inputDefaults.TryGetValue(name, out var inputDefault) ? new VariableDefault(inputDefault, "input_default")
            : StandardDefaults.TryGetValue(name, out var standard) ? new VariableDefault(standard, "standard_default")
            : (VariableDefault?)null).ToArray();

    private static Dictionary<string, double> InputDefaultsOf(JsonObject pattern)
    {
        var defaults = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var list in (string[])["required_inputs", "optional_inputs"])
        {
            foreach (var input in pattern[list] as JsonArray ?? [])
            {
                if (input?["name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String && Number(input["default"]) is { } value)
                {
                    defaults.TryAdd(name.GetValue<string>(), value);
                }
            }
        }
        return defaults;
    }

    private static string ExpressionText(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => "0",
    };

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
}

/// <summary>A variable's value when the request gives none, and where it comes from (input_default or standard_default).</summary>
public readonly record struct VariableDefault(double Value, string Source);
