namespace ToolCatalog.Generator.Api;

/// <summary>The tool files of a catalog folder as the CLI's import and the worker send them.</summary>
public static class CatalogFiles
{
    /// <summary>
    /// The folder's *.yaml / *.yml files, minus hidden ones: editors' lock and backup files (<c>.#tool.yaml</c>) and
    /// half-written temp files must never reach the API.
    /// </summary>
    public static IEnumerable<string> Enumerate(string root) =>
        Catalog.CatalogDirectory.EnumerateFiles(root).Where(path => !Path.GetFileName(path).StartsWith('.'));
}
