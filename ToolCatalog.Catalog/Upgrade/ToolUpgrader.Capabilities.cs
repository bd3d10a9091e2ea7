using System.Text.RegularExpressions;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Upgrade;

/// <summary>The shapes of capabilities and patterns: one capability and one pattern at the top level, and lists for maps.</summary>
public sealed partial class ToolUpgrader
{
    /// <summary>Pattern keys that a single-pattern document writes at the top level (description and examples stay the tool's).</summary>
    private static readonly string[] TopLevelPatternKeys =
        [.. CatalogRules.PatternKeys.Except(CatalogRules.ToolKeys), "inputs"];

    /// <summary>
    /// <c>capability: {name, description}</c>, <c>pattern: {name, description}</c>, <c>inputs:</c> and <c>policy:</c> at the
    /// top level: one capability holding one pattern.
    /// </summary>
    private void SinglePatternShape(MapBuilder tool)
    {
        if (tool.Has("capabilities") || !(tool.Has("capability") || tool.Has("pattern")))
        {
            return;
        }
        var capabilityNode = tool.Remove("capability");
        var patternNode = tool.Remove("pattern");
        var capability = Named(capabilityNode, "capability", "main");
        var pattern = Named(patternNode, "pattern", "default");
        foreach (var key in TopLevelPatternKeys.Where(tool.Has))
        {
            var value = tool.Remove(key)!;
            if (pattern.Body.Has(key))
            {
                tool.Set(key, value); // the pattern map already holds one: the top-level value stays, verbatim
                continue;
            }
            pattern.Body.Set(key, value);
            Change(value, UpgradeAction.Moved, key, $"is capabilities.{capability.Name}.patterns.{pattern.Name}.{key}");
        }
        if (!capability.Body.Has("description") && pattern.Body["description"] is { } patternDescription)
        {
            capability.Body.Set("description", patternDescription);
            Change(patternDescription, UpgradeAction.Defaulted, $"capabilities.{capability.Name}.description", "taken from the pattern's description");
        }
        capability.Body.Set("patterns", new YamlMap(pattern.Body.Mark, [new(pattern.Name, pattern.Body.Build())]));
        var mark = capabilityNode?.Mark ?? patternNode!.Mark;
        tool.Set("capabilities", new YamlMap(mark, [new(capability.Name, capability.Body.Build())]));
        Change(mark, UpgradeAction.Moved, "capability", $"capability: and pattern: are capabilities.{capability.Name}.patterns.{pattern.Name}");
    }

    /// <summary>A <c>capability:</c> or <c>pattern:</c> value: a map whose name: becomes the key, or just a name.</summary>
    private (string Name, MapBuilder Body) Named(YamlNode? node, string path, string fallback)
    {
        switch (node)
        {
            case YamlMap map:
                var body = MapBuilder.From(map);
                var name = body["name"] is YamlScalar { Kind: ScalarKind.String } n ? MemberName(n, body, path) : null;
                if (name is null)
                {
                    Change(map, UpgradeAction.Defaulted, $"{path}.name", $"no name: '{fallback}'");
                }
                return (name ?? fallback, body);
            case YamlScalar { Kind: ScalarKind.String } text:
                return (MemberName(text, null, path), new MapBuilder(text.Mark, []));
            case null:
                return (fallback, new MapBuilder(SourceMark.None, []));
            default:
                // Neither map nor name: keep the value whole inside the member, under its original key.
                return (fallback, new MapBuilder(node.Mark, [new(path, node)]));
        }
    }

    /// <summary>A member name in lower_snake_case; the name: key is removed when it became the map key unchanged.</summary>
    private string MemberName(YamlScalar name, MapBuilder? body, string path)
    {
        var snake = Regex.Replace(name.Text.Trim().ToLowerInvariant(), "[^a-z0-9_]+", "_").Trim('_');
        snake = snake.Length == 0 || !char.IsAsciiLetterLower(snake[0]) ? "m_" + snake : snake;
        snake = snake.Length > 64 ? snake[..64] : snake;
        body?.Remove("name");
        if (snake != name.Text)
        {
            // The written name had no canonical spelling: it is the key now and stays, as written, under name:.
            body?.Set("name", name);
            Change(name, UpgradeAction.Converted, $"{path}.name", $"'{name.Text}' is the key '{snake}' (lower_snake_case)");
        }
        return snake;
    }

    /// <summary><c>capabilities:</c> (and each capability's <c>patterns:</c>) written as a list of maps with name:.</summary>
    private void CapabilityLists(MapBuilder tool)
    {
        if (tool["capabilities"] is YamlSequence list)
        {
            tool.Set("capabilities", ListToMap(list, "capabilities", "capability"));
        }
    }

    private YamlMap ListToMap(YamlSequence list, string path, string fallback)
    {
        var entries = new List<KeyValuePair<string, YamlNode>>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var (name, body) = Named(list.Items[i], $"{path}[{i}]", $"{fallback}_{i + 1}");
            while (entries.Exists(e => e.Key == name))
            {
                name += "_2"; // two items with one name: both are kept
            }
            entries.Add(new(name, body.Build()));
        }
        Change(list, UpgradeAction.Converted, path, $"a list of {list.Items.Count} maps is a map keyed by name");
        return new YamlMap(list.Mark, entries);
    }

    private void UpgradeCapabilities(MapBuilder tool)
    {
        if (tool["capabilities"] is not YamlMap capabilities)
        {
            return;
        }
        var upgraded = capabilities.Entries.Select(c => new KeyValuePair<string, YamlNode>(c.Key,
            c.Value is YamlMap capability ? Capability(capability, $"capabilities.{c.Key}") : c.Value)).ToList();
        tool.Set("capabilities", new YamlMap(capabilities.Mark, upgraded));
    }

    private YamlMap Capability(YamlMap source, string path)
    {
        var capability = MapBuilder.From(source);
        if (capability["patterns"] is YamlSequence list)
        {
            capability.Set("patterns", ListToMap(list, $"{path}.patterns", "pattern"));
        }
        if (capability["patterns"] is YamlMap patterns)
        {
            var upgraded = patterns.Entries.Select(p => new KeyValuePair<string, YamlNode>(p.Key,
                p.Value is YamlMap pattern ? Pattern(pattern, $"{path}.patterns.{p.Key}") : p.Value)).ToList();
            capability.Set("patterns", new YamlMap(patterns.Mark, upgraded));
        }
        return capability.Build();
    }
}
