using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Tests;

/// <summary>The round-trip proof is only as good as its comparer: it must notice every kind of loss.</summary>
public sealed class YamlDataComparerTests
{
    private const string Source = """
        tool_name: dig
        enabled: true
        quoted: "false"
        ratio: 1.0
        count: 3
        nested: { a: 1, b: [x, y] }
        """;

    [Fact]
    public void Identical_data_in_another_layout_has_no_differences()
    {
        var relaid = "tool_name: 'dig'\nenabled: true\nquoted: 'false'\nratio: 1.0\ncount: 3\nnested:\n  a: 1\n  b:\n    - x\n    - y\n";

        Assert.Empty(YamlDataComparer.Differences(ToolTexts.ReadOne(Source), ToolTexts.ReadOne(relaid)));
    }

    [Theory]
    [InlineData("1.0", "1.00")]
    [InlineData("1e3", "1.0e+3")]
    [InlineData("1e3", "1000.0")]
    [InlineData("0.5", "5.0E-1")]
    [InlineData("-0.0", "0.0")]
    [InlineData("123456789012345678901234567890.5", "1.234567890123456789012345678905e+29")]
    public void The_same_float_in_another_spelling_has_no_differences(string expected, string actual) =>
        Assert.Empty(YamlDataComparer.Differences(ToolTexts.ReadOne($"value: {expected}"), ToolTexts.ReadOne($"value: {actual}")));

    [Theory]
    [InlineData("1.0", "1.01")]
    [InlineData("1e3", "1.0e+4")]
    [InlineData("-0.5", "0.5")]
    [InlineData("0.1", "0.10000000000000000001")]
    [InlineData("123456789012345678901234567890.5", "123456789012345678901234567890.6")]
    public void A_float_that_differs_in_any_digit_is_reported(string expected, string actual) =>
        Assert.Contains(YamlDataComparer.Differences(ToolTexts.ReadOne($"value: {expected}"), ToolTexts.ReadOne($"value: {actual}")),
            d => d.StartsWith("$.value: ", StringComparison.Ordinal));

    [Theory]
    [InlineData("tool_name: dig\nenabled: true\nratio: 1.0\ncount: 3\nnested: { a: 1, b: [x, y] }", "$.quoted: missing")]
    [InlineData("tool_name: dig\nenabled: true\nquoted: false\nratio: 1.0\ncount: 3\nnested: { a: 1, b: [x, y] }", "$.quoted: type String expected, Bool found")]
    [InlineData("tool_name: dig\nenabled: true\nquoted: \"false\"\nratio: 1\ncount: 3\nnested: { a: 1, b: [x, y] }", "$.ratio: type Float expected, Int found")]
    [InlineData("tool_name: dug\nenabled: true\nquoted: \"false\"\nratio: 1.0\ncount: 3\nnested: { a: 1, b: [x, y] }", "$.tool_name: 'dig' expected, 'dug' found")]
    [InlineData("enabled: true\ntool_name: dig\nquoted: \"false\"\nratio: 1.0\ncount: 3\nnested: { a: 1, b: [x, y] }", "$: key order differs")]
    [InlineData("tool_name: dig\nenabled: true\nquoted: \"false\"\nratio: 1.0\ncount: 3\nnested: { a: 1, b: [x] }", "$.nested.b: 2 items expected, 1 found")]
    [InlineData("tool_name: dig\nenabled: true\nquoted: \"false\"\nratio: 1.0\ncount: 3\nnested: { a: 1, b: [x, y], c: 2 }", "$.nested.c: unexpected key")]
    public void A_single_lost_or_changed_field_is_reported(string changed, string expectedDifference)
    {
        var differences = YamlDataComparer.Differences(ToolTexts.ReadOne(Source), ToolTexts.ReadOne(changed));

        Assert.Contains(differences, d => d.StartsWith(expectedDifference, StringComparison.Ordinal));
    }
}
