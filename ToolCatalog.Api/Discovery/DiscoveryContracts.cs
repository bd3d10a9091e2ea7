namespace ToolCatalog.Api.Discovery;

public sealed record CapabilityFacet(string Name, string Description, int ToolCount);

public sealed record CapabilityTool(string Tool, string Version, string Description, IReadOnlyList<string> Patterns);

public sealed record Facet(string Name, int Count);

/// <summary>Counts as of catalog revision <see cref="Revision"/> (which may trail the newest write by a moment).</summary>
public sealed record CatalogStats(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Counts, long Revision);

public sealed record AuditEntry(long Revision, DateTime At, string Actor, string Action, string Tool, string? Version, string? Reason,
    System.Text.Json.JsonElement? Diff);
