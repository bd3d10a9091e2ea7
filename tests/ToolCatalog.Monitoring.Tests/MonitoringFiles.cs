using System.Reflection;
using ToolCatalog.Testing;

namespace ToolCatalog.Monitoring.Tests;

/// <summary>The monitoring assets under test and the API build they describe.</summary>
internal static class MonitoringFiles
{
    public static string Directory => Path.Combine(RepoPaths.Root, "monitoring");
    public static string PrometheusConfig => Path.Combine(Directory, "prometheus", "prometheus.yml");
    public static string Alerts => Path.Combine(Directory, "prometheus", "alerts.yml");
    public static string AlertTests => Path.Combine(Directory, "prometheus", "alerts.test.yml");
    public static string Dashboard => Path.Combine(Directory, "grafana", "toolcatalog.json");

    /// <summary>The runbook section of an alert: docs/operations.md, anchored by the alert name in lower case.</summary>
    public static string RunbookUrl(string alert) =>
        "https://github.com/toolcatalog/toolcatalog/blob/main/docs/operations.md#" + alert.ToLowerInvariant();

    /// <summary>ToolCatalog.Api.dll of the same configuration as this test assembly (the project reference builds it first).</summary>
    public static string ApiAssembly
    {
        get
        {
            var configuration = typeof(MonitoringFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ApiConfiguration")?.Value ?? "Debug";
            return Path.Combine(RepoPaths.Root, "ToolCatalog.Api", "bin", configuration, "net10.0", "ToolCatalog.Api.dll");
        }
    }
}
