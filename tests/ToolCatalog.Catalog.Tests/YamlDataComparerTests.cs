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
