using System.Globalization;
using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Generator.Wizard;

/// <summary>
/// The seven steps of <c>new</c>: basics, defaults, capabilities, patterns, policy and preferences, inputs and outputs,
/// metadata and examples. <paramref name="given"/> holds answers known up front (flags and the answers file) in the
/// tool format's own shape; the result is the tool document with its keys in the format's order.
/// </summary>
public sealed class ToolWizard(Prompter ask, JsonObject given, TimeProvider time)
{
    public async Task<JsonObject> RunAsync()
    {
        var tool = new JsonObject();

        ask.Step(1, "Basics");
        var name = await ask.TextAsync("Tool name", given["tool_name"], "new_tool", WizardChecks.ToolName);
        tool["tool_name"] = name;
        tool["version"] = await ask.TextAsync("Version", given["version"], "1.0.0", WizardChecks.Version);
        tool["description"] = await ask.TextAsync("Description (10 to 2000 characters)", given["description"],
            $"Run {name} and report what it returns.", WizardChecks.Description);
        var platform = await ask.TextAsync("Platform", given["platform"], "linux", choices: CatalogRules.Platforms);
        tool["platform"] = platform;
        var category = await ask.TextAsync("Category", given["category"], DefaultCategory(platform), choices: CatalogRules.Categories);
        tool["category"] = category;
        tool["status"] = await ask.TextAsync("Status", given["status"], "active", choices: CatalogRules.Statuses);
        tool["enabled"] = given["enabled"]?.DeepClone() ?? true;

        ask.Step(2, "Defaults");
        tool["execution_location"] = await ask.TextAsync("Where it runs (target_host, control_plane, bastion, local, cloud_api, ...)",
            given["execution_location"], DefaultLocation(platform), WizardChecks.NotEmpty);
        var givenDefaults = given["defaults"] as JsonObject ?? [];
        tool["defaults"] = new JsonObject
        {
            ["accuracy_level"] = await ask.TextAsync("Accuracy level", givenDefaults["accuracy_level"], "real-time", choices: CatalogRules.AccuracyLevels),
            ["freshness"] = await ask.TextAsync("Freshness", givenDefaults["freshness"], "live", choices: CatalogRules.Freshness),
            ["data_source"] = await ask.TextAsync("Data source", givenDefaults["data_source"], DefaultDataSource(platform), choices: CatalogRules.DataSources),
        };

        var (capabilityMap, patterns) = await CapabilitiesAndPatternsAsync(name);
        tool["capabilities"] = capabilityMap;

        ask.Step(7, "Metadata and examples");
        await MetadataAsync(tool, name, platform, category, patterns);
        return PatternDraft.Ordered(tool, CatalogRules.ToolKeys);
    }

    /// <summary>Steps 3 to 6: the capabilities, their patterns, each pattern's policy and scores, inputs and outputs.</summary>
    private async Task<(JsonObject Capabilities, List<PatternDraft> Patterns)> CapabilitiesAndPatternsAsync(string name)
    {
        ask.Step(3, "Capabilities");
        var capabilities = await CapabilitiesAsync(name);

        ask.Step(4, "Patterns");
        var patternSteps = new PatternSteps(ask, name);
        var patterns = new List<PatternDraft>();
        foreach (var capability in capabilities)
        {
            ask.Note($"Patterns of {capability.Name}");
            patterns.AddRange(await patternSteps.PatternsAsync(capability.Name, capability.GivenPatterns));
        }

        ask.Step(5, "Policy and preference scores");
        foreach (var pattern in patterns)
        {
            await patternSteps.PolicyAsync(pattern);
        }

        ask.Step(6, "Inputs and outputs");
        var inputSteps = new InputSteps(ask);
        foreach (var pattern in patterns)
        {
            await inputSteps.InputsAsync(pattern);
        }

        var capabilityMap = new JsonObject();
        foreach (var capability in capabilities)
        {
            var patternMap = new JsonObject();
            foreach (var pattern in patterns.Where(p => p.Capability == capability.Name))
            {
                patternMap[pattern.Name] = pattern.ToJson();
            }
            capabilityMap[capability.Name] = new JsonObject { ["description"] = capability.Description, ["patterns"] = patternMap };
        }
        return (capabilityMap, patterns);
    }

    private sealed record CapabilityDraft(string Name, string Description, JsonObject? GivenPatterns);

    private async Task<List<CapabilityDraft>> CapabilitiesAsync(string toolName)
    {
        var capabilities = new List<CapabilityDraft>();
        async Task AddAsync(JsonNode? givenName, JsonObject givenCapability)
        {
            var taken = capabilities.Select(c => c.Name).ToList();
            var name = await ask.TextAsync("Capability name (lower_snake_case)", givenName,
                capabilities.Count == 0 ? "operations" : $"operations_{capabilities.Count + 1}", WizardChecks.MemberName(taken));
            var description = await ask.TextAsync($"What {name} covers", givenCapability["description"],
                $"{name.Replace('_', ' ')} with {toolName}.", WizardChecks.NotEmpty);
            capabilities.Add(new CapabilityDraft(name, description, givenCapability["patterns"] as JsonObject));
        }

        foreach (var (givenName, givenCapability) in given["capabilities"] as JsonObject ?? [])
        {
            await AddAsync(JsonValue.Create(givenName), givenCapability as JsonObject ?? []);
        }
        while (capabilities.Count == 0 || (ask.Interactive && await ask.YesNoAsync("Add another capability?", null, false)))
        {
            await AddAsync(null, []);
        }
        return capabilities;
    }

    private async Task MetadataAsync(JsonObject tool, string name, string platform, string category, List<PatternDraft> patterns)
    {
        var givenMetadata = given["metadata"] as JsonObject ?? [];
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var author = string.IsNullOrWhiteSpace(Environment.UserName) ? "unknown" : Environment.UserName;

        await DependenciesAsync(tool);

        var metadata = new JsonObject
        {
            ["author"] = await ask.TextAsync("Author", givenMetadata["author"], author, WizardChecks.NotEmpty),
            ["created"] = givenMetadata["created"]?.DeepClone() ?? today,
            ["updated"] = givenMetadata["updated"]?.DeepClone() ?? today,
            ["tags"] = PatternSteps.Strings(await ask.ListAsync("Tags", givenMetadata["tags"], [platform, category], ',')),
        };
        foreach (var (key, label) in new[] { ("documentation_url", "Documentation URL"), ("source_code_url", "Source code URL") })
        {
            var url = await ask.TextAsync($"{label} (empty for none)", givenMetadata[key], "", WizardChecks.OptionalUrl);
            if (url.Length > 0)
            {
                metadata[key] = url;
            }
        }
        tool["metadata"] = metadata;

        await ExampleAsync(tool, name, patterns[0]);
    }

    private async Task DependenciesAsync(JsonObject tool)
    {
        if (given["dependencies"] is JsonArray dependencies)
        {
            tool["dependencies"] = dependencies.DeepClone();
        }
        else
        {
            var items = await ask.ListAsync("Dependencies as name:type (service, package, permission, network)", null, [], ',',
                WizardChecks.NameAndType(CatalogRules.DependencyTypes));
            if (items.Count > 0)
            {
                tool["dependencies"] = new JsonArray(items.Select(item => item.Split(':', 2, StringSplitOptions.TrimEntries))
                    .Select(parts => (JsonNode?)new JsonObject { ["name"] = parts[0], ["type"] = parts[1], ["required"] = true }).ToArray());
            }
        }
    }

    /// <summary>A usage example of the first pattern: given, or asked for (its required inputs with typed values).</summary>
    private async Task ExampleAsync(JsonObject tool, string name, PatternDraft first)
    {
        if (given["examples"] is JsonArray examples)
        {
            tool["examples"] = examples.DeepClone();
            return;
        }
        if (!await ask.YesNoAsync($"Add a usage example (inputs of {first.Label})?", null, true))
        {
            return;
        }
        var example = new JsonObject
        {
            ["name"] = await ask.TextAsync("Example name", null, $"{first.Name}_example", WizardChecks.NotEmpty),
            ["description"] = await ask.TextAsync("Example description", null, $"Run {name} {first.Name} with typical inputs", WizardChecks.NotEmpty),
        };
        var inputs = new JsonObject();
        foreach (var input in first.Fields["required_inputs"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var inputName = input["name"]!.GetValue<string>();
            var type = input["type"]!.GetValue<string>();
            var value = await ask.TextAsync($"Example value of {inputName} ({type})", null, SampleValue(type), v => WizardChecks.TypedValue(type, v) is null
                ? $"must be a value of type {type}"
                : null);
            inputs[inputName] = WizardChecks.TypedValue(type, value);
        }
        example["inputs"] = inputs;
        tool["examples"] = new JsonArray(example);
    }

    private static string SampleValue(string type) => type switch
    {
        "integer" => "1",
        "number" => "1.5",
        "boolean" => "true",
        "array" => "[]",
        "object" => "{}",
        _ => "example",
    };

    private static string DefaultCategory(string platform) => platform switch
    {
        "network" => "network",
        "database" => "database",
        "kubernetes" or "container" => "container",
        "cloud" => "cloud",
        "monitoring" => "monitoring",
        "scheduler" or "multi-platform" or "custom" => "automation",
        _ => "system",
    };

    private static string DefaultLocation(string platform) => platform switch
    {
        "cloud" => "cloud_api",
        "kubernetes" or "monitoring" or "scheduler" or "multi-platform" => "control_plane",
        "database" => "bastion",
        _ => "target_host",
    };

    private static string DefaultDataSource(string platform) => platform switch
    {
        "cloud" or "kubernetes" or "monitoring" => "api",
        "database" => "database",
        _ => "direct",
    };
}
