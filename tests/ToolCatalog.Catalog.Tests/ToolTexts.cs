using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Tests;

/// <summary>The shipped systemctl.yaml and the edits and lookups the tests make on tool texts.</summary>
internal static class ToolTexts
{
    /// <summary>catalog/linux/systemctl.yaml, a valid tool, with LF line ends.</summary>
    public static string Systemctl { get; } =
        File.ReadAllText(Path.Combine(RepoPaths.Catalog, "linux", "systemctl.yaml")).Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Replaces text that must occur exactly once, so a mutation can never silently do nothing.</summary>
    public static string Replace(string source, string from, string to)
    {
        var at = source.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{from}' not found");
        Assert.True(source.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"'{from}' occurs more than once");
        return string.Concat(source.AsSpan(0, at), to, source.AsSpan(at + from.Length));
    }

    /// <summary>Removes the one whole line that contains the text.</summary>
    public static string RemoveLine(string source, string containing)
    {
        var lines = source.Split('\n').ToList();
        var index = Assert.Single(Enumerable.Range(0, lines.Count), i => lines[i].Contains(containing, StringComparison.Ordinal));
        lines.RemoveAt(index);
        return string.Join('\n', lines);
    }

    public static int LineOf(string text, string snippet)
    {
        var at = text.IndexOf(snippet, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{snippet}' not found");
        return text.AsSpan(0, at).Count('\n') + 1;
    }

    public static ParsedTool Parse(string text) => ToolParser.ParseFile(text, "linux/systemctl.yaml");

    /// <summary>The one YAML document in <paramref name="text"/>, read without problems.</summary>
    public static YamlNode ReadOne(string text)
    {
        var problems = new List<CatalogProblem>();
        var docs = YamlReader.ReadAll(text, "test.yaml", problems);
        Assert.Empty(problems);
        return Assert.Single(docs);
    }
}
