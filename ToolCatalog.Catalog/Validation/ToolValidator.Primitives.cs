using System.Globalization;
using System.Text.RegularExpressions;
using ToolCatalog.Catalog.Expressions;
using ToolCatalog.Catalog.Yaml;
using static ToolCatalog.Catalog.Validation.CatalogRules;

namespace ToolCatalog.Catalog.Validation;

/// <summary>
/// The primitive checks that the rules in ToolValidator.cs are made of: each reports under path.key and returns the value when it has
/// the right shape, so a rule can go on checking what depends on it.
/// </summary>
public sealed partial class ToolValidator
{
    private string? RequiredString(YamlMap map, string path, string key)
    {
        if (map[key] is null)
        {
            Error(map, Join(path, key), "is required");
            return null;
        }
        return OptionalString(map, path, key);
    }

    private string? OptionalString(YamlMap map, string path, string key)
    {
        switch (map[key])
        {
            case null:
                return null;
            case YamlScalar { Kind: ScalarKind.String } s:
                return s.Text;
            case var other:
                Error(other, Join(path, key), $"must be text, not {Describe(other)}");
                return null;
        }
    }

    private string? OptionalEnum(YamlMap map, string path, string key, string[] allowed)
    {
        var value = OptionalString(map, path, key);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Error(map[key]!, Join(path, key), $"'{value}' is not one of: {string.Join(", ", allowed)}");
            return null;
        }
        return value;
    }

    /// <summary>A value of one of the deployment's vocabularies: unknown is an error in strict mode, a kept warning in upgrade mode.</summary>
    private string? RequiredTerm(YamlMap map, string path, string key, string vocabulary, IReadOnlyList<string> known)
    {
        if (map[key] is null)
        {
            Error(map, Join(path, key), $"is required (one of: {string.Join(", ", known)})");
            return null;
        }
        return OptionalTerm(map, path, key, vocabulary, known);
    }

    private string? OptionalTerm(YamlMap map, string path, string key, string vocabulary, IReadOnlyList<string> known)
    {
        var value = OptionalString(map, path, key);
        if (value is null || known.Contains(value, StringComparer.Ordinal))
        {
            return value;
        }
        var message = $"'{value}' is not one of: {string.Join(", ", known)} (the {vocabulary} vocabulary)";
        if (_settings.Mode == VocabularyMode.Upgrade)
        {
            _problems.Add(CatalogProblem.Warning(_file, map[key]!.Mark, Join(path, key),
                message + "; kept as is: add it to the deployment's vocabulary (Catalog:Vocabularies) to accept it on new writes"));
            return value;
        }
        Error(map[key]!, Join(path, key), message);
        return null;
    }

    private void OptionalBool(YamlMap map, string path, string key)
    {
        if (map[key] is { } node and not YamlScalar { Kind: ScalarKind.Bool })
        {
            Error(node, Join(path, key), $"must be true or false, not {Describe(node)}");
        }
    }

    private void UnitInterval(YamlMap map, string path, string key, bool required)
    {
        var node = map[key];
        if (node is null)
        {
            if (required)
            {
                Error(map, Join(path, key), "is required (a number from 0 to 1)");
            }
            return;
        }
        if (node is not YamlScalar { AsNumber: { } value } || value is < 0 or > 1)
        {
            Error(node, Join(path, key), $"must be a number from 0 to 1, not {Describe(node)}");
        }
    }

    private void Number(YamlMap map, string path, string key, double min, bool integer)
    {
        if (map[key] is not { } node)
        {
            return;
        }
        // A number past double's range (1e400) is read back as infinity, which the estimate route cannot compare with.
        var ok = node is YamlScalar { AsNumber: { } value } s && (!integer || s.Kind == ScalarKind.Int) && value >= min && double.IsFinite(value);
        if (!ok)
        {
            Error(node, Join(path, key), $"must be {(integer ? "a whole number" : "a number")} >= {min}, not {Describe(node)}");
        }
    }

    private YamlMap? RequiredMap(YamlMap map, string path, string key)
    {
        if (map[key] is null)
        {
            Error(map, Join(path, key), "is required");
            return null;
        }
        return OptionalMap(map, path, key);
    }

    private YamlMap? OptionalMap(YamlMap map, string path, string key) =>
        map[key] is { } node ? AsMap(node, Join(path, key)) : null;

    private YamlMap? AsMap(YamlNode node, string path)
    {
        if (node is YamlMap m)
        {
            return m;
        }
        Error(node, path, $"must be a map, not {Describe(node)}");
        return null;
    }

    private YamlSequence? OptionalSequence(YamlMap map, string path, string key)
    {
        switch (map[key])
        {
            case null:
                return null;
            case YamlSequence s:
                return s;
            case var other:
                Error(other, Join(path, key), $"must be a list, not {Describe(other)}");
                return null;
        }
    }

    private YamlSequence? StringList(YamlMap map, string path, string key, bool required)
    {
        if (map[key] is null && required)
        {
            Error(map, Join(path, key), "is required (a list of text)");
            return null;
        }
        if (OptionalSequence(map, path, key) is not { } list)
        {
            return null;
        }
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (list.Items[i] is not YamlScalar { Kind: ScalarKind.String })
            {
                var hint = list.Items[i] is YamlMap ? " (an unquoted item containing ': ' is read as a map: quote it)" : "";
                Error(list.Items[i], $"{Join(path, key)}[{i}]", $"must be text, not {Describe(list.Items[i])}{hint}");
            }
        }
        return list;
    }

    private void UnknownKeys(YamlMap map, string path, string[] known)
    {
        foreach (var (key, value) in map.Entries)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                _problems.Add(CatalogProblem.Warning(_file, value.Mark, Join(path, key),
                    "key is not part of the format; it is kept as is and exported again"));
            }
        }
    }

    private void Error(YamlNode node, string path, string message) =>
        _problems.Add(CatalogProblem.Error(_file, node.Mark, path, message));

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Describe(YamlNode node) => node switch
    {
        YamlMap => "a map",
        YamlSequence => "a list",
        YamlScalar { Kind: ScalarKind.Null } => "empty (null)",
        YamlScalar { Kind: ScalarKind.Bool } s => $"the boolean {s.Text}",
        YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } s => $"the number {s.Text}",
        YamlScalar s => $"the text \"{(s.Text.Length > 40 ? s.Text[..40] + "…" : s.Text)}\"",
        _ => "a value",
    };
}
