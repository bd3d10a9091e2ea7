using System.Text.Json.Serialization;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Import;

[JsonConverter(typeof(JsonStringEnumConverter<ImportOutcome>))]
public enum ImportOutcome
{
    Added,
    NewVersion,
    Unchanged,
    Invalid,
}

/// <summary>What happened to one file (or one document of a multi-document body).</summary>
public sealed record ImportFileResult(string File, string? Tool, string? Version, ImportOutcome Outcome, IReadOnlyList<CatalogProblem> Problems);

/// <summary>What an import did; <c>Revision</c> is the committed revision, null for a dry run (nothing is committed).</summary>
public sealed record ImportReport(bool DryRun, long? Revision, IReadOnlyList<ImportFileResult> Files)
{
    public int Added => Files.Count(f => f.Outcome == ImportOutcome.Added);
    public int NewVersions => Files.Count(f => f.Outcome == ImportOutcome.NewVersion);
    public int Unchanged => Files.Count(f => f.Outcome == ImportOutcome.Unchanged);
    public int Invalid => Files.Count(f => f.Outcome == ImportOutcome.Invalid);
}
