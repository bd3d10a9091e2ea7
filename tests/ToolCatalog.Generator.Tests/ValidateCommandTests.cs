using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ToolCatalog.Generator.Tests.Infrastructure;
using ToolCatalog.Testing;

namespace ToolCatalog.Generator.Tests;

/// <summary><c>validate</c>: compiler-style lines editors can jump to, JSON for tools, and the folder-wide checks.</summary>
public sealed partial class ValidateCommandTests
{
    [Fact]
    public async Task The_repository_catalog_is_valid()
    {
        var run = await CliRun.RunAsync(TestContext.Current.CancellationToken, "validate", RepoPaths.Catalog);

        Assert.True(run.ExitCode == 0, run.Text);
        Assert.Matches(@"^\d+ file\(s\): \d+ valid, 0 invalid; 0 error\(s\), 0 warning\(s\)", run.Out.ToString());
    }

    [Fact]
    public async Task Problems_are_printed_as_file_line_column_severity_path_message()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var systemctl = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Catalog, "linux", "systemctl.yaml"), ct);
        var broken = systemctl.Replace("systemctl", "broken", StringComparison.Ordinal).Replace("platform: linux", "platform: network", StringComparison.Ordinal)
            .Replace("complexity_score: 0.3", "complexity_score: 3", StringComparison.Ordinal);
        await folder.WriteAsync("network/broken.yaml", broken, ct);
        await folder.WriteAsync("linux/systemctl.yaml", systemctl, ct);
        // The same tool in a second file: only the folder-wide check can see that.
        await folder.WriteAsync("custom/systemctl.yaml", systemctl.Replace("platform: linux", "platform: custom", StringComparison.Ordinal), ct);

        var run = await CliRun.RunAsync(ct, "validate", folder.Path);

        Assert.True(run.ExitCode == 1, run.Text);
        var lines = run.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var problems = lines[..^1];
        Assert.All(problems, line => Assert.Matches(ProblemLine(), line));
        var range = Assert.Single(problems, l => l.Contains("complexity_score", StringComparison.Ordinal));
        var match = ProblemLine().Match(range);
        Assert.Equal(folder.File("network/broken.yaml").Replace('\\', '/'), match.Groups["file"].Value);
        Assert.Equal(("error", "capabilities.service_management.patterns.restart_service.complexity_score"),
            (match.Groups["severity"].Value, match.Groups["path"].Value));
        var line = int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("complexity_score: 3", broken.Split('\n')[line - 1], StringComparison.Ordinal);
        Assert.Contains(problems, l => l.Contains("custom/systemctl.yaml:1:1: error: tool_name: tool 'systemctl' is also defined in", StringComparison.Ordinal));
        Assert.Equal("3 file(s): 0 valid, 3 invalid; 3 error(s), 0 warning(s)", lines[^1].TrimEnd('\r'));
    }

    [Fact]
    public async Task Json_output_lists_each_file_with_its_problems()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        await folder.WriteAsync("linux/odd.yaml", "tool_name: odd\nversion: 1.0\n", ct);

        var run = await CliRun.RunAsync(ct, "validate", folder.File("linux/odd.yaml"), "--format", "json");

        Assert.True(run.ExitCode == 1, run.Text);
        var report = JsonNode.Parse(run.Out.ToString())!;
        Assert.False(report["valid"]!.GetValue<bool>());
        var file = Assert.Single(report["results"]!.AsArray())!;
        Assert.False(file["valid"]!.GetValue<bool>());
        var version = Assert.Single(file["problems"]!.AsArray(), p => p!["path"]!.GetValue<string>() == "version")!;
        Assert.Equal((2, 10, "Error"), (version["line"]!.GetValue<int>(), version["column"]!.GetValue<int>(), version["severity"]!.GetValue<string>()));
    }

    [GeneratedRegex(@"^(?<file>[^\s:][^:]*):(?<line>\d+):(?<column>\d+): (?<severity>error|warning): (?<path>[A-Za-z0-9_.\[\]-]*): .+$")]
    private static partial Regex ProblemLine();
}
