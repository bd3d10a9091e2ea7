using System.Text.Json;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ToolCatalog.Monitoring.Tests;

internal sealed class RuleFile
{
    public List<RuleGroup> Groups { get; set; } = [];
}

internal sealed class RuleGroup
{
    public string Name { get; set; } = "";
    public List<AlertRule> Rules { get; set; } = [];
}

internal sealed class AlertRule
{
    public string? Alert { get; set; }
    public string? Record { get; set; }
    public string Expr { get; set; } = "";
    public string? For { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public Dictionary<string, string> Annotations { get; set; } = [];
}

/// <summary>alerts.test.yml, as far as the coverage check needs it.</summary>
internal sealed class RuleTestFile
{
    public List<string> RuleFiles { get; set; } = [];
    public List<RuleTestGroup> Tests { get; set; } = [];
}

internal sealed class RuleTestGroup
{
    public string? Name { get; set; }
    public List<AlertRuleTest> AlertRuleTest { get; set; } = [];
}

internal sealed class AlertRuleTest
{
    public string Alertname { get; set; } = "";
    public string EvalTime { get; set; } = "";
    public List<Dictionary<string, object>> ExpAlerts { get; set; } = [];
}

/// <summary>A PromQL expression of a dashboard panel target.</summary>
internal sealed record PanelQuery(string Panel, string RefId, string Expr);

internal static class RuleFiles
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static IReadOnlyList<AlertRule> LoadAlerts() =>
        Yaml.Deserialize<RuleFile>(File.ReadAllText(MonitoringFiles.Alerts)).Groups.SelectMany(g => g.Rules).Where(r => r.Alert is not null).ToList();

    public static RuleTestFile LoadAlertTests() => Yaml.Deserialize<RuleTestFile>(File.ReadAllText(MonitoringFiles.AlertTests));

    /// <summary>Every target expression of every panel, rows' nested panels included.</summary>
    public static IReadOnlyList<PanelQuery> LoadDashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(MonitoringFiles.Dashboard));
        return Panels(dashboard.RootElement.GetProperty("panels"))
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t =>
                new PanelQuery(p.GetProperty("title").GetString()!, t.GetProperty("refId").GetString()!, t.GetProperty("expr").GetString()!)))
            .ToList();
    }

    /// <summary>Panels, flattened: a collapsed row keeps its panels inside it.</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement panels)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in Panels(nested))
                {
                    yield return inner;
                }
            }
        }
    }
}
