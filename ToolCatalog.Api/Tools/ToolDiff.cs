using System.Globalization;
using System.Text.Json.Nodes;

namespace ToolCatalog.Api.Tools;

public sealed record DiffEntry(string Path, string Kind, JsonNode? Old, JsonNode? New);

public sealed record BreakingChange(string Path, string Reason);

public sealed record ToolDiffResult(string Tool, string From, string To, IReadOnlyList<DiffEntry> Changes, IReadOnlyList<BreakingChange> Breaking);

/// <summary>
/// Structural diff of two versions of a tool, plus what in it breaks a consumer: a required input added, an input
/// removed or retyped, an output field removed, a capability or pattern removed, a policy made stricter.
/// </summary>
public static class ToolDiff
{
    public static (IReadOnlyList<DiffEntry> Changes, IReadOnlyList<BreakingChange> Breaking) Compare(JsonObject from, JsonObject to)
    {
        var changes = new List<DiffEntry>();
        Walk(from, to, "", changes);
        return (changes, Breaking(from, to));
    }

    private static void Walk(JsonNode? a, JsonNode? b, string path, List<DiffEntry> changes)
    {
        switch (a, b)
        {
            case (JsonObject oa, JsonObject ob):
                foreach (var (key, value) in oa)
                {
                    var child = Join(path, key);
                    if (!ob.ContainsKey(key))
                    {
                        changes.Add(new DiffEntry(child, "removed", value?.DeepClone(), null));
                    }
                    else
                    {
                        Walk(value, ob[key], child, changes);
                    }
                }
                foreach (var (key, value) in ob)
                {
                    if (!oa.ContainsKey(key))
                    {
                        changes.Add(new DiffEntry(Join(path, key), "added", null, value?.DeepClone()));
                    }
                }
                break;
            case (JsonArray xa, JsonArray xb):
                for (var i = 0; i < Math.Max(xa.Count, xb.Count); i++)
                {
                    var child = $"{path}[{i}]";
                    if (i >= xa.Count)
                    {
                        changes.Add(new DiffEntry(child, "added", null, xb[i]?.DeepClone()));
                    }
                    else if (i >= xb.Count)
                    {
                        changes.Add(new DiffEntry(child, "removed", xa[i]?.DeepClone(), null));
                    }
                    else
                    {
                        Walk(xa[i], xb[i], child, changes);
                    }
                }
                break;
            default:
                if (!JsonNode.DeepEquals(a, b))
                {
                    changes.Add(new DiffEntry(path, "changed", a?.DeepClone(), b?.DeepClone()));
                }
                break;
        }
    }

    private static List<BreakingChange> Breaking(JsonObject from, JsonObject to)
    {
        var breaking = new List<BreakingChange>();
        var oldCaps = from["capabilities"] as JsonObject ?? [];
        var newCaps = to["capabilities"] as JsonObject ?? [];
        foreach (var (capName, capNode) in oldCaps)
        {
            var capPath = $"capabilities.{capName}";
            if (newCaps[capName] is not JsonObject newCap)
            {
                breaking.Add(new BreakingChange(capPath, "capability removed"));
                continue;
            }
            var oldPatterns = capNode?["patterns"] as JsonObject ?? [];
            var newPatterns = newCap["patterns"] as JsonObject ?? [];
            foreach (var (patName, patNode) in oldPatterns)
            {
                var patPath = $"{capPath}.patterns.{patName}";
                if (newPatterns[patName] is not JsonObject newPattern || patNode is not JsonObject oldPattern)
                {
                    breaking.Add(new BreakingChange(patPath, "pattern removed"));
                    continue;
                }
                Inputs(oldPattern, newPattern, patPath, breaking);
                Outputs(oldPattern["output_schema"] as JsonObject, newPattern["output_schema"] as JsonObject, $"{patPath}.output_schema", breaking);
                Policy(oldPattern["policy"] as JsonObject, newPattern["policy"] as JsonObject, $"{patPath}.policy", breaking);
            }
        }
        return breaking;
    }

    private static void Inputs(JsonObject oldPattern, JsonObject newPattern, string path, List<BreakingChange> breaking)
    {
        var oldRequired = InputTypes(oldPattern, "required_inputs");
        var oldAll = oldRequired.Concat(InputTypes(oldPattern, "optional_inputs")).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var newRequired = InputTypes(newPattern, "required_inputs");
        var newAll = newRequired.Concat(InputTypes(newPattern, "optional_inputs")).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        foreach (var name in newRequired.Keys.Where(n => !oldRequired.ContainsKey(n)))
        {
            breaking.Add(new BreakingChange($"{path}.required_inputs.{name}", "required input added"));
        }
        foreach (var (name, type) in oldAll)
        {
            if (!newAll.TryGetValue(name, out var newType))
            {
                breaking.Add(new BreakingChange($"{path}.inputs.{name}", "input removed"));
            }
            else if (!string.Equals(type, newType, StringComparison.Ordinal))
            {
                breaking.Add(new BreakingChange($"{path}.inputs.{name}", $"input type changed from {type} to {newType}"));
            }
        }
    }

    private static Dictionary<string, string?> InputTypes(JsonObject pattern, string list)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var input in pattern[list] as JsonArray ?? [])
        {
            if (input?["name"]?.GetValue<string>() is { } name)
            {
                result[name] = input["type"]?.GetValue<string>();
            }
        }
        return result;
    }

    private static void Outputs(JsonObject? oldSchema, JsonObject? newSchema, string path, List<BreakingChange> breaking)
    {
        if (oldSchema is null)
        {
            return;
        }
        if (newSchema is null)
        {
            breaking.Add(new BreakingChange(path, "output schema removed"));
            return;
        }
        foreach (var (key, value) in oldSchema["properties"] as JsonObject ?? [])
        {
            var childPath = $"{path}.properties.{key}";
            if (newSchema["properties"]?[key] is not JsonObject newProperty)
            {
                breaking.Add(new BreakingChange(childPath, "output field removed"));
            }
            else
            {
                Outputs(value as JsonObject, newProperty, childPath, breaking);
            }
        }
        if (oldSchema["items"] is JsonObject oldItems)
        {
            Outputs(oldItems, newSchema["items"] as JsonObject, $"{path}.items", breaking);
        }
    }

    private static void Policy(JsonObject? oldPolicy, JsonObject? newPolicy, string path, List<BreakingChange> breaking)
    {
        if (newPolicy is null)
        {
            return;
        }
        if (Bool(oldPolicy?["requires_approval"]) != true && Bool(newPolicy["requires_approval"]) == true)
        {
            breaking.Add(new BreakingChange($"{path}.requires_approval", "policy made stricter: approval now required"));
        }
        if (Bool(oldPolicy?["production_safe"]) != false && Bool(newPolicy["production_safe"]) == false)
        {
            breaking.Add(new BreakingChange($"{path}.production_safe", "policy made stricter: no longer production safe"));
        }
        foreach (var key in (string[])["max_cost", "max_execution_time", "max_N_immediate"])
        {
            if (Number(oldPolicy?[key]) is { } before && Number(newPolicy[key]) is { } after && after < before)
            {
                breaking.Add(new BreakingChange($"{path}.{key}",
                    string.Create(CultureInfo.InvariantCulture, $"policy made stricter: {key} lowered from {before} to {after}")));
            }
        }
    }

    private static bool? Bool(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? v.GetValue<bool>() : null;

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.GetValue<double>() : null;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
