using System.Text.Json;

namespace ToolCatalog.Api.Tools;

/// <summary>A tool in list results (view=summary).</summary>
public sealed record ToolSummary(string Name, string Version, string Description, string Platform, string Category, string Status,
    bool Enabled, IReadOnlyList<string> Capabilities, IReadOnlyList<string> Tags);

/// <summary>A page of tools; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next page.</summary>
public sealed record ToolPage(IReadOnlyList<JsonElement> Items, int Count, int Total, string? NextCursor, long Revision);

public sealed record ToolVersionInfo(string Version, int Seq, bool Current, string ContentHash, DateTime CreatedAt, string CreatedBy, string? Reason);

public sealed record CapabilitySummary(string Name, string Description, IReadOnlyList<string> Patterns);

public sealed record EstimateRequest(Dictionary<string, double>? Variables);

public sealed record PolicyVerdict(bool Immediate, bool RequiresBackground, bool WithinMaxCost, bool RequiresApproval, bool ProductionSafe,
    IReadOnlyList<string> Reasons);

public sealed record EstimateResponse(string Tool, string Capability, string Pattern, double TimeEstimateMs, double CostEstimate,
    PolicyVerdict Policy, IReadOnlyDictionary<string, double> Variables);

public sealed record StateChangeRequest(string? Reason);

public sealed record StatusChangeRequest(string Status, string? Reason);

public sealed record RollbackRequest(string Version, string? Reason);

public sealed record WriteResponse(string Name, string? Version, string? ETag, long Revision, string? Detail);
