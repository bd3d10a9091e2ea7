namespace ToolCatalog.Api.Writes;

/// <summary>How writes are accepted. Bound from the <c>Catalog</c> section, where deployments already set it.</summary>
public sealed class WriteOptions
{
    public const string Section = "Catalog";

    /// <summary>Writes require If-Match when on (428 Precondition Required without it).</summary>
    public bool RequireIfMatch { get; set; }
}
