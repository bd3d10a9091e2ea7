using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Vocabulary;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Upgrade;

/// <summary>One tool of an upgraded file: where it belongs in the catalog layout and the text to write there.</summary>
public sealed record UpgradedEntry(string Target, UpgradedTool Tool, string Text);

/// <summary>A source file: its tools, or the problems that kept it from being read (not YAML, no name at all).</summary>
public sealed record UpgradedFile(string Source, IReadOnlyList<CatalogProblem> Problems, IReadOnlyList<UpgradedEntry> Tools)
{
    /// <summary>Canonical already: one tool, unchanged, at its layout path.</summary>
    public bool IsCanonical => Problems.Count == 0 && Tools.Count == 1 && !Tools[0].Tool.Changed && Tools[0].Target == Source;
}

/// <summary>
/// Upgrades a set of tool files together, so that the same command described for two platforms under one name keeps
/// both: the first (in path order) keeps the name, each other platform's becomes <c>&lt;name&gt;_&lt;platform&gt;</c> with
/// the shared name kept as <c>command:</c>.
/// </summary>
public static class CatalogUpgrade
{
    /// <param name="canonicalCapabilities">When given, capabilities are renamed to this vocabulary's canonical names (opt-in).</param>
    public static IReadOnlyList<UpgradedFile> UpgradeFiles(IEnumerable<(string Path, string Text)> files, YamlLimits? limits = null,
        CapabilityVocabulary? canonicalCapabilities = null)
    {
        var read = files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => Read(f.Path, f.Text, limits, canonicalCapabilities)).ToList();
        return PlaceAll(read);
    }

    private static List<UpgradedFile> PlaceAll(List<ReadFile> read)
    {
        var taken = new Dictionary<string, string?>(StringComparer.Ordinal); // tool name -> platform of its first holder
        return read.Select(file => file with
        {
            Tools = file.Tools.Select(entry => Place(entry, taken, file.Tools.Count == 1 ? file.Text : null, file.Source)).ToList(),
        }).Select(f => new UpgradedFile(f.Source, f.Problems, f.Tools)).ToList();
    }

    private sealed record ReadFile(string Source, string? Text, IReadOnlyList<CatalogProblem> Problems, IReadOnlyList<UpgradedEntry> Tools);

    /// <summary>
    /// Import with upgrade: every document upgraded in memory and validated in upgrade mode (values outside the
    /// vocabulary kept with a warning); each change the upgrade made is a warning of its document.
    /// </summary>
    public static IReadOnlyList<ParsedTool> Parse(IEnumerable<(string Path, string Text)> files, CatalogVocabulary vocabulary, YamlLimits? limits = null) =>
        Validate(UpgradeFiles(files, limits), vocabulary);

    /// <summary>The same for documents already read (the elements of a request body), each upgraded as its own file, in order.</summary>
    public static IReadOnlyList<ParsedTool> ParseDocuments(IEnumerable<(string File, YamlNode Root)> documents, CatalogVocabulary vocabulary) =>
        Validate(PlaceAll(documents.Select(d => Upgrade(d.File, null, [d.Root], [])).ToList()), vocabulary);

    private static List<ParsedTool> Validate(IReadOnlyList<UpgradedFile> upgraded, CatalogVocabulary vocabulary)
    {
        var settings = new ValidationSettings(vocabulary, VocabularyMode.Upgrade);
        var results = new List<ParsedTool>();
        foreach (var file in upgraded)
        {
            if (file.Problems.Count > 0)
            {
                results.Add(new ParsedTool(file.Source, 0, null, file.Problems));
            }
            for (var i = 0; i < file.Tools.Count; i++)
            {
                var tool = file.Tools[i];
                var parsed = ToolParser.Validate(tool.Tool.Document, file.Source, i, settings);
                var changes = tool.Tool.Changes.Select(c => CatalogProblem.Warning(file.Source, c.Source, c.Path,
                    $"upgraded ({c.Action.ToString().ToLowerInvariant()}): {c.Message}"));
                results.Add(parsed with { Problems = [.. changes, .. parsed.Problems] });
            }
        }
        return results;
    }

    private static ReadFile Read(string path, string text, YamlLimits? limits, CapabilityVocabulary? canonicalCapabilities)
    {
        var problems = new List<CatalogProblem>();
        var documents = YamlReader.ReadAll(text, path, problems, limits).Where(d => d is not YamlScalar { Kind: ScalarKind.Null }).ToList();
        if (problems.Any(p => p.Severity == ProblemSeverity.Error))
        {
            return new ReadFile(path, text, problems, []);
        }
        if (documents.Count == 0)
        {
            return new ReadFile(path, text, [CatalogProblem.Error(path, new SourceMark(1, 1), "", "file is empty: a tool file must be a map of keys")], []);
        }
        return Upgrade(path, text, documents, problems, canonicalCapabilities);
    }

    private static ReadFile Upgrade(string path, string? text, IReadOnlyList<YamlNode> documents, List<CatalogProblem> problems,
        CapabilityVocabulary? canonicalCapabilities = null)
    {
        var tools = new List<UpgradedEntry>();
        foreach (var document in documents)
        {
            var upgraded = ToolUpgrader.Upgrade(document, canonicalCapabilities);
            if (upgraded.ToolName is null)
            {
                problems.Add(CatalogProblem.Error(path, document.Mark, "tool_name", document is YamlMap
                    ? "no name at all: the document has neither tool_name: nor name: (nor tool: { name: })"
                    : "a tool file must be a map of keys (tool_name, version, ...)"));
                continue;
            }
            tools.Add(new UpgradedEntry("", upgraded, ""));
        }
        return new ReadFile(path, text, problems, tools);
    }

    private static UpgradedEntry Place(UpgradedEntry entry, Dictionary<string, string?> taken, string? sourceText, string source)
    {
        var tool = entry.Tool;
        var name = tool.ToolName!;
        if (taken.TryGetValue(name, out var firstPlatform) && firstPlatform != tool.Platform && tool.Platform is { } platform)
        {
            tool = Rename(tool, name, platform, taken);
        }
        taken.TryAdd(tool.ToolName!, tool.Platform);
        var target = $"{SafeSegment(tool.Platform ?? "custom")}/{SafeSegment(tool.ToolName!)}.yaml";
        var text = !tool.Changed && sourceText is not null ? sourceText : YamlWriter.Write(tool.Document);
        return new UpgradedEntry(target, tool, text);
    }

    private static UpgradedTool Rename(UpgradedTool tool, string name, string platform, Dictionary<string, string?> taken)
    {
        var newName = $"{name}_{platform}";
        for (var n = 2; taken.ContainsKey(newName); n++)
        {
            newName = $"{name}_{platform}_{n}";
        }
        var map = MapBuilder.From((YamlMap)tool.Document);
        var mark = map["tool_name"]!.Mark;
        map.Set("tool_name", MapBuilder.Text(mark, newName));
        var changes = tool.Changes.ToList();
        if (!map.Has("command"))
        {
            map.Set("command", MapBuilder.Text(mark, name));
            map.Order(CatalogRules.ToolKeys);
        }
        changes.Add(new UpgradeChange(mark, UpgradeAction.Renamed, "tool_name",
            $"'{name}' is also described for platform '{taken[name]}': this one ({platform}) is '{newName}', with command: {name}"));
        return new UpgradedTool(map.Build(), changes);
    }

    // A name or platform from the file becomes a path segment: nothing that climbs out of the output folder.
    private static string SafeSegment(string value)
    {
        var cleaned = new string(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_').ToArray()).Trim('.');
        return cleaned.Length == 0 ? "_" : cleaned;
    }
}
