namespace ToolCatalog.Monitoring.Tests;

/// <summary>promtool's own checks of the Prometheus configuration, the rules and the rules' unit tests.</summary>
public sealed class PromtoolTests
{
    public static TheoryData<string> Checks => new() { "check config", "check rules", "test rules" };

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Promtool_accepts_the_monitoring_files(string check)
    {
        var promtool = ExternalTool.Find("promtool");
        if (promtool is null)
        {
            Assert.Skip("promtool is not installed (not found on PATH), so the Prometheus configuration and rules cannot be checked here. "
                + "Install it (Debian/Ubuntu: apt-get install prometheus) to run this test; CI installs it.");
        }
        var file = check switch
        {
            "check config" => MonitoringFiles.PrometheusConfig,
            "check rules" => MonitoringFiles.Alerts,
            _ => MonitoringFiles.AlertTests,
        };
        var (exitCode, output) = await ExternalTool.RunAsync(promtool, [.. check.Split(' '), file], Path.GetDirectoryName(file)!,
            TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.True(exitCode == 0, $"promtool {check} {file} exited with {exitCode}:\n{output}");
    }
}
