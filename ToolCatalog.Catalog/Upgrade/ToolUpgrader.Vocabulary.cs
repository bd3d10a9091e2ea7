using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Vocabulary;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Upgrade;

/// <summary>
/// The opt-in step to the shared vocabulary: every capability named by an alias is renamed to its canonical name, and
/// capabilities of one tool that become the same are merged into one holding all their patterns (a pattern whose name
/// is taken gets its old capability's name appended). Names outside the vocabulary stay as they are.
/// </summary>
public sealed partial class ToolUpgrader
{
    private void CanonicalCapabilities(MapBuilder tool, CapabilityVocabulary vocabulary)
    {
        if (tool["capabilities"] is not YamlMap capabilities)
        {
            return;
        }
        var merged = new List<(string Name, YamlNode Node, MapBuilder? Body)>();
        foreach (var (name, node) in capabilities.Entries)
        {
            var canonical = vocabulary.Find(name)?.Name ?? name;
            var into = merged.FindIndex(m => m.Name == canonical);
            var mergeable = node is YamlMap { } map && map["patterns"] is YamlMap && (into < 0 || merged[into].Body?["patterns"] is YamlMap);
            if (!mergeable)
            {
                // Not a capability with patterns (the validator reports it), or nothing to merge into: kept as it is.
                merged.Add((merged.Exists(m => m.Name == name) ? name + "_2" : name, node, null));
                continue;
            }
            if (canonical != name)
            {
                Change(node, UpgradeAction.Renamed, $"capabilities.{name}", $"is the canonical capability '{canonical}'");
            }
            if (into < 0)
            {
                merged.Add((canonical, node, MapBuilder.From((YamlMap)node)));
                continue;
            }
            MergeCapability(merged[into].Body!, (YamlMap)node, name, canonical);
        }
        tool.Set("capabilities", new YamlMap(capabilities.Mark,
            [.. merged.Select(m => new KeyValuePair<string, YamlNode>(m.Name, m.Body?.Build() ?? m.Node))]));
    }

    /// <summary>Appends <paramref name="source"/>'s patterns, description and other keys to the capability it merges into.</summary>
    private void MergeCapability(MapBuilder target, YamlMap source, string sourceName, string canonical)
    {
        var patterns = MapBuilder.From((YamlMap)target["patterns"]!);
        var moved = new List<string>();
        foreach (var (patternName, pattern) in ((YamlMap)source["patterns"]!).Entries)
        {
            var newName = FreePatternName(patterns, patternName, sourceName);
            if (newName != patternName)
            {
                Change(pattern, UpgradeAction.Renamed, $"capabilities.{sourceName}.patterns.{patternName}",
                    $"is capabilities.{canonical}.patterns.{newName}: the name is taken there");
            }
            patterns.Set(newName, pattern);
            moved.Add(newName);
        }
        target.Set("patterns", patterns.Build());
        foreach (var (key, value) in source.Entries.Where(e => e.Key != "patterns"))
        {
            if (key == "description" && target["description"] is YamlScalar { Kind: ScalarKind.String } first
                && value is YamlScalar { Kind: ScalarKind.String } second)
            {
                target.Set("description", MapBuilder.Text(first.Mark, JoinSentences(first.Text, second.Text)));
                continue;
            }
            target.Set(target.Has(key) ? $"{key}_{sourceName}" : key, value); // nothing dropped: a clash keeps both
        }
        Change(source, UpgradeAction.Moved, $"capabilities.{sourceName}",
            $"merged into capabilities.{canonical}: pattern(s) {string.Join(", ", moved)}, and its description appended");
    }

    private static string FreePatternName(MapBuilder patterns, string name, string sourceCapability)
    {
        if (!patterns.Has(name))
        {
            return name;
        }
        var suffix = CapabilityVocabulary.Key(sourceCapability); // "Service-Control" appends as service_control
        var candidate = Truncate($"{name}_{suffix}");
        for (var n = 2; patterns.Has(candidate); n++)
        {
            candidate = Truncate($"{name}_{suffix}_{n}");
        }
        return candidate;
    }

    private static string Truncate(string name) => name.Length <= 64 ? name : name[..64].TrimEnd('_');

    private static string JoinSentences(string first, string second)
    {
        var trimmed = first.TrimEnd();
        if (trimmed.Contains(second.Trim(), StringComparison.Ordinal))
        {
            return first;
        }
        return (trimmed.EndsWith('.') ? trimmed : trimmed + ".") + " " + second.Trim();
    }
}
