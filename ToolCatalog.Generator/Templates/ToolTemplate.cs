using System.Text.RegularExpressions;

namespace ToolCatalog.Generator.Templates;

/// <summary>
/// One embedded template: a complete tool file whose variable parts are <c>{{placeholders}}</c> inside double-quoted
/// YAML strings, plus header comments (<c># template:</c>, <c># summary:</c>, <c># default key: value</c>) that describe it
/// and are dropped from the rendered file.
/// </summary>
public sealed partial record ToolTemplate(string Name, string Summary, IReadOnlyDictionary<string, string> Defaults, string Body)
{
    /// <summary>Placeholder names the body uses, in order of first use.</summary>
    public IReadOnlyList<string> Placeholders { get; } = PlaceholderPattern().Matches(Body).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    public string DefaultPlatform => Defaults.GetValueOrDefault("platform", "custom");
    public string DefaultCategory => Defaults.GetValueOrDefault("category", "automation");

    public static ToolTemplate Parse(string name, string text)
    {
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        var summary = "";
        var body = new List<string>();
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith("# template:", StringComparison.Ordinal))
            {
                continue;
            }
            if (line.StartsWith("# summary:", StringComparison.Ordinal))
            {
                summary = line["# summary:".Length..].Trim();
                continue;
            }
            if (DefaultLine().Match(line) is { Success: true } match)
            {
                defaults[match.Groups[1].Value] = match.Groups[2].Value.Trim();
                continue;
            }
            body.Add(line);
        }
        return new ToolTemplate(name, summary, defaults, string.Join('\n', body));
    }

    [GeneratedRegex(@"\{\{([a-z_][a-z0-9_]*)\}\}")]
    internal static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"^# default ([a-z_][a-z0-9_]*):(.*)$")]
    private static partial Regex DefaultLine();
}
