using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolCatalog.Catalog;

/// <summary>
/// A valid tool definition: the whole document as order-preserving JSON (the stored and exported truth, unknown keys
/// included) plus the fields the service lists, filters and searches on, read once from it.
/// </summary>
public sealed class ToolDocument
{
    /// <summary>How documents are written as canonical JSON: compact, no escaping beyond what JSON requires.</summary>
    public static readonly JsonSerializerOptions CompactJson = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public required string Name { get; init; }
    public required string Version { get; init; }
    public required string Description { get; init; }
    public required string Platform { get; init; }
    public required string Category { get; init; }
    public required string Status { get; init; }
    public required bool Enabled { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required IReadOnlyList<CapabilityInfo> Capabilities { get; init; }

    /// <summary>Compact JSON text of the document with keys in file order: hashed, stored and served.</summary>
    public required string CanonicalJson { get; init; }

    /// <summary>Lower-case hex SHA-256 of <see cref="CanonicalJson"/>: the ETag, and how an import spots "unchanged".</summary>
    public required string ContentHash { get; init; }

    public JsonObject ToJsonObject() => (JsonObject)JsonNode.Parse(CanonicalJson)!;

    /// <summary>Builds the view of a document that has already passed validation.</summary>
    public static ToolDocument FromValidated(JsonObject document)
    {
        var canonical = document.ToJsonString(CompactJson);
        var capabilities = new List<CapabilityInfo>();
        foreach (var (capabilityName, capabilityNode) in document["capabilities"]!.AsObject())
        {
            var capability = capabilityNode!.AsObject();
            var patterns = new List<PatternInfo>();
            foreach (var (patternName, patternNode) in capability["patterns"]!.AsObject())
            {
                var p = patternNode!.AsObject();
                var policy = p["policy"] as JsonObject;
                patterns.Add(new PatternInfo(
                    patternName,
                    Text(p["description"]) ?? "",
                    (p["typical_use_cases"] as JsonArray)?.Select(Text).OfType<string>().ToArray() ?? [],
                    ExpressionText(p["time_estimate_ms"]),
                    ExpressionText(p["cost_estimate"]),
                    p["complexity_score"]?.GetValue<double>() ?? 0,
                    Text(p["scope"]),
                    Text(p["completeness"]),
                    Bool(policy?["requires_approval"]),
                    Bool(policy?["production_safe"])));
            }
            capabilities.Add(new CapabilityInfo(capabilityName, Text(capability["description"]) ?? "", patterns));
        }

        return new ToolDocument
        {
            Name = Text(document["tool_name"])!,
            Version = Text(document["version"])!,
            Description = Text(document["description"])!,
            Platform = Text(document["platform"])!,
            Category = Text(document["category"])!,
            Status = Text(document["status"]) ?? "active",
            Enabled = Bool(document["enabled"]) ?? true,
            Tags = (document["metadata"]?["tags"] as JsonArray)?.Select(Text).OfType<string>().ToArray() ?? [],
            Capabilities = capabilities,
            CanonicalJson = canonical,
            ContentHash = Hash(canonical),
        };
    }

    public static string Hash(string canonicalJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string ExpressionText(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => "0",
    };

    private static bool? Bool(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;
}

public sealed record CapabilityInfo(string Name, string Description, IReadOnlyList<PatternInfo> Patterns);

public sealed record PatternInfo(
    string Name,
    string Description,
    IReadOnlyList<string> UseCases,
    string TimeEstimateMs,
    string CostEstimate,
    double ComplexityScore,
    string? Scope,
    string? Completeness,
    bool? RequiresApproval,
    bool? ProductionSafe);
