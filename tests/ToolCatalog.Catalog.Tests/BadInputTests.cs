using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// Broken, hostile and odd input through <see cref="ToolParser"/>: every case comes back as an invalid result with a clear
/// error, never as an exception, a stack overflow or a hang.
/// </summary>
public sealed class BadInputTests
{
    private const string FileName = "bad.yaml";

    private static ParsedTool Rejected(string text, string phrase)
    {
        var result = ToolParser.ParseFile(text, FileName);

        Assert.False(result.IsValid);
        Assert.Null(result.Tool);
        Assert.Equal(FileName, result.File);
        Assert.Contains(result.Errors, e => e.Message.Contains(phrase, StringComparison.Ordinal));
        return result;
    }

    [Theory]
    [InlineData("key: [unclosed", "not valid YAML")]
    [InlineData("tool_name: 'unterminated", "not valid YAML")]
    [InlineData("a: b: c", "not valid YAML")]
    [InlineData("", "file is empty")]
    [InlineData("   \n\n  \n", "file is empty")]
    [InlineData("# only a comment\n# and another\n", "file is empty")]
    [InlineData("---\n", "file is empty")]
    [InlineData("- tool_name: systemctl\n- version: \"1.0.0\"\n", "must be a map of keys (tool_name, version, ...), not a list")]
    [InlineData("systemctl", "must be a map of keys (tool_name, version, ...), not the text \"systemctl\"")]
    [InlineData("42", "must be a map of keys (tool_name, version, ...), not the number 42")]
    [InlineData("tool_name: *nowhere\n", "alias *nowhere refers to no anchor")]
    [InlineData("? [a, b]\n: c\n", "map keys must be plain text")]
    public void Input_that_is_not_a_tool_map_is_rejected_with_a_clear_error(string text, string phrase)
    {
        var error = Assert.Single(Rejected(text, phrase).Errors);

        Assert.True(error.Line > 0, error.ToString());
    }

    [Fact]
    public void A_duplicate_top_level_key_is_an_error_on_its_second_line()
    {
        var text = ToolTexts.Replace(ToolTexts.Systemctl, "category: system\n", "category: system\ntool_name: systemd\n");

        var result = Rejected(text, "duplicate key 'tool_name'");

        Assert.Equal(ToolTexts.LineOf(text, "tool_name: systemd"), Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void A_duplicate_nested_key_is_an_error_on_its_second_line()
    {
        var text = ToolTexts.Replace(ToolTexts.Systemctl, "max_cost: 0.1\n", "max_cost: 0.1\n          max_cost: 0.2\n");

        var result = Rejected(text, "duplicate key 'max_cost'");

        Assert.Equal(ToolTexts.LineOf(text, "max_cost: 0.2"), Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void A_file_over_one_mebibyte_is_rejected_before_it_is_parsed()
    {
        var text = ToolTexts.Systemctl + "x_padding: \"" + new string('x', 1024 * 1024) + "\"\n";

        Rejected(text, "file is larger than 1024 KiB");
    }

    [Fact]
    public void A_file_just_under_the_size_limit_is_still_read()
    {
        var padding = 1024 * 1024 - Encoding.UTF8.GetByteCount(ToolTexts.Systemctl) - 100;
        var result = ToolParser.ParseFile(ToolTexts.Systemctl + "x_padding: \"" + new string('x', padding) + "\"\n", FileName);

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
    }

    [Theory]
    [InlineData("flow sequences")]
    [InlineData("flow maps")]
    [InlineData("block sequences")]
    public void Ten_thousand_levels_of_nesting_are_rejected_without_overflowing_the_stack(string shape)
    {
        const int depth = 10_000;
        var text = shape switch
        {
            "flow sequences" => "x: " + new string('[', depth) + new string(']', depth),
            "flow maps" => "x: " + string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth),
            _ => string.Concat(Enumerable.Repeat("- ", depth)) + "1\n",
        };

        var error = Assert.Single(Rejected(text, "nesting deeper than 64 levels").Errors);
        Assert.True(error.Line > 0);
    }

    [Theory]
    [InlineData(63, true)]
    [InlineData(64, false)]
    public void Nesting_is_accepted_up_to_64_levels_and_kept(int listDepth, bool valid)
    {
        // The tool map itself is the first level.
        var nested = new string('[', listDepth) + "1" + new string(']', listDepth);
        var result = ToolParser.ParseFile(ToolTexts.Systemctl + "x_deep: " + nested + "\n", FileName);

        Assert.Equal(valid, result.IsValid);
        if (valid)
        {
            Assert.Contains("\"x_deep\":" + nested, result.Tool!.CanonicalJson, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("nesting deeper than 64 levels", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_billion_laughs_file_is_rejected_quickly_for_expanding_too_far()
    {
        var text = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level < 9; level++)
        {
            text.Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 9))}]\n");
        }
        var clock = Stopwatch.StartNew();

        var result = Rejected(text.ToString(), "expands to more than 100,000 nodes");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.True(Assert.Single(result.Errors).Line > 0);
    }

    [Fact]
    public void Ordinary_anchors_and_aliases_are_accepted_and_expanded()
    {
        var text = ToolTexts.Replace(ToolTexts.Systemctl, "tags: [systemd, services, linux, init]", "tags: &tags [systemd, services, linux, init]\n  x_keywords: *tags");

        var result = ToolParser.ParseFile(text, FileName);

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        Assert.Contains("\"x_keywords\":[\"systemd\",\"services\",\"linux\",\"init\"]", result.Tool!.CanonicalJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_nul_character_is_rejected_as_not_text()
    {
        Rejected("\0", "NUL character");
    }

    [Fact]
    public void A_nul_character_inside_a_valid_tool_is_rejected_instead_of_cutting_the_file_short()
    {
        // YamlDotNet treats NUL as the end of the stream: everything after it (here metadata and examples) would be lost.
        var text = ToolTexts.Replace(ToolTexts.Systemctl, "\nmetadata:", "\0\nmetadata:");

        var error = Assert.Single(Rejected(text, "NUL character").Errors);

        Assert.Equal(ToolTexts.LineOf(text, "\0"), error.Line);
    }

    [Fact]
    public void A_nul_written_as_an_escape_in_a_quoted_string_is_data_and_is_kept()
    {
        var text = ToolTexts.Replace(ToolTexts.Systemctl, "author: platform-team", "author: \"platform\\0team\"");

        var result = ToolParser.ParseFile(text, FileName);

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        Assert.Equal("platform\0team", result.Tool!.ToJsonObject()["metadata"]!["author"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(0xD800, false)]
    [InlineData(0xDC00, true)]
    public void Text_that_is_not_valid_unicode_is_rejected(int surrogate, bool quoted)
    {
        // A lone surrogate is how undecodable input looks in a .NET string; it cannot be written back as UTF-8.
        // (Built here: xunit would replace it with U+FFFD when it serializes theory data.)
        var value = $"platform{(char)surrogate}team";
        var to = "author: " + (quoted ? $"\"{value}\"" : value);
        var text = ToolTexts.Replace(ToolTexts.Systemctl, "author: platform-team", to);

        var error = Assert.Single(Rejected(text, "not valid Unicode").Errors);

        Assert.Equal(ToolTexts.LineOf(text, to), error.Line);
    }

    [Fact]
    public void A_byte_order_mark_before_the_first_line_is_ignored()
    {
        var result = ToolParser.ParseFile("\uFEFF" + ToolTexts.Systemctl, FileName);

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(ToolParser.ParseFile(ToolTexts.Systemctl, FileName).Tool!.ContentHash, result.Tool!.ContentHash);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_json_body_is_yaml_and_gives_the_same_tool(bool indented)
    {
        var fromYaml = ToolParser.ParseFile(ToolTexts.Systemctl, FileName).Tool!;
        var json = fromYaml.ToJsonObject().ToJsonString(new JsonSerializerOptions { WriteIndented = indented });

        var fromJson = ToolParser.ParseFile(json, "systemctl.json");

        Assert.True(fromJson.IsValid, string.Join('\n', fromJson.Problems));
        Assert.Empty(fromJson.Problems);
        Assert.Equal(fromYaml.CanonicalJson, fromJson.Tool!.CanonicalJson);
    }

    [Fact]
    public void A_json_body_with_a_mistake_is_reported_at_its_path()
    {
        var json = ToolParser.ParseFile(ToolTexts.Systemctl, FileName).Tool!.CanonicalJson.Replace("\"complexity_score\":0.1", "\"complexity_score\":7", StringComparison.Ordinal);

        var result = Rejected(json, "from 0 to 1");

        Assert.Equal("capabilities.service_status.patterns.list_failed_units.complexity_score", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void In_a_multi_document_stream_a_bad_document_does_not_spoil_the_good_ones()
    {
        var bad = ToolTexts.Replace(ToolTexts.Systemctl, "tool_name: systemctl", "tool_name: broken")
            .Replace("complexity_score: 0.3", "complexity_score: 3", StringComparison.Ordinal);
        var good2 = ToolTexts.Replace(ToolTexts.Systemctl, "tool_name: systemctl", "tool_name: systemctl2");
        var text = ToolTexts.Systemctl + "---\n" + bad + "---\n" + good2;

        var results = ToolParser.ParseDocuments(text, FileName);

        Assert.Equal([0, 1, 2], results.Select(r => r.Index).ToArray());
        Assert.Equal("systemctl", results[0].Tool?.Name);
        Assert.Equal("systemctl2", results[2].Tool?.Name);
        Assert.Empty(results[0].Problems);
        Assert.Empty(results[2].Problems);
        Assert.False(results[1].IsValid);
        var error = Assert.Single(results[1].Errors);
        Assert.Equal("capabilities.service_management.patterns.restart_service.complexity_score", error.Path);
        // Lines count from the top of the stream, so the editor lands in the second document.
        Assert.Equal(ToolTexts.LineOf(text, "complexity_score: 3"), error.Line);
    }

    [Fact]
    public void A_tool_file_with_several_documents_is_rejected_as_a_whole()
    {
        var text = ToolTexts.Systemctl + "---\n" + ToolTexts.Systemctl;

        Rejected(text, "a tool file holds one document, this one holds 2");
    }

    [Fact]
    public void A_syntax_error_in_a_later_document_is_reported_with_its_line()
    {
        var text = ToolTexts.Systemctl + "---\ntool_name: [unclosed\n";

        var error = Assert.Single(Rejected(text, "not valid YAML").Errors);
        Assert.True(error.Line > ToolTexts.Systemctl.Count(c => c == '\n'), error.ToString());
    }

    [Fact]
    public void Problems_read_like_compiler_messages()
    {
        var result = ToolParser.ParseFile("a: 1\na: 2\n", FileName);

        Assert.Equal("bad.yaml:2:1: error: duplicate key 'a'", Assert.Single(result.Problems).ToString());
        Assert.Equal(ProblemSeverity.Error, result.Problems[0].Severity);
    }
}
