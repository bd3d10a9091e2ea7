namespace ToolCatalog.Testing;

/// <summary>Paths inside the repository, found from the test binaries' folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Catalog => Path.Combine(Root, "catalog");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ToolCatalog.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
