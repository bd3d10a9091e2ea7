namespace ToolCatalog.Catalog.Yaml;

/// <summary>
/// Compares two YAML documents as data: values, scalar types, the set of keys and their order in every map.
/// Formatting, comments and quoting style do not count; anything a program reading the file could see does.
/// </summary>
public static class YamlDataComparer
{
    public static IReadOnlyList<string> Differences(YamlNode expected, YamlNode actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, "$", differences);
        return differences;
    }

    private static void Compare(YamlNode expected, YamlNode actual, string path, List<string> differences)
    {
        switch (expected, actual)
        {
            case (YamlMap e, YamlMap a):
                var expectedKeys = e.Entries.Select(p => p.Key).ToList();
                var actualKeys = a.Entries.Select(p => p.Key).ToList();
                foreach (var missing in expectedKeys.Except(actualKeys, StringComparer.Ordinal))
                {
                    differences.Add($"{path}.{missing}: missing");
                }
                foreach (var extra in actualKeys.Except(expectedKeys, StringComparer.Ordinal))
                {
                    differences.Add($"{path}.{extra}: unexpected key");
                }
                var common = expectedKeys.Intersect(actualKeys, StringComparer.Ordinal).ToList();
                if (!common.SequenceEqual(actualKeys.Intersect(expectedKeys, StringComparer.Ordinal), StringComparer.Ordinal))
                {
                    differences.Add($"{path}: key order differs (expected {string.Join(", ", common)}; got {string.Join(", ", actualKeys)})");
                }
                foreach (var key in common)
                {
                    Compare(e[key]!, a[key]!, $"{path}.{key}", differences);
                }
                break;
            case (YamlSequence e, YamlSequence a):
                if (e.Items.Count != a.Items.Count)
                {
                    differences.Add($"{path}: {e.Items.Count} items expected, {a.Items.Count} found");
                }
                for (var i = 0; i < Math.Min(e.Items.Count, a.Items.Count); i++)
                {
                    Compare(e.Items[i], a.Items[i], $"{path}[{i}]", differences);
                }
                break;
            case (YamlScalar e, YamlScalar a):
                if (e.Kind != a.Kind)
                {
                    differences.Add($"{path}: type {e.Kind} expected, {a.Kind} found ({e.Text} vs {a.Text})");
                }
                else if (!string.Equals(e.Text, a.Text, StringComparison.Ordinal))
                {
                    differences.Add($"{path}: '{e.Text}' expected, '{a.Text}' found");
                }
                break;
            default:
                differences.Add($"{path}: {expected.GetType().Name} expected, {actual.GetType().Name} found");
                break;
        }
    }
}
