using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Catalog.Validation;

/// <summary>
/// The open lists of the format: the values a deployment accepts for platforms, categories, data sources, scopes,
/// dependency types and input types. The built-in lists (<see cref="CatalogRules"/>) are the defaults; a deployment adds
/// its own (<c>Catalog:Vocabularies:*</c>). The validator and the JSON Schema both read from here, so they cannot drift.
/// </summary>
public sealed record CatalogVocabulary(
    IReadOnlyList<string> Platforms,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> DataSources,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> DependencyTypes,
    IReadOnlyList<string> InputTypes)
{
    /// <summary>
    /// The shared capability vocabulary: open, so a capability outside it is a warning naming the closest canonical
    /// ones, never an error.
    /// </summary>
    public CapabilityVocabulary Capabilities { get; init; } = CapabilityVocabulary.BuiltIn;

    public static CatalogVocabulary Default { get; } = new(CatalogRules.Platforms, CatalogRules.Categories, CatalogRules.DataSources,
        CatalogRules.Scopes, CatalogRules.DependencyTypes, CatalogRules.InputTypes);

    /// <summary>These lists plus the given values (duplicates once, built-in values first).</summary>
    public CatalogVocabulary With(CatalogVocabulary additions) => new(
        Union(Platforms, additions.Platforms), Union(Categories, additions.Categories), Union(DataSources, additions.DataSources),
        Union(Scopes, additions.Scopes), Union(DependencyTypes, additions.DependencyTypes), Union(InputTypes, additions.InputTypes))
    {
        Capabilities = Capabilities,
    };

    private static string[] Union(IReadOnlyList<string> first, IReadOnlyList<string> second) =>
        [.. first.Concat(second.Select(v => v.Trim()).Where(v => v.Length > 0)).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The JSON Schema of a tool document with this vocabulary's enums: the schema file holds no copy of these lists, so
    /// an editor, a client and the validator agree on exactly the same values.
    /// </summary>
    public JsonObject Schema(JsonObject template)
    {
        var schema = (JsonObject)template.DeepClone();
        Enum(schema, ["properties", "platform"], Platforms);
        Enum(schema, ["properties", "category"], Categories);
        Enum(schema, ["properties", "defaults", "properties", "data_source"], DataSources);
        Enum(schema, ["$defs", "pattern", "properties", "scope"], Scopes);
        Enum(schema, ["$defs", "input", "properties", "type"], InputTypes);
        Enum(schema, ["$defs", "dependency", "properties", "type"], DependencyTypes);
        return schema;
    }

    private static readonly Lazy<JsonObject> Template = new(() =>
    {
        using var stream = typeof(CatalogVocabulary).Assembly.GetManifestResourceStream("ToolCatalog.Catalog.Schema.tool.schema.json")
            ?? throw new InvalidOperationException("tool.schema.json is not embedded");
        return JsonNode.Parse(stream)!.AsObject();
    });

    /// <summary>The embedded tool schema with this vocabulary's enums.</summary>
    public JsonObject ToolSchema() => Schema(Template.Value);

    /// <summary>Every vocabulary-controlled place of the schema, for the test that proves schema and validator agree.</summary>
    public static IReadOnlyList<string[]> SchemaPaths { get; } =
    [
        ["properties", "platform"], ["properties", "category"], ["properties", "defaults", "properties", "data_source"],
        ["$defs", "pattern", "properties", "scope"], ["$defs", "input", "properties", "type"], ["$defs", "dependency", "properties", "type"],
    ];

    private static void Enum(JsonObject schema, string[] path, IReadOnlyList<string> values)
    {
        var node = path.Aggregate<string, JsonNode?>(schema, (n, key) => n?[key])
            ?? throw new InvalidOperationException($"the tool schema has no {string.Join('.', path)}");
        node.AsObject()["enum"] = new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
    }
}

/// <summary>How the validator treats a value outside the vocabulary.</summary>
public enum VocabularyMode
{
    /// <summary>New writes: an unknown value is an error that lists the known ones.</summary>
    Strict,

    /// <summary>Import of an existing catalog with upgrade: an unknown value is a warning and is kept.</summary>
    Upgrade,
}

/// <summary>What a validation runs against: the deployment's vocabulary and how strictly it applies.</summary>
public sealed record ValidationSettings(CatalogVocabulary Vocabulary, VocabularyMode Mode)
{
    public static ValidationSettings Default { get; } = new(CatalogVocabulary.Default, VocabularyMode.Strict);
}
