using System.Text.RegularExpressions;

namespace ToolCatalog.Catalog.Validation;

/// <summary>The vocabulary of the tool format: enums, name rules and the keys each map knows.</summary>
public static partial class CatalogRules
{
    public static readonly string[] Platforms =
        ["linux", "windows", "network", "database", "kubernetes", "cloud", "container", "monitoring", "scheduler", "custom", "multi-platform"];
    public static readonly string[] Categories = ["system", "network", "automation", "monitoring", "security", "database", "cloud", "container"];
    public static readonly string[] Statuses = ["active", "deprecated", "disabled", "testing", "draft"];
    public static readonly string[] AccuracyLevels = ["real-time", "cached", "estimated"];
    public static readonly string[] Freshness = ["live", "recent", "historical"];
    public static readonly string[] DataSources = ["direct", "database", "api", "filesystem"];
    public static readonly string[] Scopes = ["single_item", "batch", "exhaustive"];
    public static readonly string[] Completeness = ["complete", "partial", "summary"];
    public static readonly string[] InputTypes = ["string", "integer", "number", "boolean", "array", "object"];
    public static readonly string[] DependencyTypes = ["service", "package", "permission", "network"];
    public static readonly string[] PreferenceKeys = ["speed", "accuracy", "cost", "complexity", "completeness"];

    public static readonly string[] ToolKeys =
    [
        "tool_name", "command", "version", "description", "platform", "category", "status", "enabled", "execution_location",
        "defaults", "capabilities", "dependencies", "metadata", "examples",
    ];
    public static readonly string[] DefaultsKeys = ["accuracy_level", "freshness", "data_source"];
    public static readonly string[] CapabilityKeys = ["description", "patterns"];
    public static readonly string[] PatternKeys =
    [
        "description", "typical_use_cases", "time_estimate_ms", "cost_estimate", "complexity_score", "scope", "completeness",
        "limitations", "policy", "preference_match", "required_inputs", "optional_inputs", "output_schema", "examples",
    ];
    public static readonly string[] PolicyKeys =
        ["max_cost", "requires_approval", "production_safe", "max_execution_time", "requires_background_if", "max_N_immediate"];
    public static readonly string[] InputKeys = ["name", "type", "description", "validation", "default"];
    public static readonly string[] DependencyKeys = ["name", "type", "required"];
    public static readonly string[] MetadataKeys = ["author", "created", "updated", "tags", "documentation_url", "source_code_url"];
    public static readonly string[] ExampleKeys = ["name", "description", "inputs", "expected_output"];

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.-]{0,99}$")]
    public static partial Regex ToolName();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+){0,2}([-+][0-9A-Za-z.-]+)?$")]
    public static partial Regex Version();

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,63}$")]
    public static partial Regex MemberName();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$")]
    public static partial Regex Date();
}
