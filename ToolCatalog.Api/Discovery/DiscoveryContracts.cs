namespace ToolCatalog.Api.Discovery;

/// <summary>
/// A capability of the shared vocabulary (<see cref="InVocabulary"/>, with its aliases) or a name tool files use outside
/// it. <see cref="ToolCount"/> counts the served tools offering it under any of its names; <see cref="NamesInUse"/> are
/// the names their files use (a canonical name, or an alias a catalog has not moved to the canonical name yet).
/// </summary>
public sealed record CapabilityFacet(string Name, string Description, int ToolCount, bool InVocabulary, IReadOnlyList<string> Aliases,
    IReadOnlyList<string> NamesInUse);

/// <summary>A tool offering a capability: <see cref="Capability"/> is the name its file uses (canonical or an alias).</summary>
public sealed record CapabilityTool(string Tool, string Version, string Description, IReadOnlyList<string> Patterns, string Capability);

public sealed record Facet(string Name, int Count);

/// <summary>Counts as of catalog revision <see cref="Revision"/> (which may trail the newest write by a moment).</summary>
public sealed record CatalogStats(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Counts, long Revision);

public sealed record AuditEntry(long Revision, DateTime At, string Actor, string Action, string Tool, string? Version, string? Reason,
    System.Text.Json.JsonElement? Diff);
