using System.Text.Json.Nodes;

namespace ToolCatalog.Catalog.Tests;

/// <summary>The other-readers proof is only as good as its comparer: each way a reader can differ must be reported.</summary>
public sealed class ReaderAgreementTests
{
    private const string Source = """
        created: "2024-03-02"
        answer: "Yes"
        enabled: true
        count: 3
        ratio: 1.5
        big: 1.0e+3
        limit: .inf
        nothing: null
        tags: [a, b]
        nested: { key: value }
        """;

    private const string SameReading =
        """{"created":"2024-03-02","answer":"Yes","enabled":true,"count":3.0,"ratio":1.5,"big":1000,"limit":{"$float":".inf"},"nothing":null,"tags":["a","b"],"nested":{"key":"value"}}""";

    [Fact]
    public void The_same_data_read_by_another_reader_has_no_differences() =>
        Assert.Empty(ReaderAgreement.Differences(ToolTexts.ReadOne(Source), JsonNode.Parse(SameReading)));

    [Theory]
    [InlineData("\"created\":\"2024-03-02\"", "\"created\":{\"$timestamp\":\"2024-03-02\"}", "$.created: String '2024-03-02' expected")]
    [InlineData("\"answer\":\"Yes\"", "\"answer\":true", "$.answer: String 'Yes' expected")]
    [InlineData("\"enabled\":true", "\"enabled\":\"true\"", "$.enabled: Bool 'true' expected")]
    [InlineData("\"enabled\":true", "\"enabled\":false", "$.enabled: Bool 'true' expected")]
    [InlineData("\"count\":3.0", "\"count\":\"3\"", "$.count: Int '3' expected")]
    [InlineData("\"ratio\":1.5", "\"ratio\":1.25", "$.ratio: Float '1.5' expected")]
    [InlineData("\"big\":1000", "\"big\":\"1.0e+3\"", "$.big: Float '1.0e+3' expected")]
    [InlineData("\"limit\":{\"$float\":\".inf\"}", "\"limit\":{\"$float\":\"-.inf\"}", "$.limit: Float '.inf' expected")]
    [InlineData("\"nothing\":null", "\"nothing\":\"null\"", "$.nothing: Null 'null' expected")]
    [InlineData("\"tags\":[\"a\",\"b\"]", "\"tags\":[\"a\"]", "$.tags: 2 items expected, 1 found")]
    [InlineData("\"nested\":{\"key\":\"value\"}", "\"nested\":{\"key\":\"value\",\"$key:bool:True\":\"x\"}", "$.nested.$key:bool:True: unexpected key")]
    [InlineData("\"nested\":{\"key\":\"value\"}", "\"nested\":{}", "$.nested.key: missing")]
    [InlineData("\"nested\":{\"key\":\"value\"}", "\"nested\":{\"$error\":\"could not read\"}", "$.nested: YamlMap expected")]
    public void Each_way_another_reader_differs_is_reported(string same, string changed, string expectedDifference)
    {
        Assert.Contains(same, SameReading, StringComparison.Ordinal);

        var differences = ReaderAgreement.Differences(ToolTexts.ReadOne(Source), JsonNode.Parse(SameReading.Replace(same, changed, StringComparison.Ordinal)));

        Assert.Contains(differences, d => d.StartsWith(expectedDifference, StringComparison.Ordinal));
    }
}
