using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Expressions;
using ToolCatalog.Catalog.Upgrade;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Tests;

/// <summary>The upgrade of legacy tool documents: each legacy shape, nothing dropped, and canonical files untouched.</summary>
public sealed class UpgradeTests
{
    private static readonly string Legacy = Path.Combine(RepoPaths.Root, "tests", "ToolCatalog.Catalog.Tests", "Upgrade", "legacy");

    private static YamlNode Read(string relative)
    {
        var problems = new List<CatalogProblem>();
        var root = YamlReader.ReadAll(File.ReadAllText(Path.Combine(Legacy, relative)), relative, problems).Single();
        Assert.Empty(problems);
        return root;
    }

    private static YamlMap Upgraded(string relative, out UpgradedTool upgraded)
    {
        upgraded = ToolUpgrader.Upgrade(Read(relative));
        var validated = ToolParser.Validate(upgraded.Document, relative);
        Assert.True(validated.IsValid, string.Join("\n", validated.Errors));
        Assert.DoesNotContain(validated.Problems, p => p.Message.Contains("not part of the format", StringComparison.Ordinal)
            && !p.Path.StartsWith("owner", StringComparison.Ordinal) && !p.Path.StartsWith("maintainer", StringComparison.Ordinal)
            && !p.Path.StartsWith("source_status", StringComparison.Ordinal));
        return (YamlMap)upgraded.Document;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => int.TryParse(key, out var i) ? ((YamlSequence)n).Items[i] : ((YamlMap)n)[key]!);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalar)At(node, path)).Text;

    [Fact]
    public void Top_level_name_with_tags_and_no_capabilities_becomes_a_draft_with_its_tags_in_metadata()
    {
        var tool = Upgraded("old/ntpq.yaml", out var upgraded);

        Assert.Equal("ntpq", Text(tool, "tool_name"));
        Assert.Equal(ScalarKind.String, ((YamlScalar)tool["version"]!).Kind);
        Assert.Equal(["time", "ntp"], ((YamlSequence)At(tool, "metadata", "tags")).Items.Select(i => ((YamlScalar)i).Text));
        Assert.Empty(((YamlMap)tool["capabilities"]!).Entries);
        Assert.Equal("draft", Text(tool, "status"));
        Assert.Equal("infra-team", Text(tool, "owner"));
        Assert.Contains(upgraded.Changes, c => c is { Action: UpgradeAction.Renamed, Path: "name", Source: { Line: 2, Column: 7 } });
        Assert.Contains(upgraded.Changes, c => c is { Action: UpgradeAction.Moved, Path: "tags", Source.Line: 7 });
    }

    [Fact]
    public void The_tool_wrapper_with_one_capability_pattern_inputs_and_policy_maps_to_canonical_fields()
    {
        var tool = Upgraded("old/dig.yaml", out var upgraded);

        Assert.Equal("dig", Text(tool, "tool_name"));
        var pattern = At(tool, "capabilities", "dns_query", "patterns", "single_lookup");
        Assert.Equal("Resolve names and inspect DNS answers.", Text(tool, "capabilities", "dns_query", "description"));
        Assert.Equal("domain", Text(pattern, "required_inputs", "0", "name"));
        Assert.Null(((YamlMap)At(pattern, "required_inputs", "0"))["required"]);
        Assert.Equal(["record_type", "short", "dns_latency"], ((YamlSequence)At(pattern, "optional_inputs")).Items.Select(i => Text(i, "name")));
        Assert.Equal(new YamlScalar(new SourceMark(30, 16), ScalarKind.Bool, "true"), At(pattern, "optional_inputs", "1", "default"));
        Assert.Equal("number", Text(pattern, "optional_inputs", "2", "type"));
        Assert.Null(((YamlMap)At(pattern, "optional_inputs", "2"))["default"]);
        Assert.Equal(("false", "15000", "true"), (Text(pattern, "policy", "requires_approval"), Text(pattern, "policy", "max_execution_time"),
            Text(pattern, "policy", "production_safe")));
        Assert.Equal("dns-team", Text(tool, "maintainer"));
        Assert.Contains(upgraded.Changes, c => c is { Action: UpgradeAction.Converted, Path: "capabilities.dns_query.patterns.single_lookup.policy.timeout_seconds", Source: { Line: 33, Column: 22 } });
        Assert.Contains(upgraded.Changes, c => c is { Action: UpgradeAction.Declared } && c.Message.Contains("'dns_latency'", StringComparison.Ordinal));
        Assert.NotEqual("draft", (tool["status"] as YamlScalar)?.Text);
    }

    [Fact]
    public void Capability_and_pattern_lists_become_maps_and_text_defaults_take_the_input_type()
    {
        var tool = Upgraded("old/du.yaml", out var upgraded);

        var pattern = At(tool, "capabilities", "disk_usage", "patterns", "summarize_tree");
        Assert.Null(((YamlMap)At(tool, "capabilities", "disk_usage"))["name"]);
        Assert.Equal((ScalarKind.Bool, "false"), (((YamlScalar)At(pattern, "optional_inputs", "0", "default")).Kind, Text(pattern, "optional_inputs", "0", "default")));
        Assert.Equal(("number", ScalarKind.Float), (Text(pattern, "optional_inputs", "1", "type"), ((YamlScalar)At(pattern, "optional_inputs", "1", "default")).Kind));
        Assert.Equal("^([kK]|[mM]|[gG])[bB]?$", Text(pattern, "optional_inputs", "2", "validation"));
        Assert.Equal(["apparent_size", "threshold_mb", "unit", "num_files", "file_size_kb"],
            ((YamlSequence)At(pattern, "optional_inputs")).Items.Select(i => Text(i, "name")));
        Assert.Equal(2, upgraded.Changes.Count(c => c.Action == UpgradeAction.Declared));
    }

    [Fact]
    public void Declared_variables_turn_an_unknown_variable_into_a_missing_value_the_estimate_names()
    {
        var tool = Upgraded("old/du.yaml", out _);
        var expression = Text(tool, "capabilities", "disk_usage", "patterns", "summarize_tree", "time_estimate_ms");

        var estimate = EstimateExpression.Evaluate(expression, new Dictionary<string, double>());

        Assert.Equal("no value for variable(s) num_files", estimate.Error);
        Assert.Equal(51, EstimateExpression.Evaluate(expression, new Dictionary<string, double> { ["num_files"] = 50 }).Value);
    }

    [Theory]
    [InlineData("old/ntpq.yaml")]
    [InlineData("old/dig.yaml")]
    [InlineData("old/du.yaml")]
    [InlineData("windows/ping.yaml")]
    public void No_source_value_is_lost_each_is_in_the_result_or_reported_as_converted(string relative)
    {
        var source = Read(relative);
        var upgraded = ToolUpgrader.Upgrade(source);

        Assert.Empty(LostValues(source, upgraded));
    }

    [Fact]
    public void The_lost_value_check_reports_a_value_the_upgrade_would_drop()
    {
        var source = Read("old/dig.yaml");
        var upgraded = ToolUpgrader.Upgrade(source);
        var map = (YamlMap)upgraded.Document;
        var dropped = upgraded with { Document = new YamlMap(map.Mark, map.Entries.Where(e => e.Key != "maintainer").ToList()) };

        Assert.Equal(["35:15 dns-team"], LostValues(source, dropped));
    }

    [Fact]
    public void Upgrading_twice_changes_nothing_and_the_written_form_reads_back_as_canonical()
    {
        foreach (var relative in (string[])["old/ntpq.yaml", "old/dig.yaml", "old/du.yaml"])
        {
            var once = ToolUpgrader.Upgrade(Read(relative));
            Assert.True(once.Changed);
            Assert.Empty(ToolUpgrader.Upgrade(once.Document).Changes);
            var written = YamlWriter.Write(once.Document);
            var reread = YamlReader.ReadAll(written, relative, []).Single();
            Assert.Empty(ToolUpgrader.Upgrade(reread).Changes);
            Assert.Empty(YamlDataComparer.Differences(once.Document, reread));
        }
    }

    [Fact]
    public void Every_file_of_the_repository_catalog_is_canonical_and_comes_out_byte_identical()
    {
        var files = CatalogDirectory.EnumerateFiles(RepoPaths.Catalog)
            .Select(f => (Path.GetRelativePath(RepoPaths.Catalog, f).Replace('\\', '/'), File.ReadAllText(f))).ToList();

        var upgraded = CatalogUpgrade.UpgradeFiles(files);

        Assert.All(upgraded, f => Assert.True(f.IsCanonical, $"{f.Source}: {string.Join("; ", f.Tools.SelectMany(t => t.Tool.Changes))}"));
        Assert.All(upgraded.Zip(files.OrderBy(f => f.Item1, StringComparer.Ordinal)), p => Assert.Equal(p.Second.Item2, p.First.Tools[0].Text));
    }

    [Fact]
    public void One_command_on_two_platforms_keeps_both_the_second_renamed_with_its_command()
    {
        var files = new[] { "windows/ping.yaml", "linux/ping.yaml" }.Select(f => (f, File.ReadAllText(Path.Combine(Legacy, f))));

        var upgraded = CatalogUpgrade.UpgradeFiles(files);

        var linux = Assert.Single(upgraded[0].Tools);
        var windows = Assert.Single(upgraded[1].Tools);
        Assert.True(upgraded[0].IsCanonical);
        Assert.Equal(("linux/ping.yaml", "windows/ping_windows.yaml"), (linux.Target, windows.Target));
        Assert.Equal(("ping_windows", "ping"), (Text(windows.Tool.Document, "tool_name"), Text(windows.Tool.Document, "command")));
        Assert.Contains(windows.Tool.Changes, c => c is { Action: UpgradeAction.Renamed, Path: "tool_name", Source: { Line: 1, Column: 12 } });
        Assert.True(ToolParser.Validate(windows.Tool.Document, windows.Target).IsValid);
        Assert.NotNull(At(windows.Tool.Document, "capabilities", "reachability", "patterns", "until_stopped"));
    }

    [Fact]
    public void A_file_with_no_name_at_all_or_not_yaml_is_reported_with_the_reason()
    {
        var upgraded = CatalogUpgrade.UpgradeFiles([("a.yaml", "description: a tool with no name anywhere\n"), ("b.yaml", "tool_name: [unclosed\n")]);

        Assert.Contains("no name at all", Assert.Single(upgraded[0].Problems).Message, StringComparison.Ordinal);
        Assert.StartsWith("not valid YAML", Assert.Single(upgraded[1].Problems).Message, StringComparison.Ordinal);
        Assert.All(upgraded, f => Assert.Empty(f.Tools));
    }

    [Theory]
    [InlineData("(?i)^(yes|no)$", "^([yY][eE][sS]|[nN][oO])$")]
    [InlineData(@"(?i)^[a-f0-9]{8}\.log$", @"^[a-fA-F0-9]{8}\.[lL][oO][gG]$")]
    [InlineData(@"(?i)^[^x]\d+$", @"^[^xX]\d+$")]
    [InlineData("(?i)^(?<login>[a-z]+)$", null)]
    [InlineData("^plain$", null)]
    public void A_leading_case_insensitive_flag_is_spelled_out_in_both_cases_where_that_is_safe(string pattern, string? expected)
    {
        var translated = CaseInsensitivePattern.Translate(pattern);

        Assert.Equal(expected, translated);
        if (translated is not null)
        {
            Assert.Null(EcmaScriptPattern.Problem(translated));
            var dotnet = new System.Text.RegularExpressions.Regex(pattern);
            var spelled = new System.Text.RegularExpressions.Regex(translated);
            foreach (var sample in (string[])["yes", "YES", "No", "maybe", "DEADBEEF.LOG", "deadbeef.log", "x1", "X1", "y12"])
            {
                Assert.Equal(dotnet.IsMatch(sample), spelled.IsMatch(sample));
            }
        }
    }

    [Fact]
    public void A_pattern_javascript_reads_differently_is_a_warning_in_upgrade_mode_and_an_error_otherwise()
    {
        var lsof = Read("old/lsof.yaml");
        var upgrade = ToolParser.Validate(ToolUpgrader.Upgrade(lsof).Document, "lsof.yaml", settings: new ValidationSettings(CatalogVocabulary.Default, VocabularyMode.Upgrade));
        var strict = ToolParser.Validate(lsof, "lsof.yaml");

        const string Path = "capabilities.open_files.patterns.by_pid.optional_inputs[0].validation";
        Assert.True(upgrade.IsValid, string.Join("\n", upgrade.Errors));
        Assert.Contains(upgrade.Problems, p => p is { Path: Path, Severity: ProblemSeverity.Warning });
        Assert.Contains(strict.Errors, p => p.Path == Path);
    }

    /// <summary>Source scalars (mark and text) found neither at their mark in the result nor reported as converted there.</summary>
    private static List<string> LostValues(YamlNode source, UpgradedTool upgraded)
    {
        var kept = Scalars(upgraded.Document).Select(s => (s.Mark, s.Text)).ToHashSet();
        // A capability's or pattern's name: becomes its key in the map.
        var keys = Keys(upgraded.Document).ToHashSet(StringComparer.Ordinal);
        var converted = upgraded.Changes.Where(c => c.Action == UpgradeAction.Converted).Select(c => c.Source).ToHashSet();
        return Scalars(source).Where(s => !kept.Contains((s.Mark, s.Text)) && !converted.Contains(s.Mark) && !keys.Contains(s.Text))
            .Select(s => $"{s.Mark} {s.Text}").ToList();
    }

    private static IEnumerable<string> Keys(YamlNode node) => node switch
    {
        YamlMap map => map.Entries.SelectMany(e => Keys(e.Value).Prepend(e.Key)),
        YamlSequence seq => seq.Items.SelectMany(Keys),
        _ => [],
    };

    private static IEnumerable<YamlScalar> Scalars(YamlNode node) => node switch
    {
        YamlMap map => map.Entries.SelectMany(e => Scalars(e.Value)),
        YamlSequence seq => seq.Items.SelectMany(Scalars),
        YamlScalar s => [s],
        _ => [],
    };
}
