using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Selection;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>A pattern as a test wants it: only what matters for selection, the rest filled in validly.</summary>
internal sealed record TestPattern(string Name, string Time, string Cost = "0.1", double? Complexity = 0.3, double? Accuracy = 0.8,
    double? Completeness = 0.8)
{
    public double? MaxCost { get; init; }
    public bool? RequiresApproval { get; init; }
    public bool? ProductionSafe { get; init; }
    public long? MaxExecutionTime { get; init; }
    public string? BackgroundIf { get; init; }
    public long? MaxNImmediate { get; init; }

    /// <summary>Declared number inputs: name → default (null: declared without a default).</summary>
    public IReadOnlyDictionary<string, double?> Inputs { get; init; } = new Dictionary<string, double?>();
}

/// <summary>Builds tool documents and snapshots in memory, through the product's own parser and validator.</summary>
internal static class SelectionFixtures
{
    private static string N(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static ToolDocument Tool(string name, string capability, params TestPattern[] patterns) =>
        Tool(name, "linux", [(capability, patterns)]);

    public static ToolDocument Tool(string name, string platform, IEnumerable<(string Capability, TestPattern[] Patterns)> capabilities)
    {
        var yaml = new StringBuilder($"""
            tool_name: {name}
            version: "1.0.0"
            description: A tool built for selection tests.
            platform: {platform}
            category: system
            capabilities:

            """);
        foreach (var (capability, patterns) in capabilities)
        {
            yaml.Append($"  {capability}:\n    description: A capability for tests.\n    patterns:\n");
            foreach (var p in patterns)
            {
                AppendPattern(yaml, p);
            }
        }
        var parsed = ToolParser.ParseFile(yaml.ToString(), $"{name}.yaml");
        Assert.True(parsed.IsValid, string.Join('\n', parsed.Problems));
        return parsed.Tool!;
    }

    private static void AppendPattern(StringBuilder yaml, TestPattern p)
    {
        yaml.Append($"      {p.Name}:\n        description: A pattern for tests.\n        typical_use_cases: [tests]\n");
        yaml.Append($"        time_estimate_ms: \"{p.Time}\"\n        cost_estimate: \"{p.Cost}\"\n");
        if (p.Complexity is { } complexity)
        {
            yaml.Append($"        complexity_score: {N(complexity)}\n");
        }
        var policy = new List<string>();
        if (p.MaxCost is { } maxCost) { policy.Add($"max_cost: {N(maxCost)}"); }
        if (p.RequiresApproval is { } approval) { policy.Add($"requires_approval: {(approval ? "true" : "false")}"); }
        if (p.ProductionSafe is { } safe) { policy.Add($"production_safe: {(safe ? "true" : "false")}"); }
        if (p.MaxExecutionTime is { } maxTime) { policy.Add($"max_execution_time: {maxTime}"); }
        if (p.BackgroundIf is { } condition) { policy.Add($"requires_background_if: \"{condition}\""); }
        if (p.MaxNImmediate is { } maxN) { policy.Add($"max_N_immediate: {maxN}"); }
        if (policy.Count > 0)
        {
            yaml.Append("        policy:\n").Append(string.Concat(policy.Select(l => $"          {l}\n")));
        }
        var preferences = new List<string>();
        if (p.Accuracy is { } accuracy) { preferences.Add($"accuracy: {N(accuracy)}"); }
        if (p.Completeness is { } completeness) { preferences.Add($"completeness: {N(completeness)}"); }
        if (preferences.Count > 0)
        {
            yaml.Append("        preference_match:\n").Append(string.Concat(preferences.Select(l => $"          {l}\n")));
        }
        if (p.Inputs.Count > 0)
        {
            yaml.Append("        optional_inputs:\n");
            foreach (var (input, value) in p.Inputs)
            {
                yaml.Append($"          - name: {input}\n            type: number\n            description: an input\n");
                if (value is { } v)
                {
                    yaml.Append($"            default: {N(v)}\n");
                }
            }
        }
    }

    public static CatalogSnapshot SnapshotOf(params ToolDocument[] tools) => SnapshotOf(tools.Select(t => (t, "active", true)), 7);

    public static CatalogSnapshot SnapshotOf(IEnumerable<(ToolDocument Document, string Status, bool Enabled)> tools, long revision) =>
        new(tools.Select(t => new ServedTool
        {
            Document = t.Document,
            Status = t.Status,
            Enabled = t.Enabled,
            UpdatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            ChangeRevision = revision,
        }), revision, SnapshotSource.Database, DateTimeOffset.UnixEpoch);

    public static SelectionRequestReader Reader(SelectionOptions? options = null) => new(Options.Create(options ?? new SelectionOptions()));

    /// <summary>Reads the request (asserting it is valid) and decides over the snapshot.</summary>
    public static SelectResponse Decide(CatalogSnapshot snapshot, SelectRequest request)
    {
        var (query, errors) = Reader().Read(request);
        Assert.True(query is not null, string.Join("; ", errors));
        return SelectionEngine.Decide(snapshot, query, CapabilityVocabulary.BuiltIn);
    }

    public static SelectRequest Request(string capability, string? mode = "balanced", Dictionary<string, double>? variables = null) =>
        new() { Capabilities = [capability], Mode = mode, Variables = variables };
}
