using System.Globalization;
using ToolCatalog.Catalog.Expressions;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Upgrade;

/// <summary>Inside a pattern: input lists, input types and defaults, the legacy policy names, and expression variables.</summary>
public sealed partial class ToolUpgrader
{
    private static readonly string[] Expressions = ["time_estimate_ms", "cost_estimate"];

    private YamlMap Pattern(YamlMap source, string path)
    {
        var pattern = MapBuilder.From(source);
        SplitInputs(pattern, path);
        foreach (var list in (string[])["required_inputs", "optional_inputs"])
        {
            if (pattern[list] is YamlSequence inputs)
            {
                pattern.Set(list, new YamlSequence(inputs.Mark,
                    inputs.Items.Select((item, i) => item is YamlMap input ? Input(input, $"{path}.{list}[{i}]") : item).ToList()));
            }
        }
        if (pattern["policy"] is YamlMap policy)
        {
            pattern.Set("policy", Policy(policy, $"{path}.policy"));
        }
        var description = pattern["description"] as YamlScalar;
        Default(pattern, "description", MapBuilder.Text(pattern.Mark, path.Split('.')[^1].Replace('_', ' ') + " (no description in the source)"), true, path);
        if (!pattern.Has("typical_use_cases") && description is { Kind: ScalarKind.String })
        {
            pattern.Set("typical_use_cases", new YamlSequence(description.Mark, [description]));
            Change(description, UpgradeAction.Defaulted, $"{path}.typical_use_cases", "missing in the source: [the pattern's description]");
            _needsReview = true;
        }
        Default(pattern, "typical_use_cases", new YamlSequence(pattern.Mark, [pattern["description"]!]), true, path);
        Default(pattern, "time_estimate_ms", MapBuilder.Text(pattern.Mark, "1000"), true, path);
        Default(pattern, "cost_estimate", MapBuilder.Text(pattern.Mark, "0"), true, path);
        Default(pattern, "complexity_score", new YamlScalar(pattern.Mark, ScalarKind.Float, "0.5"), true, path);
        DeclareExpressionVariables(pattern, path);
        return pattern.Build();
    }

    /// <summary>One <c>inputs:</c> list whose items say <c>required: true|false</c>: the two canonical lists.</summary>
    private void SplitInputs(MapBuilder pattern, string path)
    {
        if (pattern["inputs"] is not YamlSequence inputs || pattern.Has("required_inputs") || pattern.Has("optional_inputs"))
        {
            return;
        }
        pattern.Remove("inputs");
        var required = new List<YamlNode>();
        var optional = new List<YamlNode>();
        for (var i = 0; i < inputs.Items.Count; i++)
        {
            if (inputs.Items[i] is not YamlMap item || item["required"] is not YamlScalar { Kind: ScalarKind.Bool } flag)
            {
                // No required: flag (or not a map): optional, the item kept whole.
                optional.Add(inputs.Items[i]);
                continue;
            }
            var input = MapBuilder.From(item);
            input.Remove("required");
            var into = flag.AsBool == true ? required : optional;
            Change(flag, UpgradeAction.Converted, $"{path}.inputs[{i}].required", flag.AsBool == true ? "is membership of required_inputs" : "is membership of optional_inputs");
            into.Add(input.Build());
        }
        pattern.Set("required_inputs", new YamlSequence(inputs.Mark, required));
        pattern.Set("optional_inputs", new YamlSequence(inputs.Mark, optional));
        Change(inputs, UpgradeAction.Moved, $"{path}.inputs",
            $"{required.Count} input(s) with required: true are required_inputs, {optional.Count} other(s) optional_inputs");
    }

    private YamlMap Input(YamlMap source, string path)
    {
        var input = MapBuilder.From(source);
        if (input["type"] is YamlScalar { Kind: ScalarKind.String, Text: "float" or "double" or "decimal" } legacyType)
        {
            input.Set("type", MapBuilder.Text(legacyType.Mark, "number"));
            Change(legacyType, UpgradeAction.Converted, $"{path}.type", $"{legacyType.Text} is number");
        }
        if (input["validation"] is YamlScalar { Kind: ScalarKind.String } pattern && CaseInsensitivePattern.Translate(pattern.Text) is { } translated)
        {
            input.Set("validation", MapBuilder.Text(pattern.Mark, translated));
            Change(pattern, UpgradeAction.Converted, $"{path}.validation", $"(?i) is not JavaScript: '{pattern.Text}' is '{translated}'");
        }
        var type = (input["type"] as YamlScalar)?.Text;
        if (input["default"] is YamlScalar { Kind: ScalarKind.String } text && TypedDefault(text, type) is { } typed)
        {
            input.Set("default", typed);
            Change(text, UpgradeAction.Converted, $"{path}.default", $"the text \"{text.Text}\" is the {type} {typed.Text}");
        }
        return input.Build();
    }

    private static YamlScalar? TypedDefault(YamlScalar text, string? type)
    {
        var (kind, canonical) = ScalarResolver.ResolvePlain(text.Text.Trim());
        return (type, kind) switch
        {
            ("boolean", ScalarKind.Bool) => new YamlScalar(text.Mark, kind, canonical),
            ("integer", ScalarKind.Int) or ("number", ScalarKind.Int or ScalarKind.Float) => new YamlScalar(text.Mark, kind, canonical),
            _ => null,
        };
    }

    /// <summary><c>approval_required</c> is <c>requires_approval</c>; <c>timeout_seconds</c> is <c>max_execution_time</c> in ms.</summary>
    private YamlMap Policy(YamlMap source, string path)
    {
        var policy = MapBuilder.From(source);
        if (policy.Has("approval_required") && !policy.Has("requires_approval"))
        {
            policy.Rename("approval_required", "requires_approval");
            Change(policy["requires_approval"]!, UpgradeAction.Renamed, $"{path}.approval_required", "is requires_approval");
            if (policy["requires_approval"] is YamlScalar { Kind: ScalarKind.String } text && TypedDefault(text, "boolean") is { } flag)
            {
                policy.Set("requires_approval", flag);
                Change(text, UpgradeAction.Converted, $"{path}.requires_approval", $"the text \"{text.Text}\" is the boolean {flag.Text}");
            }
        }
        if (policy["timeout_seconds"] is YamlScalar { AsNumber: { } seconds } timeout && !policy.Has("max_execution_time")
            && double.IsFinite(seconds * 1000) && seconds * 1000 == Math.Round(seconds * 1000) && seconds > 0)
        {
            var ms = (seconds * 1000).ToString("0", CultureInfo.InvariantCulture);
            policy.Rename("timeout_seconds", "max_execution_time");
            policy.Set("max_execution_time", new YamlScalar(timeout.Mark, ScalarKind.Int, ms));
            Change(timeout, UpgradeAction.Converted, $"{path}.timeout_seconds", $"{timeout.Text} s is max_execution_time: {ms} (ms)");
        }
        return policy.Build();
    }

    /// <summary>
    /// Variables the expressions use that the pattern never declares: declared as optional number inputs with no default,
    /// so an estimate asks for them by name instead of failing as an unknown variable.
    /// </summary>
    private void DeclareExpressionVariables(MapBuilder pattern, string path)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in (string[])["required_inputs", "optional_inputs"])
        {
            foreach (var item in (pattern[list] as YamlSequence)?.Items ?? [])
            {
                if (item is YamlMap { } input && input["name"] is YamlScalar { Kind: ScalarKind.String } name)
                {
                    declared.Add(name.Text);
                }
            }
        }
        var expressions = Expressions.Select(k => (Key: k, Node: pattern[k]))
            .Append(("policy.requires_background_if", (pattern["policy"] as YamlMap)?["requires_background_if"]));
        if (pattern.Has("optional_inputs") && pattern["optional_inputs"] is not YamlSequence)
        {
            return; // not a list: the validator reports it, and there is nowhere to declare the variables
        }
        var added = new List<YamlNode>();
        foreach (var (key, node) in expressions)
        {
            if (node is not YamlScalar { Kind: ScalarKind.String } expression)
            {
                continue;
            }
            foreach (var variable in EstimateExpression.UndeclaredVariables(expression.Text, declared))
            {
                declared.Add(variable);
                added.Add(new YamlMap(expression.Mark,
                [
                    new("name", MapBuilder.Text(expression.Mark, variable)),
                    new("type", MapBuilder.Text(expression.Mark, "number")),
                    new("description", MapBuilder.Text(expression.Mark, $"used by {key}; declared by the upgrade, no default")),
                ]));
                Change(expression, UpgradeAction.Declared, $"{path}.{key}", $"variable '{variable}' was never declared: it is an optional number input with no default");
            }
        }
        if (added.Count > 0)
        {
            var existing = pattern["optional_inputs"] as YamlSequence;
            pattern.Set("optional_inputs", new YamlSequence(existing?.Mark ?? pattern.Mark, [.. existing?.Items ?? [], .. added]));
        }
    }
}
