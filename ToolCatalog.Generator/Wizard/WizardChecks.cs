using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ToolCatalog.Catalog.Expressions;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Generator.Wizard;

/// <summary>The checks behind the prompts: the catalog format's rules, phrased for the person answering.</summary>
public static class WizardChecks
{
    public static string? ToolName(string value) =>
        CatalogRules.ToolName().IsMatch(value) ? null : "must start with a letter and hold only letters, digits, '_', '.', '-' (at most 100 characters)";

    public static string? Version(string value) =>
        CatalogRules.Version().IsMatch(value) ? null : "must look like 1, 1.2 or 1.2.3, optionally with a -suffix or +build";

    public static string? Description(string value) =>
        value.Trim().Length is >= 10 and <= 2000 ? null : "must be 10 to 2000 characters";

    public static string? NotEmpty(string value) => value.Trim().Length > 0 ? null : "must not be empty";

    /// <summary>A capability, pattern or input name, unique among <paramref name="taken"/>.</summary>
    public static Func<string, string?> MemberName(IReadOnlyCollection<string> taken, bool allowStandardVariables = false) => value =>
        !CatalogRules.MemberName().IsMatch(value) && !(allowStandardVariables && EstimateExpression.StandardVariables.Contains(value))
            ? "must be lower_snake_case: a letter, then a-z, 0-9 or _ (at most 64)"
            : taken.Contains(value)
                ? $"'{value}' is already used here"
                : null;

    public static string? OptionalUrl(string value) =>
        value.Length == 0 || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            ? null
            : "must be an absolute http(s) URL, or empty";

    public static string? OptionalRegex(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }
        try
        {
            _ = new Regex(value, RegexOptions.None, TimeSpan.FromMilliseconds(250));
            // Exported as a JSON Schema pattern: ask again now rather than write a file the validator refuses.
            return EcmaScriptPattern.Problem(value);
        }
        catch (ArgumentException ex)
        {
            return $"is not a valid .NET regular expression: {ex.Message}";
        }
    }

    /// <summary>Checks a typed value written as text (an input's default or an example value); empty means none.</summary>
    public static string? OptionalValue(string type, string value) => value.Length == 0 || TypedValue(type, value) is not null
        ? null
        : $"must be a value of type {type}{(type is "array" or "object" ? " in JSON" : "")}";

    /// <summary>The text as a JSON value of the input type, or null when it is not one.</summary>
    public static JsonNode? TypedValue(string type, string value)
    {
        switch (type)
        {
            case "string":
                return JsonValue.Create(value);
            case "integer":
                return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) ? JsonValue.Create(integer) : null;
            case "number":
                return Prompter.TryNumber(value, out var number) ? JsonValue.Create(number) : null;
            case "boolean":
                return value.ToLowerInvariant() switch { "true" => JsonValue.Create(true), "false" => JsonValue.Create(false), _ => null };
            default:
                try
                {
                    var node = JsonNode.Parse(value);
                    return type == "array" ? node as JsonArray : node as JsonObject;
                }
                catch (JsonException)
                {
                    return null;
                }
        }
    }

    /// <summary>"name:type" items (output properties, dependencies).</summary>
    public static Func<string, string?> NameAndType(string[] types) => item =>
    {
        var parts = item.Split(':', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0)
        {
            return "write name:type";
        }
        return types.Contains(parts[1], StringComparer.Ordinal) ? null : $"type must be one of: {string.Join(", ", types)}";
    };
}
