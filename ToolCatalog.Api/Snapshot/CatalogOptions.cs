namespace ToolCatalog.Api.Snapshot;

public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>The YAML folder served when the database is unreachable at start (empty: no fallback).</summary>
    public string? FallbackPath { get; set; }

    /// <summary>Writes require If-Match when on (428 Precondition Required without it).</summary>
    public bool RequireIfMatch { get; set; }
}
