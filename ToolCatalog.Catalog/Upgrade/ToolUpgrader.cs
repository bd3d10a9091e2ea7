using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Vocabulary;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Upgrade;

/// <summary>
/// Rewrites a legacy tool document into the canonical format (docs/catalog-format.md, "Legacy shapes"): a pure
/// transform of parsed YAML data that reports every change with the source line:col and never drops a value — what
/// has no canonical place stays under its original key, which the format keeps verbatim. A canonical document comes
/// back as the same node with no changes.
/// </summary>
public sealed partial class ToolUpgrader
{
    private readonly List<UpgradeChange> _changes = [];

    /// <summary>Set when the upgrade had to invent a required value: the tool is then stored as a draft to review.</summary>
    private bool _needsReview;

    private ToolUpgrader()
    {
    }

    /// <param name="canonicalCapabilities">When given, capabilities are renamed to this vocabulary's canonical names (opt-in).</param>
    public static UpgradedTool Upgrade(YamlNode root, CapabilityVocabulary? canonicalCapabilities = null)
    {
        if (root is not YamlMap map)
        {
            return new UpgradedTool(root, []);
        }
        var upgrader = new ToolUpgrader();
        var upgraded = upgrader.Tool(map, canonicalCapabilities);
        return upgrader._changes.Count == 0 ? new UpgradedTool(root, []) : new UpgradedTool(upgraded, upgrader._changes);
    }

    private YamlMap Tool(YamlMap source, CapabilityVocabulary? canonicalCapabilities)
    {
        var tool = MapBuilder.From(source);
        Unwrap(tool);
        if (tool.Has("name") && !tool.Has("tool_name"))
        {
            tool.Rename("name", "tool_name");
            Change(tool["tool_name"]!, UpgradeAction.Renamed, "name", "top-level name is tool_name");
        }
        if (tool["tool_name"] is not YamlScalar { Kind: ScalarKind.String })
        {
            // No name at all: nothing to address the tool by. The validator reports it; inventing one would hide it.
            return tool.Build();
        }
        VersionAsText(tool);
        TagsIntoMetadata(tool);
        SinglePatternShape(tool);
        CapabilityLists(tool);
        UpgradeCapabilities(tool);
        if (canonicalCapabilities is not null)
        {
            CanonicalCapabilities(tool, canonicalCapabilities);
        }
        ToolDefaults(tool);
        if (_changes.Count > 0)
        {
            tool.Order(CatalogRules.ToolKeys);
        }
        return tool.Build();
    }

    /// <summary><c>tool: {...}</c> around the whole document: its keys move to the top level.</summary>
    private void Unwrap(MapBuilder tool)
    {
        if (tool["tool"] is not YamlMap wrapped || tool.Has("tool_name") || tool.Has("name"))
        {
            return;
        }
        tool.Remove("tool");
        var outer = tool.Entries.ToList();
        var clashing = wrapped.Entries.Where(e => tool.Has(e.Key)).ToList();
        var unwrapped = new MapBuilder(wrapped.Mark, wrapped.Entries.Where(e => !tool.Has(e.Key)).Concat(outer));
        if (clashing.Count > 0)
        {
            // A key both inside and outside the wrapper: the outer one keeps its place, the inner stays under tool:.
            unwrapped.Set("tool", new YamlMap(wrapped.Mark, clashing));
        }
        foreach (var (key, value) in unwrapped.Entries)
        {
            tool.Remove(key);
        }
        foreach (var (key, value) in unwrapped.Entries)
        {
            tool.Set(key, value);
        }
        Change(wrapped, UpgradeAction.Moved, "tool", $"the tool: wrapper is removed: its {wrapped.Entries.Count - clashing.Count} keys are now top-level");
    }

    private void VersionAsText(MapBuilder tool)
    {
        if (tool["version"] is YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } number)
        {
            tool.Set("version", MapBuilder.Text(number.Mark, number.Text));
            Change(number, UpgradeAction.Converted, "version", $"the number {number.Text} is the text \"{number.Text}\"");
        }
    }

    private void TagsIntoMetadata(MapBuilder tool)
    {
        if (tool["tags"] is not { } tags)
        {
            return;
        }
        var metadata = tool["metadata"] as YamlMap;
        if (tool.Has("metadata") && metadata is null || metadata?["tags"] is not null)
        {
            return; // metadata.tags already holds tags: the top-level list stays where it is, kept verbatim.
        }
        var builder = metadata is null ? new MapBuilder(tags.Mark, []) : MapBuilder.From(metadata);
        builder.Set("tags", tool.Remove("tags")!);
        builder.Order(CatalogRules.MetadataKeys);
        tool.Set("metadata", builder.Build());
        Change(tags, UpgradeAction.Moved, "tags", "top-level tags are metadata.tags");
    }

    /// <summary>Required tool fields the source lacks: defaulted and reported, and the tool becomes a draft to review.</summary>
    private void ToolDefaults(MapBuilder tool)
    {
        var name = ((YamlScalar)tool["tool_name"]!).Text;
        Default(tool, "version", MapBuilder.Text(tool.Mark, "1.0.0"), review: false);
        Default(tool, "description", MapBuilder.Text(tool.Mark, $"{name}: imported without a description"), review: true);
        Default(tool, "platform", MapBuilder.Text(tool.Mark, "custom"), review: true);
        Default(tool, "category", MapBuilder.Text(tool.Mark, "system"), review: true);
        if (!tool.Has("capabilities"))
        {
            // The format allows a draft with no capabilities yet; it is stored and listed but has nothing to select.
            tool.Set("capabilities", new YamlMap(tool.Mark, []));
            Change(tool.Mark, UpgradeAction.Defaulted, "capabilities", "no capabilities yet: {} and the tool is a draft");
            _needsReview = true;
        }
        if (!_needsReview || tool["status"] is YamlScalar { Text: "draft" })
        {
            return;
        }
        if (tool["status"] is { } status)
        {
            tool.Rename("status", "source_status");
            Change(status, UpgradeAction.Moved, "status", "kept as source_status: the tool is a draft until its defaulted values are reviewed");
        }
        tool.Set("status", MapBuilder.Text(tool.Mark, "draft"));
        Change(tool.Mark, UpgradeAction.Defaulted, "status", "draft: required values were defaulted and need a review");
    }

    private void Default(MapBuilder map, string key, YamlNode value, bool review, string path = "")
    {
        if (map.Has(key))
        {
            return;
        }
        map.Set(key, value);
        var shown = value is YamlScalar s ? $"\"{s.Text}\"" : "a default";
        Change(map.Mark, UpgradeAction.Defaulted, Join(path, key), $"missing in the source: {shown}");
        _needsReview |= review;
    }

    private void Change(YamlNode node, UpgradeAction action, string path, string message) => Change(node.Mark, action, path, message);

    private void Change(SourceMark mark, UpgradeAction action, string path, string message) =>
        _changes.Add(new UpgradeChange(mark, action, path, message));

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
