using ToolCatalog.Catalog.Yaml;
using static ToolCatalog.Catalog.Validation.CatalogRules;

namespace ToolCatalog.Catalog.Validation;

/// <summary>Capability names: their spelling, and whether the shared vocabulary knows them.</summary>
public sealed partial class ToolValidator
{
    /// <summary>How many canonical capabilities a warning suggests for a name outside the vocabulary.</summary>
    public const int CapabilitySuggestions = 3;

    private void CapabilityName(string name, YamlNode node, string path)
    {
        if (!MemberName().IsMatch(name))
        {
            Error(node, path, "capability names are lower_snake_case: start with a letter, then a-z, 0-9, _ (at most 64)");
            return;
        }
        var vocabulary = _settings.Vocabulary.Capabilities;
        if (vocabulary.Find(name) is not null)
        {
            return;
        }
        // Open vocabulary: other catalogs have names of their own, so this is a warning; selection by a shared name
        // only finds the tool once it uses (or aliases) a canonical capability.
        var closest = vocabulary.Closest(name, CapabilitySuggestions);
        _problems.Add(CatalogProblem.Warning(_file, node.Mark, path, $"'{name}' is not in the capability vocabulary (kept as is); "
            + (closest.Count > 0 ? $"closest canonical capabilities: {string.Join(", ", closest)}" : "no canonical capability is close")));
    }
}
