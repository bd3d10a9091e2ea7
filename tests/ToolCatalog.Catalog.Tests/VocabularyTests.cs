using System.Text.Json.Nodes;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Catalog.Tests;

/// <summary>Open vocabularies: strict for new writes, kept with a warning on upgrade, and one source for validator and schema.</summary>
public sealed class VocabularyTests
{
    private static string Tool(string category, string inputType) => $$"""
        tool_name: lsof_open_files
        version: "1.0"
        description: List open files of a process with lsof.
        platform: linux
        category: {{category}}
        defaults: { data_source: procfs }
        capabilities:
          open_files:
            description: Which files a process holds open.
            patterns:
              by_pid:
                description: Files of one process.
                typical_use_cases: [why is the disk still full after rm]
                time_estimate_ms: "100"
                cost_estimate: "0"
                complexity_score: 0.2
                scope: continuous
                required_inputs:
                  - { name: pid, type: {{inputType}} }
        dependencies:
          - { name: /proc, type: filesystem }
        """;

    [Fact]
    public void Strict_mode_rejects_values_outside_the_vocabulary_and_lists_the_known_ones()
    {
        var parsed = ToolParser.ParseFile(Tool("filesystem", "float"), "t.yaml");

        Assert.False(parsed.IsValid);
        var errors = parsed.Errors.Select(e => e.Path).Order(StringComparer.Ordinal);
        Assert.Equal(["capabilities.open_files.patterns.by_pid.required_inputs[0].type", "capabilities.open_files.patterns.by_pid.scope",
            "category", "defaults.data_source", "dependencies[0].type"], errors);
        Assert.Contains(parsed.Errors, e => e.Message == "'filesystem' is not one of: system, network, automation, monitoring, security, database, cloud, container (the category vocabulary)");
    }

    [Fact]
    public void Upgrade_mode_keeps_unknown_values_with_a_warning_each()
    {
        var parsed = ToolParser.ParseFile(Tool("filesystem", "float"), "t.yaml");
        var upgraded = ToolParser.ParseDocuments(Tool("filesystem", "float"), "t.yaml", settings: new ValidationSettings(CatalogVocabulary.Default, VocabularyMode.Upgrade)).Single();

        Assert.True(upgraded.IsValid, string.Join("\n", upgraded.Errors));
        Assert.Equal(parsed.Errors.Select(e => e.Path), upgraded.Problems.Where(p => p.Message.Contains("vocabulary", StringComparison.Ordinal)).Select(p => p.Path));
        Assert.All(upgraded.Problems, p => Assert.Equal(ProblemSeverity.Warning, p.Severity));
        Assert.Equal("filesystem", upgraded.Tool!.Category);
    }

    [Fact]
    public void A_deployment_vocabulary_accepts_its_added_values_in_strict_mode()
    {
        var added = new CatalogVocabulary([], ["filesystem"], ["procfs"], ["continuous"], ["filesystem"], ["float"]);
        var settings = new ValidationSettings(CatalogVocabulary.Default.With(added), VocabularyMode.Strict);

        var parsed = ToolParser.ParseDocuments(Tool("filesystem", "float"), "t.yaml", settings: settings).Single();

        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        Assert.False(ToolParser.ParseDocuments(Tool("storage", "float"), "t.yaml", settings: settings).Single().IsValid);
    }

    [Fact]
    public void The_schema_enums_are_the_validator_vocabulary_and_the_schema_file_holds_no_copy()
    {
        var extended = CatalogVocabulary.Default.With(new CatalogVocabulary(["plc"], ["asset"], ["dns"], ["multiple_items"], ["filesystem"], ["float"]));
        foreach (var vocabulary in (CatalogVocabulary[])[CatalogVocabulary.Default, extended])
        {
            var schema = vocabulary.ToolSchema();
            var lists = new[] { vocabulary.Platforms, vocabulary.Categories, vocabulary.DataSources, vocabulary.Scopes, vocabulary.InputTypes, vocabulary.DependencyTypes };
            foreach (var (path, list) in CatalogVocabulary.SchemaPaths.Zip(lists))
            {
                var node = path.Aggregate<string, JsonNode?>(schema, (n, key) => n?[key])!;
                Assert.Equal(list, node["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
            }
        }
        using var stream = typeof(CatalogVocabulary).Assembly.GetManifestResourceStream("ToolCatalog.Catalog.Schema.tool.schema.json")!;
        var template = JsonNode.Parse(stream)!;
        Assert.All(CatalogVocabulary.SchemaPaths, path => Assert.Null(path.Aggregate<string, JsonNode?>(template, (n, key) => n?[key])!["enum"]));
    }
}
