using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Generator.Templates;

/// <summary>A template argument that cannot be used: unknown template, malformed --set. A usage error (exit 2).</summary>
public sealed class TemplateUsageException(string message) : Exception(message);

/// <summary>The rendered file and where it belongs in the catalog layout.</summary>
public sealed record RenderedTool(string ToolName, string Platform, string Yaml)
{
    public string RelativePath => $"{Platform}/{ToolName}.yaml";
}

/// <summary>Loads the embedded templates and fills them in.</summary>
public static partial class TemplateRenderer
{
    /// <summary>The templates, in the order they are listed.</summary>
    public static readonly string[] Names = ["simple_command", "api_tool", "database_tool", "monitoring_tool", "automation_tool"];

    private static readonly Lazy<IReadOnlyList<ToolTemplate>> Loaded = new(() => Names.Select(Load).ToList());

    public static IReadOnlyList<ToolTemplate> All => Loaded.Value;

    public static ToolTemplate Get(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new TemplateUsageException($"unknown template '{name}' (templates: {string.Join(", ", Names)})");

    /// <summary>
    /// Fills the template. A <paramref name="settings"/> key naming a placeholder fills it; any other key is a dotted path
    /// in the tool document (<c>status</c>, <c>metadata.author</c>) set to the value read as a YAML scalar.
    /// </summary>
    public static RenderedTool Render(ToolTemplate template, string toolName, IReadOnlyDictionary<string, string> settings, DateOnly today)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tool_name"] = toolName,
            ["version"] = "1.0.0",
            ["author"] = string.IsNullOrWhiteSpace(Environment.UserName) ? "unknown" : Environment.UserName,
            ["date"] = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in template.Defaults)
        {
            values[key] = value;
        }
        var paths = new List<(string Path, string Value)>();
        foreach (var (key, value) in settings)
        {
            if (key == "tool_name")
            {
                throw new TemplateUsageException("tool_name is the command's second argument, not a --set key");
            }
            if (values.ContainsKey(key) || template.Placeholders.Contains(key))
            {
                values[key] = value;
            }
            else if (SettingPath().IsMatch(key))
            {
                paths.Add((key, value));
            }
            else
            {
                throw new TemplateUsageException($"--set {key}: not a placeholder of {template.Name} ({string.Join(", ", template.Placeholders)}) nor a path such as metadata.author");
            }
        }
        ResolveNested(values);

        var body = ToolTemplate.PlaceholderPattern().Replace(template.Body, m =>
            values.TryGetValue(m.Groups[1].Value, out var value)
                ? EscapeDoubleQuoted(value)
                : throw new TemplateUsageException($"template {template.Name} uses {{{{{m.Groups[1].Value}}}}} but has no value for it: pass --set {m.Groups[1].Value}=..."));
        if (paths.Count > 0)
        {
            body = ApplyPaths(body, paths);
        }
        return new RenderedTool(toolName, values.GetValueOrDefault("platform", template.DefaultPlatform), body.TrimEnd('\n') + "\n");
    }

    /// <summary>Splits <c>key=value</c> arguments; a missing '=' is a usage error.</summary>
    public static Dictionary<string, string> ParseSettings(IEnumerable<string> pairs)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new TemplateUsageException($"--set '{pair}': expected key=value");
            }
            settings[pair[..eq].Trim()] = pair[(eq + 1)..];
        }
        return settings;
    }

    // Defaults may refer to other values ("Run {{command}} ..."); a few passes settle any chain a template can hold.
    private static void ResolveNested(Dictionary<string, string> values)
    {
        for (var pass = 0; pass < 5; pass++)
        {
            var changed = false;
            foreach (var key in values.Keys.ToList())
            {
                var resolved = ToolTemplate.PlaceholderPattern().Replace(values[key], m => values.GetValueOrDefault(m.Groups[1].Value, m.Value));
                changed |= resolved != values[key];
                values[key] = resolved;
            }
            if (!changed)
            {
                return;
            }
        }
    }

    /// <summary>Placeholders sit inside double-quoted scalars, so a value must be escaped the way such a scalar reads.</summary>
    internal static string EscapeDoubleQuoted(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => @"\\",
                '"' => "\\\"",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ when char.IsControl(c) => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    // Setting a field the template has no placeholder for means editing the data; the file is written again by
    // YamlWriter (same data and key order, the template's comments are lost).
    private static string ApplyPaths(string yaml, List<(string Path, string Value)> paths)
    {
        var problems = new List<CatalogProblem>();
        var roots = YamlReader.ReadAll(yaml, "template", problems);
        if (roots is not [YamlMap root] || YamlJson.ToJson(root) is not JsonObject document)
        {
            throw new TemplateUsageException("the filled-in template is not a YAML map: " + string.Join("; ", problems));
        }
        foreach (var (path, value) in paths)
        {
            var segments = path.Split('.');
            var target = document;
            foreach (var segment in segments[..^1])
            {
                if (target[segment] is not JsonObject next)
                {
                    next = [];
                    target[segment] = next;
                }
                target = next;
            }
            target[segments[^1]] = ScalarNode(value);
        }
        return YamlWriter.Write(YamlJson.FromJson(document));
    }

    private static JsonNode? ScalarNode(string value)
    {
        var (kind, text) = ScalarResolver.ResolvePlain(value);
        return YamlJson.ToJson(new YamlScalar(SourceMark.None, kind, text));
    }

    private static ToolTemplate Load(string name)
    {
        var resource = $"ToolCatalog.Generator.Templates.{name}.yaml";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded template {resource} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return ToolTemplate.Parse(name, reader.ReadToEnd());
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$")]
    private static partial Regex SettingPath();
}
