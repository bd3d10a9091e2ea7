using System.Text.Json;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

using static ToolCatalog.Catalog.Tests.ToolTexts;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// One targeted mistake per documented rule, made in the shipped systemctl.yaml: each must come back as an Error at the
/// exact path, with a line and column, and a message that says why. Unknown keys are warnings and are kept.
/// </summary>
public sealed class ValidatorTests
{
    private const string Status = "capabilities.service_status";
    private const string Failed = Status + ".patterns.list_failed_units";
    private const string Restart = "capabilities.service_management.patterns.restart_service";
    private const string UnitType = Failed + ".optional_inputs[0]";

    [Fact]
    public void The_unchanged_systemctl_file_is_valid_without_warnings()
    {
        var result = Parse(Systemctl);

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        Assert.Empty(result.Problems);
    }

    [Theory]
    [InlineData("tool_name: systemctl", "tool_name")]
    [InlineData("version: \"1.0.0\"", "version")]
    [InlineData("description: Control the systemd", "description")]
    [InlineData("platform: linux", "platform")]
    [InlineData("category: system", "category")]
    [InlineData("description: Read the state of units", Status + ".description")]
    [InlineData("description: List units in the failed state", Failed + ".description")]
    [InlineData("time_estimate_ms: \"150 + 0.2 * N\"", Failed + ".time_estimate_ms")]
    [InlineData("cost_estimate: \"0.001\"", Failed + ".cost_estimate")]
    [InlineData("complexity_score: 0.1", Failed + ".complexity_score")]
    [InlineData("- name: unit_type", UnitType + ".name")]
    [InlineData("    type: service", "dependencies[0].type")]
    public void A_missing_required_field_is_an_error_at_its_path(string line, string path)
    {
        var text = RemoveLine(Systemctl, line);
        if (line.StartsWith("- name", StringComparison.Ordinal))
        {
            // The input list item must stay a list item: its next key takes the dash.
            text = Replace(text, "            type: string\n            description: Restrict", "          - type: string\n            description: Restrict");
        }

        var error = SingleError(text);

        Assert.Equal(path, error.Path);
        Assert.Contains("is required", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Line, 1, text.Split('\n').Length);
        Assert.True(error.Column > 0);
    }

    [Theory]
    // The old block is kept under an unknown key (a warning), so only the required key goes missing or empty.
    [InlineData("capabilities:\n", "x_capabilities:\n", "capabilities", "is required")]
    [InlineData("capabilities:\n", "capabilities: {}\nx_old:\n", "capabilities", "needs at least one capability")]
    [InlineData("    patterns:\n      list_failed_units:", "    x_patterns:\n      list_failed_units:", Status + ".patterns", "is required")]
    [InlineData("    patterns:\n      list_failed_units:", "    patterns: {}\n    x_old:\n      list_failed_units:", Status + ".patterns", "needs at least one pattern")]
    [InlineData("        typical_use_cases:\n          - find what", "        x_use_cases:\n          - find what", Failed + ".typical_use_cases", "is required (a list of text)")]
    public void A_missing_or_empty_required_map_or_list_is_an_error_at_its_path(string from, string to, string path, string reason)
    {
        var text = Replace(Systemctl, from, to);

        var error = SingleError(text);

        Assert.Equal(path, error.Path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 0 && error.Column > 0, error.ToString());
    }

    [Fact]
    public void A_validation_regex_seen_in_an_earlier_file_is_judged_again_the_same_way()
    {
        // Regex verdicts are remembered across files (compiling is most of validating an input): each file still gets its error.
        const string from = "validation: '^(service|socket|timer|target|mount|path|slice|scope)$'";
        var broken = Replace(Systemctl, from, "validation: '^(service|socket|timer'");
        var javaScriptOnly = Replace(Systemctl, from, @"validation: '\A(service|socket|timer)\z'");

        for (var file = 0; file < 2; file++)
        {
            Assert.Contains("regex does not compile", SingleError(broken).Message, StringComparison.Ordinal);
            Assert.Contains("exported as JSON Schema patterns", SingleError(javaScriptOnly).Message, StringComparison.Ordinal);
            Assert.Equal(UnitType + ".validation", SingleError(javaScriptOnly).Path);
        }
    }

    [Theory]
    // Enums.
    [InlineData("platform: linux", "platform: linuxx", "platform", "'linuxx' is not one of")]
    [InlineData("category: system", "category: sys", "category", "'sys' is not one of")]
    [InlineData("status: active", "status: retired", "status", "'retired' is not one of")]
    [InlineData("accuracy_level: real-time", "accuracy_level: realtime", "defaults.accuracy_level", "'realtime' is not one of")]
    [InlineData("freshness: live", "freshness: stale", "defaults.freshness", "'stale' is not one of")]
    [InlineData("data_source: direct", "data_source: cache", "defaults.data_source", "'cache' is not one of")]
    [InlineData("scope: exhaustive", "scope: everything", Failed + ".scope", "'everything' is not one of")]
    [InlineData("completeness: complete\n        limitations:\n          - only", "completeness: full\n        limitations:\n          - only", Failed + ".completeness", "'full' is not one of")]
    [InlineData("type: string\n            description: Restrict", "type: text\n            description: Restrict", UnitType + ".type", "'text' is not one of")]
    [InlineData("    type: service", "    type: daemon", "dependencies[0].type", "'daemon' is not one of")]
    [InlineData("enabled: true", "enabled: yes", "enabled", "must be true or false")]
    [InlineData("requires_approval: false", "requires_approval: \"false\"", Failed + ".policy.requires_approval", "must be true or false")]
    // Ranges.
    [InlineData("complexity_score: 0.1", "complexity_score: 1.5", Failed + ".complexity_score", "from 0 to 1")]
    [InlineData("complexity_score: 0.1", "complexity_score: -0.1", Failed + ".complexity_score", "from 0 to 1")]
    [InlineData("complexity_score: 0.1", "complexity_score: \"0.1\"", Failed + ".complexity_score", "from 0 to 1")]
    [InlineData("speed: 0.95", "speed: 1.01", Failed + ".preference_match.speed", "from 0 to 1")]
    [InlineData("accuracy: 0.95", "accuracy: -0.5", Failed + ".preference_match.accuracy", "from 0 to 1")]
    [InlineData("\n          cost: 1.0", "\n          cost: 2", Failed + ".preference_match.cost", "from 0 to 1")]
    [InlineData("complexity: 0.95", "complexity: high", Failed + ".preference_match.complexity", "from 0 to 1")]
    [InlineData("completeness: 0.9", "completeness: 100", Failed + ".preference_match.completeness", "from 0 to 1")]
    [InlineData("max_execution_time: 10000", "max_execution_time: 0", Failed + ".policy.max_execution_time", "whole number >= 1")]
    [InlineData("max_execution_time: 10000", "max_execution_time: 1500.5", Failed + ".policy.max_execution_time", "whole number >= 1")]
    [InlineData("max_N_immediate: 5000", "max_N_immediate: -1", Failed + ".policy.max_N_immediate", "whole number >= 0")]
    [InlineData("max_N_immediate: 5000", "max_N_immediate: 2.5", Failed + ".policy.max_N_immediate", "whole number >= 0")]
    [InlineData("max_cost: 0.1", "max_cost: -0.1", Failed + ".policy.max_cost", "a number >= 0")]
    [InlineData("max_cost: 0.1", "max_cost: cheap", Failed + ".policy.max_cost", "a number >= 0")]
    // Names.
    [InlineData("tool_name: systemctl", "tool_name: 1systemctl", "tool_name", "must start with a letter")]
    [InlineData("tool_name: systemctl", "tool_name: system ctl", "tool_name", "must start with a letter")]
    [InlineData("  service_status:", "  Service-Status:", "capabilities.Service-Status", "lower_snake_case")]
    [InlineData("      list_failed_units:", "      ListFailedUnits:", Status + ".patterns.ListFailedUnits", "lower_snake_case")]
    [InlineData("name: unit_type", "name: Unit-Type", UnitType + ".name", "lower_snake_case")]
    // Version and description.
    [InlineData("version: \"1.0.0\"", "version: 1.0", "version", "must be a quoted string (\"1.0\")")]
    [InlineData("version: \"1.0.0\"", "version: 2", "version", "must be a quoted string (\"2\")")]
    [InlineData("version: \"1.0.0\"", "version: v1", "version", "must look like 1, 1.2 or 1.2.3")]
    [InlineData("description: Control the systemd system", "description: too short\nx_rest: Control the systemd system", "description", "10 to 2000 characters")]
    // Lists of text.
    [InlineData("typical_use_cases:\n          - find what broke after a reboot\n          - health sweep across a fleet", "typical_use_cases: []", Failed + ".typical_use_cases", "at least one use case")]
    [InlineData("typical_use_cases:\n          - find what broke after a reboot\n          - health sweep across a fleet", "typical_use_cases: find what broke", Failed + ".typical_use_cases", "must be a list")]
    [InlineData("          - health sweep across a fleet", "          - 42", Failed + ".typical_use_cases[1]", "must be text, not the number 42")]
    [InlineData("          - health sweep across a fleet", "          - note: health sweep across a fleet", Failed + ".typical_use_cases[1]", "containing ': ' is read as a map: quote it")]
    [InlineData("          - only units loaded in memory", "          - caveat: only units loaded in memory", Failed + ".limitations[0]", "containing ': ' is read as a map: quote it")]
    [InlineData("tags: [systemd, services, linux, init]", "tags: [systemd, 42]", "metadata.tags[1]", "must be text")]
    // Inputs.
    [InlineData("validation: '^(service|socket|timer|target|mount|path|slice|scope)$'", "validation: '^(service|socket'", UnitType + ".validation", "regex does not compile")]
    [InlineData("type: string\n            description: Restrict to one unit type (service, timer, socket, ...)", "type: string\n            description: Restrict to one unit type (service, timer, socket, ...)\n            default: 5", UnitType + ".default", "default is the number 5, but the input's type is string")]
    [InlineData("          - name: no_block\n            type: boolean\n            description: Pass --no-block and return without waiting for the job\n            default: false", "          - name: no_block\n            type: boolean\n            description: Pass --no-block and return without waiting for the job\n            default: \"no\"", Restart + ".optional_inputs[1].default", "but the input's type is boolean")]
    // Expressions.
    [InlineData("time_estimate_ms: \"150 + 0.2 * N\"", "time_estimate_ms: \"150 + 0.2 * units\"", Failed + ".time_estimate_ms", "unknown variable 'units'")]
    [InlineData("cost_estimate: \"0.001\"", "cost_estimate: \"sin(N)\"", Failed + ".cost_estimate", "unknown function 'sin'")]
    [InlineData("requires_background_if: \"N > 5000\"", "requires_background_if: \"N >\"", Failed + ".policy.requires_background_if", "does not parse")]
    [InlineData("time_estimate_ms: \"150 + 0.2 * N\"", "time_estimate_ms: [150]", Failed + ".time_estimate_ms", "must be an expression string")]
    // Metadata.
    [InlineData("created: \"2024-03-02\"", "created: 20240302", "metadata.created", "must be a quoted date string")]
    [InlineData("created: \"2024-03-02\"", "created: \"March 2024\"", "metadata.created", "must be an ISO date")]
    [InlineData("updated: \"2025-01-10\"", "updated: \"2025-13-45\"", "metadata.updated", "must be an ISO date")]
    [InlineData("updated: \"2025-01-10\"", "updated: \"2025-02-30\"", "metadata.updated", "must be an ISO date")]
    [InlineData("documentation_url: https://www.freedesktop.org", "documentation_url: www.freedesktop.org", "metadata.documentation_url", "absolute http(s) URL")]
    [InlineData("source_code_url: https://github.com/systemd/systemd", "source_code_url: ftp://github.com/systemd/systemd", "metadata.source_code_url", "absolute http(s) URL")]
    public void A_wrong_value_is_an_error_at_its_path_with_the_reason(string from, string to, string path, string reason)
    {
        var text = Replace(Systemctl, from, to);

        var error = SingleError(text);

        Assert.Equal(path, error.Path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        // The error points into the text that was changed (a bad capability or pattern name is reported at its map,
        // which starts on the line after the name).
        var first = LineOf(text, to.TrimStart('\n'));
        var last = first + to.TrimStart('\n').Count(c => c == '\n') + (to.EndsWith(':') ? 1 : 0);
        Assert.InRange(error.Line, first, last);
        Assert.True(error.Column > 0);
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(2000, true)]
    [InlineData(2001, false)]
    public void The_description_must_hold_10_to_2000_characters(int length, bool valid)
    {
        var text = RemoveLine(Systemctl, "description: Control the systemd").Replace("platform: linux", $"description: {new string('d', length)}\nplatform: linux", StringComparison.Ordinal);

        var result = Parse(text);

        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            Assert.Equal("description", Assert.Single(result.Errors).Path);
        }
    }

    [Fact]
    public void An_input_name_declared_in_both_lists_is_an_error_naming_the_first_declaration()
    {
        var text = Replace(Systemctl, "required_inputs: []", "required_inputs:\n          - name: unit_type\n            type: string");

        var error = SingleError(text);

        Assert.Equal(UnitType + ".name", error.Path);
        Assert.Contains($"input 'unit_type' is already declared at {Failed}.required_inputs[0]", error.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(text, "- name: unit_type\n            type: string\n            description: Restrict"), error.Line);
    }

    [Fact]
    public void A_declared_numeric_input_may_be_used_in_expressions_but_a_string_input_may_not()
    {
        var numeric = Replace(Systemctl, "cost_estimate: \"0.001\"", "cost_estimate: \"0.001 * max(1, unit_count)\"")
            .Replace("required_inputs: []", "required_inputs:\n          - name: unit_count\n            type: integer", StringComparison.Ordinal);
        var text = Replace(Systemctl, "cost_estimate: \"0.001\"", "cost_estimate: \"0.001 * unit_type\"");

        Assert.True(Parse(numeric).IsValid, string.Join('\n', Parse(numeric).Problems));
        Assert.Contains("unknown variable 'unit_type'", SingleError(text).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scope_and_completeness_may_be_left_out_as_the_format_and_schema_say()
    {
        var text = RemoveLine(Systemctl, "scope: exhaustive");
        text = Replace(text, "        completeness: complete\n        limitations:\n          - only", "        limitations:\n          - only");

        var result = Parse(text);

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        var pattern = result.Tool!.Capabilities.Single(c => c.Name == "service_status").Patterns.Single();
        Assert.Null(pattern.Scope);
        Assert.Null(pattern.Completeness);
    }

    [Fact]
    public void A_document_with_several_mistakes_reports_all_of_them_at_once()
    {
        var text = Systemctl;
        text = Replace(text, "version: \"1.0.0\"", "version: 1.0");
        text = Replace(text, "platform: linux", "platform: linuxx");
        text = Replace(text, "complexity_score: 0.1", "complexity_score: 1.5");
        text = Replace(text, "max_N_immediate: 5000", "max_N_immediate: -1");
        text = Replace(text, "tags: [systemd, services, linux, init]", "tags: [systemd, 42]");
        text = Replace(text, "    type: service", "    type: daemon");
        text = Replace(text, "enabled: true", "enabled: true\nx_team: sre");

        var result = Parse(text);

        Assert.False(result.IsValid);
        Assert.Equal(
            ["version", "platform", Failed + ".complexity_score", Failed + ".policy.max_N_immediate", "dependencies[0].type", "metadata.tags[1]"],
            result.Errors.Select(e => e.Path).ToArray());
        Assert.All(result.Errors, e => Assert.True(e.Line > 0, e.ToString()));
        // The unknown key is still reported, as a warning.
        Assert.Equal("x_team", Assert.Single(result.Problems, p => p.Severity == ProblemSeverity.Warning).Path);
    }

    [Fact]
    public void Unknown_keys_at_every_level_are_warnings_and_are_kept_in_place_through_json_and_yaml()
    {
        var text = Systemctl;
        text = Replace(text, "capabilities:\n", "x_review:\n  approved: \"false\"\n  by: [alice, bob]\n  when: { year: 2025, done: false }\ncapabilities:\n");
        text = Replace(text, "    description: Read the state of units without changing them.\n", "    description: Read the state of units without changing them.\n    x_owner: team-a\n");
        text = Replace(text, "complexity_score: 0.1\n", "complexity_score: 0.1\n        x_notes: { reviewed: \"false\", score: 1.0, nested: { deep: [1, \"2\", null] } }\n");
        text = Replace(text, "max_execution_time: 10000\n", "max_execution_time: 10000\n          x_window: \"false\"\n");

        var result = Parse(text);

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        Assert.Empty(result.Errors);
        var warnings = result.Problems.Where(p => p.Severity == ProblemSeverity.Warning).ToList();
        Assert.Equal(["x_review", Status + ".x_owner", Failed + ".x_notes", Failed + ".policy.x_window"], warnings.Select(w => w.Path).ToArray());
        Assert.All(warnings, w => Assert.Contains("not part of the format", w.Message, StringComparison.Ordinal));
        Assert.Equal(LineOf(text, "x_owner: team-a"), warnings[1].Line);
        Assert.Equal(LineOf(text, "x_window"), warnings[3].Line);

        var json = result.Tool!.CanonicalJson;
        Assert.Contains("\"x_review\":{\"approved\":\"false\",\"by\":[\"alice\",\"bob\"],\"when\":{\"year\":2025,\"done\":false}},\"capabilities\":{", json, StringComparison.Ordinal);
        Assert.Contains("\"description\":\"Read the state of units without changing them.\",\"x_owner\":\"team-a\",\"patterns\":", json, StringComparison.Ordinal);
        Assert.Contains("\"complexity_score\":0.1,\"x_notes\":{\"reviewed\":\"false\",\"score\":1.0,\"nested\":{\"deep\":[1,\"2\",null]}},\"scope\":", json, StringComparison.Ordinal);
        Assert.Contains("\"max_execution_time\":10000,\"x_window\":\"false\",\"requires_background_if\":", json, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, result.Tool.ToJsonObject()["x_review"]!["approved"]!.GetValueKind());

        var exported = YamlWriter.Write(YamlJson.FromJson(result.Tool.ToJsonObject()));
        Assert.Empty(YamlDataComparer.Differences(ToolTexts.ReadOne(text), ToolTexts.ReadOne(exported)));
        Assert.Contains("x_window: \"false\"", exported, StringComparison.Ordinal);
        // The exported file is again a valid tool with the same content.
        Assert.Equal(result.Tool.ContentHash, Parse(exported).Tool?.ContentHash);
    }

    private static CatalogProblem SingleError(string text)
    {
        var result = Parse(text);
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal(ProblemSeverity.Error, error.Severity);
        Assert.Equal("linux/systemctl.yaml", error.File);
        return error;
    }
}
