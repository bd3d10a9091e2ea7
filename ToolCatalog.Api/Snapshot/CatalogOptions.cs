namespace ToolCatalog.Api.Snapshot;

public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>The YAML folder served when the database is unreachable at start (empty: no fallback).</summary>
    public string? FallbackPath { get; set; }
}
