namespace ToolCatalog.Monitoring.Tests;

/// <summary>The small PromQL scanner the other tests rely on.</summary>
public sealed class PromQlTests
{
    [Fact]
    public void Finds_selectors_and_skips_functions_keywords_grouping_labels_strings_ranges_and_numbers()
    {
        const string expr = """
            sum by (job, le) (rate(http_server_request_duration_seconds_bucket{http_route!~"/metrics|/health", le!="x,y}"}[5m]))
            / ignoring(result) group_left sum without (instance) (rate(toolcatalog_cache_requests_total[5m] offset 1h)) > 0.5
            and on (job) label_replace(up, "a", "$1", "b", "(.*)") == 1e3
            """;

        var selectors = PromQl.Selectors(expr);

        Assert.Equal(["http_server_request_duration_seconds_bucket", "toolcatalog_cache_requests_total", "up"], selectors.Select(s => s.Metric));
        Assert.Equal("""http_server_request_duration_seconds_bucket{http_route!~"/metrics|/health", le!="x,y}"}""", selectors[0].Text);
        Assert.True(selectors[0].Has("http_route", "!~", "/metrics|/health"));
        Assert.True(selectors[0].Has("le", "!=", "x,y}"));
        Assert.Equal([false, true, false], selectors.Select(s => s.HasOffset));
    }

    [Fact]
    public void Reads_name_only_selectors_and_escaped_quotes()
    {
        var selectors = PromQl.Selectors("""{__name__="up", job=~"a\"b"} or absent(toolcatalog_tools_loaded{job=~"$job", instance=~"$instance"})""");

        Assert.Equal(["up", "toolcatalog_tools_loaded"], selectors.Select(s => s.Metric));
        Assert.True(selectors[0].Has("job", "=~", "a\"b"));
        Assert.True(selectors[1].Has("instance", "=~", "$instance"));
    }

    [Theory]
    [InlineData("up{job=\"toolcatalog-api\"} == 0", "up{job=\"toolcatalog-api\"}")]
    [InlineData("sum by (job) (rate(x{a!=\"b\"}[5m])) / sum by (job) (rate(x[5m])) > 0.05 and sum(rate(x[5m])) > 1", "sum by (job) (rate(x{a!=\"b\"}[5m])) / sum by (job) (rate(x[5m]))")]
    [InlineData("(max(a offset 1h) - min(a)) / max(a offset 1h) >= 0.1", "(max(a offset 1h) - min(a)) / max(a offset 1h)")]
    [InlineData("count(x > 1) != 2", "count(x > 1)")]
    [InlineData("sum(rate(x[5m]))", null)]
    public void Cuts_the_left_hand_side_of_the_first_top_level_comparison(string expr, string? expected) =>
        Assert.Equal(expected, PromQl.LeftOfComparison(expr));
}
