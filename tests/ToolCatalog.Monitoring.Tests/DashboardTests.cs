using System.Text.Json;

namespace ToolCatalog.Monitoring.Tests;

/// <summary>The Grafana dashboard: importable (datasource input), filterable (job/instance), and every query filtered by both.</summary>
public sealed class DashboardTests
{
    [Fact]
    public void Dashboard_is_importable_with_a_prometheus_datasource_input_and_job_and_instance_variables()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(MonitoringFiles.Dashboard));
        var root = dashboard.RootElement;

        Assert.Equal(39, root.GetProperty("schemaVersion").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("uid").GetString()));
        Assert.Contains(root.GetProperty("__inputs").EnumerateArray(), input =>
            input.GetProperty("name").GetString() == "DS_PROMETHEUS"
            && input.GetProperty("type").GetString() == "datasource"
            && input.GetProperty("pluginId").GetString() == "prometheus");

        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray()
            .ToDictionary(v => v.GetProperty("name").GetString()!, v => v.Clone());
        Assert.True(variables.TryGetValue("datasource", out var datasource), "no 'datasource' variable");
        Assert.Equal("datasource", datasource.GetProperty("type").GetString());
        Assert.Equal("prometheus", datasource.GetProperty("query").GetString());
        foreach (var name in (string[])["job", "instance"])
        {
            Assert.True(variables.TryGetValue(name, out var variable), $"no '{name}' variable");
            Assert.Equal("query", variable.GetProperty("type").GetString());
            Assert.Equal("${datasource}", variable.GetProperty("datasource").GetProperty("uid").GetString());
            var query = variable.GetProperty("definition").GetString()!;
            Assert.StartsWith("label_values(toolcatalog_tools_loaded", query, StringComparison.Ordinal);
            Assert.EndsWith($", {name})", query, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Dashboard_has_at_least_11_panels_each_with_queries_on_the_selected_datasource()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(MonitoringFiles.Dashboard));
        var panels = RuleFiles.Panels(dashboard.RootElement.GetProperty("panels")).Where(p => p.GetProperty("type").GetString() != "row").ToList();

        Assert.True(panels.Count >= 11, $"expected at least 11 panels, found {panels.Count}");
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            Assert.False(string.IsNullOrWhiteSpace(title));
            Assert.True(panel.TryGetProperty("targets", out var targets) && targets.GetArrayLength() > 0, $"panel '{title}' has no query");
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            foreach (var target in targets.EnumerateArray())
            {
                Assert.Equal("${datasource}", target.GetProperty("datasource").GetProperty("uid").GetString());
            }
        }
    }

    [Fact]
    public void Every_panel_query_filters_every_selector_by_job_and_instance()
    {
        var queries = RuleFiles.LoadDashboardQueries();
        Assert.NotEmpty(queries);
        var problems = new List<string>();
        foreach (var query in queries)
        {
            if (!query.Expr.Contains("$job", StringComparison.Ordinal) || !query.Expr.Contains("$instance", StringComparison.Ordinal))
            {
                problems.Add($"'{query.Panel}' {query.RefId}: the query does not mention $job and $instance: {query.Expr}");
                continue;
            }
            var selectors = PromQl.Selectors(query.Expr);
            if (selectors.Count == 0)
            {
                problems.Add($"'{query.Panel}' {query.RefId}: no metric selector found in {query.Expr}");
            }
            foreach (var selector in selectors.Where(s => !s.Has("job", "=~", "$job") || !s.Has("instance", "=~", "$instance")))
            {
                problems.Add($"'{query.Panel}' {query.RefId}: {selector.Text} lacks job=~\"$job\", instance=~\"$instance\"");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}
