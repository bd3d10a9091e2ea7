using System.Text.Json;
using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// Tricky scalars and shapes through the whole codec: YAML -> <see cref="YamlJson.ToJson"/> -> JSON text ->
/// <see cref="YamlJson.FromJson"/> -> <see cref="YamlWriter.Write"/> -> YAML, which must read back as the same data.
/// </summary>
public sealed class CodecTests
{
    private sealed record Trip(YamlNode Source, JsonNode Json, YamlNode Exported, string Written);

    private static Trip RoundTrip(string yaml)
    {
        var source = ToolTexts.ReadOne(yaml);
        // Through JSON text, as the catalog stores it, not just through the in-memory JsonNode.
        var json = JsonNode.Parse(YamlJson.ToJson(source)!.ToJsonString())!;
        var written = YamlWriter.Write(YamlJson.FromJson(json));
        var exported = ToolTexts.ReadOne(written);

        var differences = YamlDataComparer.Differences(source, exported);
        Assert.True(differences.Count == 0, $"{string.Join('\n', differences)}\n--- written ---\n{written}");
        return new Trip(source, json, exported, written);
    }

    private static YamlScalar Value(YamlNode document) => Assert.IsType<YamlScalar>(Assert.IsType<YamlMap>(document)["value"]);

    [Theory]
    // Quoted look-alikes stay strings.
    [InlineData("\"false\"", ScalarKind.String, "false", JsonValueKind.String)]
    [InlineData("\"true\"", ScalarKind.String, "true", JsonValueKind.String)]
    [InlineData("\"null\"", ScalarKind.String, "null", JsonValueKind.String)]
    [InlineData("'~'", ScalarKind.String, "~", JsonValueKind.String)]
    [InlineData("\"1.0\"", ScalarKind.String, "1.0", JsonValueKind.String)]
    [InlineData("\"1\"", ScalarKind.String, "1", JsonValueKind.String)]
    [InlineData("\"0x1F\"", ScalarKind.String, "0x1F", JsonValueKind.String)]
    [InlineData("\"0777\"", ScalarKind.String, "0777", JsonValueKind.String)]
    [InlineData("'.5'", ScalarKind.String, ".5", JsonValueKind.String)]
    [InlineData("\"1e3\"", ScalarKind.String, "1e3", JsonValueKind.String)]
    [InlineData("\"\"", ScalarKind.String, "", JsonValueKind.String)]
    [InlineData("!!str 42", ScalarKind.String, "42", JsonValueKind.String)]
    // Plain text that YAML 1.1 would have read otherwise is text under the 1.2 core schema.
    [InlineData("yes", ScalarKind.String, "yes", JsonValueKind.String)]
    [InlineData("2024-03-02", ScalarKind.String, "2024-03-02", JsonValueKind.String)]
    [InlineData("1_000", ScalarKind.String, "1_000", JsonValueKind.String)]
    // Numbers keep their type and canonical text.
    [InlineData("1.0", ScalarKind.Float, "1.0", JsonValueKind.Number)]
    [InlineData("1", ScalarKind.Int, "1", JsonValueKind.Number)]
    // Written 1.0e+3: YAML 1.1 readers read a float only with a point and a signed exponent (PortableScalars).
    [InlineData("1e3", ScalarKind.Float, "1e3", JsonValueKind.Number, "1.0e+3")]
    [InlineData("1.5E-3", ScalarKind.Float, "1.5E-3", JsonValueKind.Number)]
    [InlineData("-0.5", ScalarKind.Float, "-0.5", JsonValueKind.Number)]
    [InlineData(".5", ScalarKind.Float, "0.5", JsonValueKind.Number)]
    [InlineData("-.5", ScalarKind.Float, "-0.5", JsonValueKind.Number)]
    [InlineData("+1.5", ScalarKind.Float, "1.5", JsonValueKind.Number)]
    [InlineData("5.", ScalarKind.Float, "5.0", JsonValueKind.Number)]
    [InlineData("00.5", ScalarKind.Float, "0.5", JsonValueKind.Number)]
    [InlineData("-007.25", ScalarKind.Float, "-7.25", JsonValueKind.Number)]
    [InlineData("+1", ScalarKind.Int, "1", JsonValueKind.Number)]
    [InlineData("007", ScalarKind.Int, "7", JsonValueKind.Number)]
    [InlineData("-0", ScalarKind.Int, "0", JsonValueKind.Number)]
    [InlineData("0x1F", ScalarKind.Int, "31", JsonValueKind.Number)]
    [InlineData("0o17", ScalarKind.Int, "15", JsonValueKind.Number)]
    [InlineData("0xFFFFFFFFFFFFFFFF", ScalarKind.Int, "18446744073709551615", JsonValueKind.Number)]
    [InlineData("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", ScalarKind.Int, "340282366920938463463374607431768211455", JsonValueKind.Number)]
    [InlineData("0o7777777777777777777777", ScalarKind.Int, "73786976294838206463", JsonValueKind.Number)]
    [InlineData("123456789012345678901234567890", ScalarKind.Int, "123456789012345678901234567890", JsonValueKind.Number)]
    // Beyond 128 bits a hex literal is kept as text rather than crashing the reader.
    [InlineData("0x100000000000000000000000000000000", ScalarKind.String, "0x100000000000000000000000000000000", JsonValueKind.String)]
    [InlineData(".inf", ScalarKind.Float, ".inf", JsonValueKind.String)]
    [InlineData("-.Inf", ScalarKind.Float, "-.inf", JsonValueKind.String)]
    [InlineData(".NaN", ScalarKind.Float, ".nan", JsonValueKind.String)]
    // Booleans and nulls.
    [InlineData("true", ScalarKind.Bool, "true", JsonValueKind.True)]
    [InlineData("False", ScalarKind.Bool, "false", JsonValueKind.False)]
    [InlineData("null", ScalarKind.Null, "null", JsonValueKind.Null)]
    [InlineData("~", ScalarKind.Null, "null", JsonValueKind.Null)]
    [InlineData("", ScalarKind.Null, "null", JsonValueKind.Null)]
    public void A_scalar_keeps_its_type_and_value_through_json_and_back(string yaml, ScalarKind kind, string text, JsonValueKind jsonKind, string? writtenText = null)
    {
        var trip = RoundTrip($"value: {yaml}\n");

        Assert.Equal((kind, text), (Value(trip.Source).Kind, Value(trip.Source).Text));
        Assert.Equal((kind, writtenText ?? text), (Value(trip.Exported).Kind, Value(trip.Exported).Text));
        Assert.Equal(jsonKind, trip.Json["value"]?.GetValueKind() ?? JsonValueKind.Null);
    }

    [Theory]
    [InlineData("'key: value'", "key: value")]
    [InlineData("\"a #b\"", "a #b")]
    [InlineData("'#comment'", "#comment")]
    [InlineData("'- item'", "- item")]
    [InlineData("-dash", "-dash")]
    [InlineData("'*star'", "*star")]
    [InlineData("'&amp'", "&amp")]
    [InlineData("'{brace}'", "{brace}")]
    [InlineData("'[bracket]'", "[bracket]")]
    [InlineData("'? what'", "? what")]
    [InlineData("'!bang'", "!bang")]
    [InlineData("'%pct'", "%pct")]
    [InlineData("'@at'", "@at")]
    [InlineData("'`tick'", "`tick")]
    [InlineData("'|pipe'", "|pipe")]
    [InlineData("'>gt'", ">gt")]
    [InlineData("'ends with colon:'", "ends with colon:")]
    [InlineData("a,b", "a,b")]
    [InlineData("\"'single'\"", "'single'")]
    [InlineData("'\"double\"'", "\"double\"")]
    [InlineData("'it''s'", "it's")]
    [InlineData("\"back\\\\slash\"", "back\\slash")]
    [InlineData("\"😀 emoji\"", "😀 emoji")]
    [InlineData("日本語のテキスト", "日本語のテキスト")]
    [InlineData("Grüße, señor", "Grüße, señor")]
    [InlineData("'trailing  '", "trailing  ")]
    [InlineData("'  leading'", "  leading")]
    [InlineData("\"crlf\\r\\nline\"", "crlf\r\nline")]
    [InlineData("\"tab\\tinside\"", "tab\tinside")]
    [InlineData("\"tab\\tand\\nnewline\"", "tab\tand\nnewline")]
    [InlineData("\"\\nleading newline\"", "\nleading newline")]
    [InlineData("\"  indented\\n  lines\\n\"", "  indented\n  lines\n")]
    [InlineData("\"line sep\\u2028next\"", "line sep\u2028next")]
    [InlineData("\"escaped\\0nul\"", "escaped\0nul")]
    [InlineData("\"bell\\a\"", "bell\a")]
    public void A_string_with_special_characters_stays_the_same_string(string yaml, string expected)
    {
        var trip = RoundTrip($"value: {yaml}\n");

        Assert.Equal(ScalarKind.String, Value(trip.Source).Kind);
        Assert.Equal(expected, Value(trip.Source).Text);
        Assert.Equal(ScalarKind.String, Value(trip.Exported).Kind);
        Assert.Equal(expected, Value(trip.Exported).Text);
        Assert.Equal(expected, trip.Json["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("|\n  line one\n  line two\n", "line one\nline two\n")]
    [InlineData("|-\n  line one\n  line two\n", "line one\nline two")]
    [InlineData("|+\n  line one\n\n\n", "line one\n\n\n")]
    [InlineData("|\n  first\n    indented more\n  back\n", "first\n  indented more\nback\n")]
    [InlineData("|\n  trailing blanks  \n  next\n", "trailing blanks  \nnext\n")]
    [InlineData("|\n  with: colon # and hash\n  - dash\n", "with: colon # and hash\n- dash\n")]
    [InlineData(">\n  folded\n  text\n\n  new paragraph\n", "folded text\nnew paragraph\n")]
    [InlineData(">-\n  folded\n  stripped\n", "folded stripped")]
    [InlineData("|2\n    starts indented\n  then not\n", "  starts indented\nthen not\n")]
    public void Multi_line_block_text_keeps_every_character(string block, string expected)
    {
        var trip = RoundTrip($"value: {block}");

        Assert.Equal(expected, Value(trip.Source).Text);
        Assert.Equal(expected, Value(trip.Exported).Text);
        Assert.Equal(ScalarKind.String, Value(trip.Exported).Kind);
    }

    [Fact]
    public void Multi_line_text_is_written_as_a_literal_block_and_look_alikes_are_quoted()
    {
        var trip = RoundTrip("text: \"line one\\nline two\"\nflag: \"false\"\nversion: \"1.0\"\nempty: \"\"\nnumber: 1.0\n");

        Assert.Contains("text: |-\n  line one\n  line two\n", trip.Written, StringComparison.Ordinal);
        Assert.Contains("flag: \"false\"\n", trip.Written, StringComparison.Ordinal);
        Assert.Contains("version: \"1.0\"\n", trip.Written, StringComparison.Ordinal);
        Assert.Contains("empty: \"\"\n", trip.Written, StringComparison.Ordinal);
        Assert.Contains("number: 1.0\n", trip.Written, StringComparison.Ordinal);
        Assert.StartsWith(YamlWriter.SchemaHint + "\n", trip.Written.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_maps_empty_lists_and_nulls_keep_their_shape()
    {
        var trip = RoundTrip("map: {}\nlist: []\nblank:\ntilde: ~\nitems: [null, ~, 1, \"\"]\nnested: { inner: null, deeper: { list: [] } }\n");
        var exported = Assert.IsType<YamlMap>(trip.Exported);

        Assert.Empty(Assert.IsType<YamlMap>(exported["map"]).Entries);
        Assert.Empty(Assert.IsType<YamlSequence>(exported["list"]).Items);
        Assert.Equal(ScalarKind.Null, Assert.IsType<YamlScalar>(exported["blank"]).Kind);
        Assert.Equal(ScalarKind.Null, Assert.IsType<YamlScalar>(exported["tilde"]).Kind);
        Assert.Equal(
            [ScalarKind.Null, ScalarKind.Null, ScalarKind.Int, ScalarKind.String],
            Assert.IsType<YamlSequence>(exported["items"]).Items.Select(i => Assert.IsType<YamlScalar>(i).Kind).ToArray());
        Assert.Equal("{\"map\":{},\"list\":[],\"blank\":null,\"tilde\":null,\"items\":[null,null,1,\"\"],\"nested\":{\"inner\":null,\"deeper\":{\"list\":[]}}}",
            trip.Json.ToJsonString());
    }

    [Fact]
    public void Thirty_keys_keep_their_non_alphabetical_order()
    {
        // 7 is coprime with 30, so this visits every number once in a scrambled order; values vary in type.
        var keys = Enumerable.Range(0, 30).Select(i => $"key_{i * 7 % 30:D2}").ToList();
        var values = new[] { "1", "1.0", "\"text\"", "true", "null", "[a, b]", "{ z: 1, a: 2 }" };
        var yaml = string.Concat(keys.Select((k, i) => $"{k}: {values[i % values.Length]}\n"));
        Assert.NotEqual(keys.Order(StringComparer.Ordinal), keys);

        var trip = RoundTrip(yaml);

        Assert.Equal(keys, Assert.IsType<YamlMap>(trip.Exported).Entries.Select(e => e.Key));
        Assert.Equal(keys, trip.Json.AsObject().Select(p => p.Key));
        // Nested maps keep their order too (z before a).
        Assert.Equal(["z", "a"], Assert.IsType<YamlMap>(Assert.IsType<YamlMap>(trip.Exported)[keys[6]]).Entries.Select(e => e.Key).ToArray());
    }

    [Fact]
    public void Keys_that_need_quoting_survive()
    {
        var trip = RoundTrip("'key: with colon': 1\n'': empty key\n'1.0': quoted number key\n'true': quoted bool key\n'#hash': 2\n\"multi\\nline\": 3\n");

        Assert.Equal(["key: with colon", "", "1.0", "true", "#hash", "multi\nline"], Assert.IsType<YamlMap>(trip.Exported).Entries.Select(e => e.Key).ToArray());
    }

    [Fact]
    public void A_tool_with_a_leading_zero_number_is_valid_instead_of_crashing()
    {
        var text = ToolTexts.Replace(ToolTexts.Systemctl, "complexity_score: 0.1", "complexity_score: 00.1");

        var result = ToolTexts.Parse(text);

        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        Assert.Equal(0.1, result.Tool!.Capabilities[1].Patterns[0].ComplexityScore);
    }

    [Fact]
    public void The_writer_is_stable_writing_its_own_output_again_gives_the_same_text()
    {
        var first = YamlWriter.Write(YamlJson.FromJson(ToolTexts.Parse(ToolTexts.Systemctl).Tool!.ToJsonObject()));
        var second = YamlWriter.Write(YamlJson.FromJson(YamlJson.ToJson(ToolTexts.ReadOne(first))));

        Assert.Equal(first, second);
    }
}
