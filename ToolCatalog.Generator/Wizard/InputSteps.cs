using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Generator.Wizard;

/// <summary>Step 6: the inputs of a pattern (including the variables its estimates need) and its output schema.</summary>
public sealed class InputSteps(Prompter ask)
{
    private static readonly string[] NumericTypes = ["integer", "number"];
    private static readonly string[] OutputTypes = ["object", "array", "string", "number", "integer", "boolean"];

    public async Task InputsAsync(PatternDraft draft)
    {
        ask.Note($"{draft.Label}: inputs and output");
        var names = new List<string>();
        var required = new JsonArray();
        foreach (var given in draft.Given["required_inputs"] as JsonArray ?? [])
        {
            required.Add(await InputAsync(draft, given as JsonObject ?? [], names, isRequired: true, numericOnly: false));
        }
        while (ask.Interactive && await ask.YesNoAsync($"Add a required input to {draft.Label}?", null, false))
        {
            required.Add(await InputAsync(draft, [], names, isRequired: true, numericOnly: false));
        }

        var optional = new JsonArray();
        foreach (var given in draft.Given["optional_inputs"] as JsonArray ?? [])
        {
            optional.Add(await InputAsync(draft, given as JsonObject ?? [], names, isRequired: false, numericOnly: false));
        }
        // The estimates named these in step 4 and 5; without a numeric input of that name the tool would not validate.
        foreach (var variable in draft.Pending.Where(v => !names.Contains(v)).ToList())
        {
            ask.Note($"'{variable}' is used by an estimate of {draft.Label}: adding it as an optional numeric input");
            optional.Add(await InputAsync(draft, new JsonObject { ["name"] = variable }, names, isRequired: false, numericOnly: true));
        }
        while (ask.Interactive && await ask.YesNoAsync($"Add an optional input to {draft.Label}?", null, false))
        {
            optional.Add(await InputAsync(draft, [], names, isRequired: false, numericOnly: false));
        }
        draft.Fields["required_inputs"] = required;
        draft.Fields["optional_inputs"] = optional;
        draft.Fields["output_schema"] = draft.Given["output_schema"] is JsonObject schema ? schema.DeepClone() : await OutputSchemaAsync();

        if (draft.Given["examples"] is JsonArray examples)
        {
            draft.Fields["examples"] = examples.DeepClone();
        }
        else if (await ask.TextAsync($"Example command line for {draft.Label} (- for none)", null, Prompter.NoneAnswer) is var command
            && command != Prompter.NoneAnswer)
        {
            draft.Fields["examples"] = new JsonArray(new JsonObject { ["description"] = $"Example of {draft.Name}", ["command"] = command });
        }
    }

    private async Task<JsonObject> InputAsync(PatternDraft draft, JsonObject given, List<string> names, bool isRequired, bool numericOnly)
    {
        var kind = isRequired ? "required" : "optional";
        var name = await ask.TextAsync($"Name of the {kind} input", given["name"], NextName(names), WizardChecks.MemberName(names, allowStandardVariables: true));
        names.Add(name);
        var type = await ask.TextAsync($"Type of {name}", given["type"], numericOnly ? "integer" : "string",
            choices: numericOnly ? NumericTypes : CatalogRules.InputTypes);
        var input = new JsonObject
        {
            ["name"] = name,
            ["type"] = type,
            ["description"] = await ask.TextAsync($"Description of {name}", given["description"], numericOnly ? $"Value of {name} used by the estimates" : $"The {name.Replace('_', ' ')}",
                WizardChecks.NotEmpty),
        };
        if (type == "string")
        {
            var validation = await ask.TextAsync($"Validation regex for {name} (empty for none)", given["validation"], "", WizardChecks.OptionalRegex);
            if (validation.Length > 0)
            {
                input["validation"] = validation;
            }
        }
        if (!isRequired)
        {
            var defaultText = await ask.TextAsync($"Default of {name} (empty for none)", given["default"] is { } d ? JsonValue.Create(DefaultText(d)) : null,
                numericOnly ? "1" : "", value => WizardChecks.OptionalValue(type, value));
            if (defaultText.Length > 0)
            {
                input["default"] = WizardChecks.TypedValue(type, defaultText);
            }
        }
        if (type is "integer" or "number")
        {
            draft.NumericInputs.Add(name);
        }
        return input;
    }

    private async Task<JsonObject> OutputSchemaAsync()
    {
        var type = await ask.TextAsync("Output type", null, "object", choices: OutputTypes);
        if (type is not ("object" or "array"))
        {
            return new JsonObject { ["type"] = type };
        }
        var properties = await ask.ListAsync("Output properties as name:type", null, ["exit_code:integer", "output:string"], ',',
            WizardChecks.NameAndType(CatalogRules.InputTypes));
        var shape = new JsonObject { ["type"] = "object" };
        if (properties.Count > 0)
        {
            var map = new JsonObject();
            foreach (var item in properties)
            {
                var parts = item.Split(':', 2, StringSplitOptions.TrimEntries);
                map[parts[0]] = new JsonObject { ["type"] = parts[1] };
            }
            shape["properties"] = map;
        }
        return type == "array" ? new JsonObject { ["type"] = "array", ["items"] = shape } : shape;
    }

    private static string DefaultText(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();

    private static string NextName(List<string> names)
    {
        for (var i = 1; ; i++)
        {
            var candidate = i == 1 ? "target" : $"target_{i}";
            if (!names.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
