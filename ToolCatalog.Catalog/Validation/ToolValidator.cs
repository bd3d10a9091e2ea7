using System.Globalization;
using ToolCatalog.Catalog.Expressions;
using ToolCatalog.Catalog.Yaml;
using static ToolCatalog.Catalog.Validation.CatalogRules;

namespace ToolCatalog.Catalog.Validation;

/// <summary>
/// Checks one tool document and reports every problem at once, each with its line, column and path
/// (e.g. <c>capabilities.service_management.patterns.start_service.complexity_score</c>). Keys the format does not name
/// are warnings: they are kept, never dropped.
/// </summary>
public sealed partial class ToolValidator
{
    private readonly string _file;
    private readonly List<CatalogProblem> _problems;
    private readonly ValidationSettings _settings;

    private ToolValidator(string file, List<CatalogProblem> problems, ValidationSettings settings)
    {
        _file = file;
        _problems = problems;
        _settings = settings;
    }

    public static void Validate(YamlNode root, string file, List<CatalogProblem> problems, ValidationSettings? settings = null) =>
        new ToolValidator(file, problems, settings ?? ValidationSettings.Default).Tool(root);

    private void Tool(YamlNode root)
    {
        if (root is not YamlMap tool)
        {
            Error(root, "", $"a tool file must be a map of keys (tool_name, version, ...), not {Describe(root)}");
            return;
        }
        UnknownKeys(tool, "", ToolKeys);
        Numbers(tool);

        Identity(tool);
        // command: the command a tool runs when its name had to differ from it (one command on two platforms).
        OptionalString(tool, "", "command");
        MaxLength(tool, "", "command", Limits.MaxShortTextLength);
        RequiredTerm(tool, "", "platform", "platform", _settings.Vocabulary.Platforms);
        RequiredTerm(tool, "", "category", "category", _settings.Vocabulary.Categories);
        OptionalEnum(tool, "", "status", Statuses);
        OptionalBool(tool, "", "enabled");
        OptionalString(tool, "", "execution_location");
        MaxLength(tool, "", "execution_location", Limits.MaxShortTextLength);

        Defaults(tool);

        if (RequiredMap(tool, "", "capabilities") is { } capabilities)
        {
            // A draft may have no capabilities yet (an imported catalog entry that only names and tags a tool):
            // it is stored and listed, and has nothing to select until capabilities are written.
            if (capabilities.Entries.Count == 0 && tool["status"] is not YamlScalar { Kind: ScalarKind.String, Text: "draft" })
            {
                Error(capabilities, "capabilities", "needs at least one capability (a tool with status: draft may have none yet)");
            }
            foreach (var (capabilityName, capability) in capabilities.Entries)
            {
                Capability(capabilityName, capability, $"capabilities.{capabilityName}");
            }
        }

        Dependencies(tool);

        Metadata(tool);

        Examples(tool);
    }

    /// <summary>What names the tool: its name, version and description.</summary>
    private void Identity(YamlMap tool)
    {
        if (RequiredString(tool, "", "tool_name") is { } name && !ToolName().IsMatch(name))
        {
            Error(tool["tool_name"]!, "tool_name", "must start with a letter and hold only letters, digits, '_', '.', '-' (at most 100 characters)");
        }
        if (tool["version"] is YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } numeric)
        {
            Error(numeric, "version", $"must be a quoted string (\"{numeric.Text}\"): unquoted, YAML reads it as a number");
        }
        else if (RequiredString(tool, "", "version") is { Length: var length } && length > Limits.MaxVersionLength)
        {
            MaxLength(tool, "", "version", Limits.MaxVersionLength);
        }
        else if (tool["version"] is YamlScalar { Kind: ScalarKind.String, Text: var version } && !Version().IsMatch(version))
        {
            Error(tool["version"]!, "version", "must look like 1, 1.2 or 1.2.3, optionally with a -suffix or +build");
        }
        if (RequiredString(tool, "", "description") is { } description && description.Trim().Length is < 10 or > 2000)
        {
            Error(tool["description"]!, "description", "must be 10 to 2000 characters");
        }
    }

    private void Defaults(YamlMap tool)
    {
        if (OptionalMap(tool, "", "defaults") is { } defaults)
        {
            UnknownKeys(defaults, "defaults", DefaultsKeys);
            OptionalEnum(defaults, "defaults", "accuracy_level", AccuracyLevels);
            OptionalEnum(defaults, "defaults", "freshness", Freshness);
            OptionalTerm(defaults, "defaults", "data_source", "data source", _settings.Vocabulary.DataSources);
        }
    }

    private void Capability(string name, YamlNode node, string path)
    {
        CapabilityName(name, node, path);
        if (AsMap(node, path) is not { } capability)
        {
            return;
        }
        UnknownKeys(capability, path, CapabilityKeys);
        RequiredString(capability, path, "description");
        MaxLength(capability, path, "description", Limits.MaxDescriptionLength);
        if (RequiredMap(capability, path, "patterns") is not { } patterns)
        {
            return;
        }
        if (patterns.Entries.Count == 0)
        {
            Error(patterns, $"{path}.patterns", "needs at least one pattern");
        }
        foreach (var (patternName, pattern) in patterns.Entries)
        {
            Pattern(patternName, pattern, $"{path}.patterns.{patternName}");
        }
    }

    private void Pattern(string name, YamlNode node, string path)
    {
        if (!MemberName().IsMatch(name))
        {
            Error(node, path, "pattern names are lower_snake_case: start with a letter, then a-z, 0-9, _ (at most 64)");
        }
        if (AsMap(node, path) is not { } pattern)
        {
            return;
        }
        UnknownKeys(pattern, path, PatternKeys);
        RequiredString(pattern, path, "description");
        MaxLength(pattern, path, "description", Limits.MaxDescriptionLength);
        var useCases = StringList(pattern, path, "typical_use_cases", required: true);
        if (useCases is { Items.Count: 0 })
        {
            Error(useCases, $"{path}.typical_use_cases", "needs at least one use case");
        }
        MaxItemLength(useCases, $"{path}.typical_use_cases", Limits.MaxUseCaseLength);
        UnitInterval(pattern, path, "complexity_score", required: true);
        // Fix: scope and completeness are optional in docs/catalog-format.md and tool.schema.json (and PatternInfo holds
        // them as nullable); they were checked as required values, which rejected patterns that leave them out.
        OptionalTerm(pattern, path, "scope", "scope", _settings.Vocabulary.Scopes);
        OptionalEnum(pattern, path, "completeness", Completeness);
        MaxItemLength(StringList(pattern, path, "limitations", required: false), $"{path}.limitations", Limits.MaxUseCaseLength);

        var variables = Inputs(pattern, path);
        Expression(pattern, path, "time_estimate_ms", variables, required: true);
        Expression(pattern, path, "cost_estimate", variables, required: true);

        if (OptionalMap(pattern, path, "policy") is { } policy)
        {
            var policyPath = $"{path}.policy";
            UnknownKeys(policy, policyPath, PolicyKeys);
            Number(policy, policyPath, "max_cost", min: 0, integer: false);
            OptionalBool(policy, policyPath, "requires_approval");
            OptionalBool(policy, policyPath, "production_safe");
            Number(policy, policyPath, "max_execution_time", min: 1, integer: true);
            Number(policy, policyPath, "max_N_immediate", min: 0, integer: true);
            Expression(policy, policyPath, "requires_background_if", variables, required: false);
        }
        if (OptionalMap(pattern, path, "preference_match") is { } preferences)
        {
            var preferencePath = $"{path}.preference_match";
            UnknownKeys(preferences, preferencePath, PreferenceKeys);
            foreach (var key in PreferenceKeys)
            {
                UnitInterval(preferences, preferencePath, key, required: false);
            }
        }
        OptionalMap(pattern, path, "output_schema");
        OptionalSequence(pattern, path, "examples");
    }

    /// <summary>Checks both input lists and returns the numeric input names an expression may use.</summary>
    private HashSet<string> Inputs(YamlMap pattern, string path)
    {
        var numeric = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var list in (string[])["required_inputs", "optional_inputs"])
        {
            if (OptionalSequence(pattern, path, list) is not { } inputs)
            {
                continue;
            }
            for (var i = 0; i < inputs.Items.Count; i++)
            {
                var inputPath = $"{path}.{list}[{i}]";
                if (AsMap(inputs.Items[i], inputPath) is not { } input)
                {
                    continue;
                }
                UnknownKeys(input, inputPath, InputKeys);
                var name = RequiredString(input, inputPath, "name");
                if (name is not null)
                {
                    if (!MemberName().IsMatch(name) && !EstimateExpression.StandardVariables.Contains(name))
                    {
                        Error(input["name"]!, $"{inputPath}.name", "input names are lower_snake_case (or one of the standard variables such as N)");
                    }
                    if (!seen.TryAdd(name, inputPath))
                    {
                        Error(input["name"]!, $"{inputPath}.name", $"input '{name}' is already declared at {seen[name]}");
                    }
                }
                var type = RequiredTerm(input, inputPath, "type", "input type", _settings.Vocabulary.InputTypes);
                if (name is not null && type is "integer" or "number")
                {
                    numeric.Add(name);
                }
                OptionalString(input, inputPath, "description");
                MaxLength(input, inputPath, "description", Limits.MaxDescriptionLength);
                ValidationRegex(input, inputPath);
                // A type a deployment added to its vocabulary has no built-in meaning to check a default against.
                if (input["default"] is { } defaultValue && type is not null && InputTypes.Contains(type) && !MatchesType(defaultValue, type))
                {
                    Error(defaultValue, $"{inputPath}.default", $"default is {Describe(defaultValue)}, but the input's type is {type}");
                }
            }
        }
        return numeric;
    }

    private static bool MatchesType(YamlNode value, string type) => (type, value) switch
    {
        (_, YamlScalar { Kind: ScalarKind.Null }) => true,
        ("string", YamlScalar { Kind: ScalarKind.String }) => true,
        // Estimates read numeric defaults as doubles: one past double's range (1e400) would fail there.
        ("integer", YamlScalar { Kind: ScalarKind.Int, AsNumber: { } i }) => double.IsFinite(i),
        ("number", YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float, AsNumber: { } d }) => double.IsFinite(d),
        ("boolean", YamlScalar { Kind: ScalarKind.Bool }) => true,
        ("array", YamlSequence) => true,
        ("object", YamlMap) => true,
        _ => false,
    };
}
