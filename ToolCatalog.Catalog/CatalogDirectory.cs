using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog;

/// <summary>
/// The catalog folder: <c>&lt;platform&gt;/&lt;tool_name&gt;.yaml</c>. Loading it validates every file and adds the checks that
/// need the whole set: names unique across files, file and folder names matching the document.
/// </summary>
public static class CatalogDirectory
{
    public static IEnumerable<string> EnumerateFiles(string root) =>
        Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);

    public static async Task<IReadOnlyList<ParsedTool>> LoadAsync(string root, CancellationToken cancellationToken)
    {
        var results = new List<ParsedTool>();
        foreach (var path in EnumerateFiles(root))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var info = new FileInfo(path);
            if (info.Length > YamlLimits.Default.MaxBytes)
            {
                results.Add(new ParsedTool(relative, 0, null,
                    [CatalogProblem.Error(relative, SourceMark.None, "", $"file is larger than {YamlLimits.Default.MaxBytes / 1024} KiB")]));
                continue;
            }
            var text = await File.ReadAllTextAsync(path, cancellationToken);
            results.Add(ParseFile(text, relative));
        }
        return AddCrossFileChecks(results);
    }

    /// <summary>One file of the folder layout: the document plus the file/folder naming rules.</summary>
    public static ParsedTool ParseFile(string text, string relativePath, ValidationSettings? settings = null)
    {
        var parsed = ToolParser.ParseFile(text, relativePath, settings: settings);
        if (parsed.Tool is not { } tool)
        {
            return parsed;
        }
        var extra = new List<CatalogProblem>();
        var fileName = Path.GetFileNameWithoutExtension(relativePath);
        if (!string.Equals(fileName, tool.Name, StringComparison.Ordinal))
        {
            extra.Add(CatalogProblem.Warning(relativePath, new SourceMark(1, 1), "tool_name", $"file is named '{fileName}' but holds tool '{tool.Name}'"));
        }
        var folder = Path.GetFileName(Path.GetDirectoryName(relativePath) ?? "");
        if (folder.Length > 0 && !string.Equals(folder, tool.Platform, StringComparison.Ordinal))
        {
            extra.Add(CatalogProblem.Warning(relativePath, new SourceMark(1, 1), "platform", $"file is in folder '{folder}' but its platform is '{tool.Platform}'"));
        }
        return extra.Count == 0 ? parsed : parsed with { Problems = [.. parsed.Problems, .. extra] };
    }

    private static List<ParsedTool> AddCrossFileChecks(List<ParsedTool> results)
    {
        var byName = results.Where(r => r.Tool is not null).GroupBy(r => r.Tool!.Name, StringComparer.Ordinal)
            .Where(g => g.Count() > 1).ToDictionary(g => g.Key, g => g.Select(r => r.File).ToList(), StringComparer.Ordinal);
        if (byName.Count == 0)
        {
            return results;
        }
        return results.Select(r =>
        {
            if (r.Tool is null || !byName.TryGetValue(r.Tool.Name, out var files))
            {
                return r;
            }
            var others = string.Join(", ", files.Where(f => f != r.File));
            var duplicate = CatalogProblem.Error(r.File, new SourceMark(1, 1), "tool_name", $"tool '{r.Tool.Name}' is also defined in {others}");
            return r with { Tool = null, Problems = [.. r.Problems, duplicate] };
        }).ToList();
    }
}
