using ToolCatalog.Catalog.Upgrade;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Vocabulary;
using ToolCatalog.Catalog.Yaml;

using static ToolCatalog.Catalog.Tests.ToolTexts;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// The shared capability vocabulary: its lookup, the built-in data, deployment additions, the validator's warning for
/// names outside it, the opt-in upgrade to canonical names, and catalog/ written in it.
/// </summary>
public sealed class CapabilityVocabularyTests
{
    private static readonly CapabilityVocabulary Vocabulary = CapabilityVocabulary.BuiltIn;

    [Theory]
    [InlineData("service_management")]
    [InlineData("Service_Management")]
    [InlineData("service-control")]
    [InlineData("Restart Service")]
    [InlineData("  manage--services_ ")]
    [InlineData("SERVICE_RESTART")]
    public void Canonical_names_and_aliases_find_the_canonical_capability_whatever_the_case_and_separators(string name) =>
        Assert.Equal("service_management", Vocabulary.Find(name)?.Name);

    [Fact]
    public void Normalisation_lowercases_and_folds_runs_of_separators_into_one_underscore()
    {
        Assert.Equal("log_query", CapabilityVocabulary.Key(" Log - Query_"));
        Assert.Equal("a_b", CapabilityVocabulary.Key("a \t_-b"));
        Assert.Null(Vocabulary.Find("servicemanagement"));
        Assert.Null(Vocabulary.Find("frobnicate_widgets"));
        Assert.Equal("frobnicate_widgets", Vocabulary.MatchKey("Frobnicate-Widgets"));
        Assert.Equal("backup", Vocabulary.MatchKey("logical_backup"));
    }

    [Fact]
    public void The_built_in_vocabulary_has_a_few_dozen_described_capabilities_each_with_aliases()
    {
        Assert.InRange(Vocabulary.Capabilities.Count, 30, 60);
        Assert.All(Vocabulary.Capabilities, c =>
        {
            Assert.Matches(CatalogRules.MemberName(), c.Name);
            Assert.InRange(c.Description.Length, 20, 200);
            Assert.NotEmpty(c.Aliases);
        });
    }

    [Fact]
    public void An_alias_that_means_two_capabilities_is_refused_when_the_vocabulary_is_read()
    {
        const string yaml = """
            capabilities:
              first_thing: { description: One thing., aliases: [shared-name] }
              second_thing: { description: Another thing., aliases: [Shared Name] }
            """;
        var error = Assert.Throws<InvalidOperationException>(() => CapabilityVocabulary.Parse(yaml, "test.yaml"));
        Assert.Contains("'Shared Name' means both 'first_thing' and 'second_thing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deployment_adds_new_capabilities_and_aliases_to_existing_ones()
    {
        var extended = Vocabulary.With([
            new CanonicalCapability("gpu_diagnostics", "Health of GPUs and their drivers.", ["nvidia_smi"]),
            new CanonicalCapability("service-control", "ignored: the capability exists", ["bounce_service"]),
        ]);

        Assert.Equal("gpu_diagnostics", extended.Find("NVIDIA-SMI")?.Name);
        var service = extended.Find("bounce service");
        Assert.Equal("service_management", service?.Name);
        Assert.Equal(Vocabulary.Find("service_management")!.Description, service!.Description);
        Assert.Null(Vocabulary.Find("bounce_service"));
        Assert.Equal(Vocabulary.Capabilities.Count + 1, extended.Capabilities.Count);
    }

    [Fact]
    public void A_capability_outside_the_vocabulary_is_a_warning_naming_the_three_closest_canonical_ones()
    {
        var text = Replace(Systemctl, "  service_management:\n", "  servce_managment:\n");

        var result = Parse(text);

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        var warning = Assert.Single(result.Problems);
        Assert.Equal(ProblemSeverity.Warning, warning.Severity);
        Assert.Equal("capabilities.servce_managment", warning.Path);
        Assert.Equal(LineOf(text, "servce_managment:") + 1, warning.Line);
        var suggestions = warning.Message[(warning.Message.IndexOf("capabilities: ", StringComparison.Ordinal) + 14)..].Split(", ");
        Assert.Equal(3, suggestions.Length);
        Assert.Equal("service_management", suggestions[0]);
        Assert.All(suggestions, s => Assert.Equal(s, Vocabulary.Find(s)?.Name));
    }

    [Fact]
    public void An_alias_in_a_file_is_no_warning_and_neither_is_a_name_a_deployment_added()
    {
        var aliased = Replace(Systemctl, "  service_management:\n", "  service_control:\n");
        Assert.Empty(Parse(aliased).Problems);

        var custom = Replace(Systemctl, "  service_management:\n", "  unit_wrangling:\n");
        var settings = ValidationSettings.Default with
        {
            Vocabulary = CatalogVocabulary.Default with { Capabilities = Vocabulary.With([new("unit_wrangling", "Local term.", [])]) },
        };
        Assert.Single(Parse(custom).Problems);
        Assert.Empty(ToolParser.ParseFile(custom, "linux/systemctl.yaml", settings: settings).Problems);
    }

    [Fact]
    public void Every_capability_in_catalog_is_canonical()
    {
        var names = CatalogDirectory.EnumerateFiles(RepoPaths.Catalog)
            .Select(path => ToolParser.ParseFile(File.ReadAllText(path), path))
            .SelectMany(t => t.Tool!.Capabilities.Select(c => (t.Tool.Name, Capability: c.Name)))
            .ToList();

        Assert.All(names, n => Assert.True(Vocabulary.Find(n.Capability)?.Name == n.Capability, $"{n.Name}: {n.Capability} is not canonical"));
        // The point of a shared vocabulary: most capabilities are offered by several tools.
        Assert.True(names.GroupBy(n => n.Capability).Count(g => g.Count() >= 3) >= 30);
    }

    [Fact]
    public void The_opt_in_upgrade_renames_aliases_and_merges_a_tools_capabilities_keeping_every_pattern()
    {
        const string tool = """
            tool_name: svc
            version: "1.0"
            description: Manages services on one host.
            platform: linux
            category: system
            capabilities:
              service_restart:
                description: Restart services
                patterns:
                  restart: { description: restart one, time_estimate_ms: "100", cost_estimate: "0" }
              house_keeping:
                description: Local term
                patterns:
                  tidy: { description: tidy up, time_estimate_ms: "100", cost_estimate: "0" }
              Service-Control:
                description: Start and stop services.
                patterns:
                  restart: { description: restart many, time_estimate_ms: "200", cost_estimate: "0" }
                  stop: { description: stop one, time_estimate_ms: "100", cost_estimate: "0" }
            """;
        var source = ReadOne(tool);

        var plain = ToolUpgrader.Upgrade(source);
        var upgraded = ToolUpgrader.Upgrade(source, Vocabulary);

        Assert.DoesNotContain(plain.Changes, c => c.Message.Contains("canonical capability", StringComparison.Ordinal));
        var capabilities = (YamlMap)((YamlMap)upgraded.Document)["capabilities"]!;
        Assert.Equal(["service_management", "house_keeping"], capabilities.Entries.Select(e => e.Key));
        var merged = (YamlMap)capabilities["service_management"]!;
        var patterns = (YamlMap)merged["patterns"]!;
        Assert.Equal(["restart", "restart_service_control", "stop"], patterns.Entries.Select(e => e.Key));
        Assert.Equal("restart many", ((YamlScalar)((YamlMap)patterns["restart_service_control"]!)["description"]!).Text);
        Assert.Equal("Restart services. Start and stop services.", ((YamlScalar)merged["description"]!).Text);
        Assert.Equal(PatternCount(source), PatternCount(upgraded.Document));
        Assert.Contains(upgraded.Changes, c => c is { Action: UpgradeAction.Renamed, Path: "capabilities.Service-Control.patterns.restart" });
        Assert.Contains(upgraded.Changes, c => c is { Action: UpgradeAction.Moved, Path: "capabilities.Service-Control" });
        // Written with the YAML writer and read back, the result is a valid tool with no vocabulary warning but house_keeping's.
        var reread = Parse(YamlWriter.Write(upgraded.Document));
        Assert.True(reread.IsValid, string.Join('\n', reread.Problems));
        Assert.Equal("capabilities.house_keeping", Assert.Single(reread.Problems, p => p.Message.Contains("vocabulary", StringComparison.Ordinal)).Path);
    }

    private static int PatternCount(YamlNode tool) =>
        ((YamlMap)((YamlMap)tool)["capabilities"]!).Entries.Sum(c => ((YamlMap)((YamlMap)c.Value)["patterns"]!).Entries.Count);
}
