using System.Text.Json;
using System.Text.Json.Serialization;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Generator.Api;

/// <summary>What the API did with one file of an import (mirrors the API's ImportFileResult).</summary>
public sealed record ImportFileResult(string File, string? Tool, string? Version, string Outcome, IReadOnlyList<CatalogProblem> Problems)
{
    public bool IsInvalid => Outcome == ImportOutcomes.Invalid;
}

/// <summary>The API's answer to <c>POST /api/v1/tools/import</c>; the counters are recomputed from the files.</summary>
public sealed record ImportReport(bool DryRun, long? Revision, IReadOnlyList<ImportFileResult> Files)
{
    public int Added => Count(ImportOutcomes.Added);
    public int NewVersions => Count(ImportOutcomes.NewVersion);
    public int Unchanged => Count(ImportOutcomes.Unchanged);
    public int Invalid => Count(ImportOutcomes.Invalid);

    private int Count(string outcome) => Files.Count(f => f.Outcome == outcome);
}

/// <summary>The outcome names the API sends (as strings, so a new outcome never breaks an older client).</summary>
public static class ImportOutcomes
{
    public const string Added = "Added";
    public const string NewVersion = "NewVersion";
    public const string Unchanged = "Unchanged";
    public const string Invalid = "Invalid";
}

internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
