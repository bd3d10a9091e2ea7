using System.Text.RegularExpressions;

namespace ToolCatalog.Monitoring.Tests;

/// <summary>What on-call relies on in every alert: a severity, words, a runbook; and a unit test for both outcomes.</summary>
public sealed partial class AlertRuleTests
{
    private static readonly string[] Severities = ["P1", "P2", "P3"];

    [Fact]
    public void Every_alert_has_a_severity_a_summary_a_description_and_its_runbook_url()
    {
        var alerts = RuleFiles.LoadAlerts();

        Assert.True(alerts.Count >= 18, $"expected at least 18 alerts, found {alerts.Count}");
        var duplicates = alerts.GroupBy(a => a.Alert).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "alert names must be unique: " + string.Join(", ", duplicates));
        var problems = new List<string>();
        foreach (var alert in alerts)
        {
            var name = alert.Alert!;
            if (!AlertName().IsMatch(name))
            {
                problems.Add($"{name}: the name must be ToolCatalog<Something> in PascalCase");
            }
            if (!alert.Labels.TryGetValue("severity", out var severity) || !Severities.Contains(severity))
            {
                problems.Add($"{name}: label severity must be one of {string.Join('|', Severities)}, is '{severity}'");
            }
            foreach (var annotation in (string[])["summary", "description"])
            {
                if (!alert.Annotations.TryGetValue(annotation, out var text) || string.IsNullOrWhiteSpace(text))
                {
                    problems.Add($"{name}: annotation {annotation} is missing or empty");
                }
            }
            if (!alert.Annotations.TryGetValue("runbook_url", out var runbook) || runbook != MonitoringFiles.RunbookUrl(name))
            {
                problems.Add($"{name}: runbook_url must be {MonitoringFiles.RunbookUrl(name)}, is '{runbook}'");
            }
            if (string.IsNullOrWhiteSpace(alert.Expr))
            {
                problems.Add($"{name}: expr is empty");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_alert_is_unit_tested_firing_and_silent()
    {
        var alerts = RuleFiles.LoadAlerts().Select(a => a.Alert!).ToList();
        var tests = RuleFiles.LoadAlertTests();
        var cases = tests.Tests.SelectMany(t => t.AlertRuleTest).ToList();

        Assert.Contains("alerts.yml", tests.RuleFiles);
        var problems = new List<string>();
        foreach (var alert in alerts)
        {
            if (!cases.Any(c => c.Alertname == alert && c.ExpAlerts.Count > 0))
            {
                problems.Add($"{alert}: no test where it fires (exp_alerts with labels and annotations)");
            }
            if (!cases.Any(c => c.Alertname == alert && c.ExpAlerts.Count == 0))
            {
                problems.Add($"{alert}: no test where it stays silent (exp_alerts: [])");
            }
        }
        foreach (var firing in cases.Where(c => c.ExpAlerts.Count > 0))
        {
            foreach (var expected in firing.ExpAlerts)
            {
                if (!expected.ContainsKey("exp_labels") || !expected.ContainsKey("exp_annotations"))
                {
                    problems.Add($"{firing.Alertname} at {firing.EvalTime}: check both exp_labels and exp_annotations");
                }
            }
        }
        problems.AddRange(cases.Select(c => c.Alertname).Distinct().Except(alerts).Select(a => $"{a}: tested but not defined in alerts.yml"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [GeneratedRegex("^ToolCatalog[0-9A-Z][A-Za-z0-9]+$")]
    private static partial Regex AlertName();
}
