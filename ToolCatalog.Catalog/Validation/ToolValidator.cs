using System.Globalization;
using System.Text.RegularExpressions;
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
    private static readonly TimeSpan RegexCheckTimeout = TimeSpan.FromMilliseconds(250);
    private readonly string _file;
    private readonly List<CatalogProblem> _problems;

    private ToolValidator(string file, List<CatalogProblem> problems)
    {
        _file = file;
        _problems = problems;
    }

    public static void Validate(YamlNode root, string file, List<CatalogProblem> problems) =>
        new ToolValidator(file, problems).Tool(root);

    private void Tool(YamlNode root)
    {
        if (root is not YamlMap tool)
        {
            Error(root, "", $"a tool file must be a map of keys (tool_name, version, ...), not {Describe(root)}");
            return;
        }
        UnknownKeys(tool, "", ToolKeys);

        if (RequiredString(tool, "", "tool_name") is { } name && !ToolName().IsMatch(name))
        {
            Error(tool["tool_name"]!, "tool_name", "must start with a letter and hold only letters, digits, '_', '.', '-' (at most 100 characters)");
        }
        if (tool["version"] is YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } numeric)
        {
            Error(numeric, "version", $"must be a quoted string (\"{numeric.Text}\"): unquoted, YAML reads it as a number");
        }
        else if (RequiredString(tool, "", "version") is { } version && !Version().IsMatch(version))
        {
            Error(tool["version"]!, "version", "must look like 1, 1.2 or 1.2.3, optionally with a -suffix or +build");
        }
        if (RequiredString(tool, "", "description") is { } description && description.Trim().Length is < 10 or > 2000)
        {
            Error(tool["description"]!, "description", "must be 10 to 2000 characters");
        }
        RequiredEnum(tool, "", "platform", Platforms);
        RequiredEnum(tool, "", "category", Categories);
        OptionalEnum(tool, "", "status", Statuses);
        OptionalBool(tool, "", "enabled");
        OptionalString(tool, "", "execution_location");

        if (OptionalMap(tool, "", "defaults") is { } defaults)
        {
            UnknownKeys(defaults, "defaults", DefaultsKeys);
            OptionalEnum(defaults, "defaults", "accuracy_level", AccuracyLevels);
            OptionalEnum(defaults, "defaults", "freshness", Freshness);
            OptionalEnum(defaults, "defaults", "data_source", DataSources);
        }

        if (RequiredMap(tool, "", "capabilities") is { } capabilities)
        {
            if (capabilities.Entries.Count == 0)
            {
                Error(capabilities, "capabilities", "needs at least one capability");
            }
            foreach (var (capabilityName, capability) in capabilities.Entries)
            {
                Capability(capabilityName, capability, $"capabilities.{capabilityName}");
            }
        }

        if (OptionalSequence(tool, "", "dependencies") is { } dependencies)
        {
            for (var i = 0; i < dependencies.Items.Count; i++)
            {
                var path = $"dependencies[{i}]";
                if (AsMap(dependencies.Items[i], path) is not { } dependency)
                {
                    continue;
                }
                UnknownKeys(dependency, path, DependencyKeys);
                RequiredString(dependency, path, "name");
                RequiredEnum(dependency, path, "type", DependencyTypes);
                OptionalBool(dependency, path, "required");
            }
        }

        if (OptionalMap(tool, "", "metadata") is { } metadata)
        {
            UnknownKeys(metadata, "metadata", MetadataKeys);
            OptionalString(metadata, "metadata", "author");
            foreach (var key in (string[])["created", "updated"])
            {
                if (metadata[key] is YamlScalar { Kind: not ScalarKind.String } notText)
                {
                    Error(notText, $"metadata.{key}", "must be a quoted date string such as \"2025-01-31\"");
                }
                // Fix: the regex only checks the shape, so "2025-13-45" or "2025-02-30" passed; the date must also exist
                // (tool.schema.json limits month and day the same way).
                else if (OptionalString(metadata, "metadata", key) is { } date
                    && !(Date().IsMatch(date) && DateOnly.TryParseExact(date.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
                {
                    Error(metadata[key]!, $"metadata.{key}", "must be an ISO date such as \"2025-01-31\"");
                }
            }
            StringList(metadata, "metadata", "tags", required: false);
            foreach (var key in (string[])["documentation_url", "source_code_url"])
            {
                if (OptionalString(metadata, "metadata", key) is { } url
                    && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
                {
                    Error(metadata[key]!, $"metadata.{key}", "must be an absolute http(s) URL");
                }
            }
        }

        if (OptionalSequence(tool, "", "examples") is { } examples)
        {
            for (var i = 0; i < examples.Items.Count; i++)
            {
                var path = $"examples[{i}]";
                if (AsMap(examples.Items[i], path) is not { } example)
                {
                    continue;
                }
                UnknownKeys(example, path, ExampleKeys);
                RequiredString(example, path, "name");
                OptionalString(example, path, "description");
                OptionalMap(example, path, "inputs");
            }
        }
    }

    private void Capability(string name, YamlNode node, string path)
    {
        if (!MemberName().IsMatch(name))
        {
            Error(node, path, "capability names are lower_snake_case: start with a letter, then a-z, 0-9, _ (at most 64)");
        }
        if (AsMap(node, path) is not { } capability)
        {
            return;
        }
        UnknownKeys(capability, path, CapabilityKeys);
        RequiredString(capability, path, "description");
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
        if (StringList(pattern, path, "typical_use_cases", required: true) is { Items.Count: 0 } emptyUseCases)
        {
            Error(emptyUseCases, $"{path}.typical_use_cases", "needs at least one use case");
        }
        UnitInterval(pattern, path, "complexity_score", required: true);
        // Fix: scope and completeness are optional in docs/catalog-format.md and tool.schema.json (and PatternInfo holds
        // them as nullable); they were checked with RequiredEnum, which rejected patterns that leave them out.
        OptionalEnum(pattern, path, "scope", Scopes);
        OptionalEnum(pattern, path, "completeness", Completeness);
        StringList(pattern, path, "limitations", required: false);

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
                var type = RequiredEnum(input, inputPath, "type", InputTypes);
                if (name is not null && type is "integer" or "number")
                {
                    numeric.Add(name);
                }
                OptionalString(input, inputPath, "description");
                if (OptionalString(input, inputPath, "validation") is { } pattern_)
                {
                    try
                    {
                        _ = new Regex(pattern_, RegexOptions.None, RegexCheckTimeout);
                    }
                    catch (ArgumentException ex)
                    {
                        Error(input["validation"]!, $"{inputPath}.validation", $"regex does not compile: {ex.Message}");
                    }
                }
                if (input["default"] is { } defaultValue && type is not null && !MatchesType(defaultValue, type))
                {
                    Error(defaultValue, $"{inputPath}.default", $"default is {Describe(defaultValue)}, but the input's type is {type}");
                }
            }
        }
        return numeric;
    }

    private void Expression(YamlMap map, string path, string key, IReadOnlySet<string> variables, bool required)
    {
        var node = map[key];
        if (node is null)
        {
            if (required)
            {
                Error(map, Join(path, key), "is required");
            }
            return;
        }
        // A bare number is a valid constant estimate; store it as written.
        if (node is YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float })
        {
            return;
        }
        if (node is not YamlScalar { Kind: ScalarKind.String } text)
        {
            Error(node, Join(path, key), $"must be an expression string such as \"1000 + 0.5 * N\", not {Describe(node)}");
            return;
        }
        foreach (var problem in EstimateExpression.Check(text.Text, variables))
        {
            Error(node, Join(path, key), $"{problem} (in \"{text.Text}\")");
        }
    }

    private static bool MatchesType(YamlNode value, string type) => (type, value) switch
    {
        (_, YamlScalar { Kind: ScalarKind.Null }) => true,
        ("string", YamlScalar { Kind: ScalarKind.String }) => true,
        ("integer", YamlScalar { Kind: ScalarKind.Int }) => true,
        ("number", YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float }) => true,
        ("boolean", YamlScalar { Kind: ScalarKind.Bool }) => true,
        ("array", YamlSequence) => true,
        ("object", YamlMap) => true,
        _ => false,
    };
}
