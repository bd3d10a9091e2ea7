using System.Text.Json.Nodes;

namespace ToolCatalog.Mcp.Tests;

/// <summary>
/// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in tests/mcp/package-lock.json) against
/// the running API. Every server scenario must pass except those in tests/mcp/conformance-baseline.yml, each of which
/// states why; a baselined scenario that passes fails the run too, so the baseline never hides a fixed scenario.
/// </summary>
public sealed class ConformanceTests(McpApi api)
{
    private const string RunningScenario = "=== Running scenario: ";

    private static string Baseline => Path.Combine(NodeClients.Folder, "conformance-baseline.yml");

    [Fact]
    public async Task Every_server_scenario_passes_except_the_documented_fixture_scenarios()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = Directory.CreateTempSubdirectory("mcp-conformance-").FullName;
        var run = await NodeClients.RunAsync(
            [NodeClients.Conformance, "server", "--suite", "active", "--url", api.OpenMcp.ToString(), "--expected-failures", Baseline, "-o", output],
            TimeSpan.FromMinutes(5), ct);

        var scenarios = run.Output.Split('\n').Where(l => l.StartsWith(RunningScenario, StringComparison.Ordinal))
            .Select(l => l[RunningScenario.Length..].Trim(' ', '=')).ToList();
        var failing = FailingScenarios(output, scenarios, out var notRun);
        var expected = ExpectedFailures();
        // Kept on failure: checks.json says what each check saw.
        var report = $"exit code {run.ExitCode}, results in {output}\nfailing: {string.Join(", ", failing.Keys)}\n"
            + string.Join("\n", failing.Select(f => $"  {f.Key}: {f.Value}")) + $"\n--- suite output ---\n{Tail(run.Output)}\n{Tail(run.Errors)}";
        Assert.True(scenarios.Count >= 25 && scenarios.Contains("tools-list") && scenarios.Contains("resources-list"),
            $"the suite ran only {scenarios.Count} scenarios\n{report}");
        Assert.True(notRun.Count == 0, $"scenarios without results: {string.Join(", ", notRun)}\n{report}");
        Assert.True(failing.Keys.Except(expected.Keys).ToList() is [], $"scenarios failing that the baseline does not list\n{report}");
        Assert.True(expected.Keys.Except(failing.Keys).ToList() is [], $"baselined scenarios that now pass: remove them from {Baseline}\n{report}");
        Assert.True(run.ExitCode == 0, $"the suite itself reported a failure\n{report}");
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Every_baselined_scenario_says_why_it_is_expected_to_fail()
    {
        foreach (var (scenario, reason) in ExpectedFailures())
        {
            Assert.True(reason.Length >= 20, $"{scenario} in {Baseline} needs a reason (a comment after it saying why it fails)");
        }
    }

    /// <summary>Each scenario's checks.json: a scenario fails when any check does, or when it ran no check at all.</summary>
    private static Dictionary<string, string> FailingScenarios(string output, IReadOnlyList<string> scenarios, out List<string> notRun)
    {
        var failing = new Dictionary<string, string>(StringComparer.Ordinal);
        notRun = [];
        var files = Directory.EnumerateFiles(output, "checks.json", SearchOption.AllDirectories).ToList();
        foreach (var scenario in scenarios)
        {
            // The suite writes server-<scenario>-<timestamp>/checks.json.
            var file = files.FirstOrDefault(f => Path.GetFileName(Path.GetDirectoryName(f)!) is var folder
                && folder.StartsWith($"server-{scenario}-", StringComparison.Ordinal) && char.IsAsciiDigit(folder[$"server-{scenario}-".Length]));
            if (file is null)
            {
                notRun.Add(scenario);
                continue;
            }
            var failed = JsonNode.Parse(File.ReadAllText(file))!.AsArray()
                .Where(c => c!["status"]?.GetValue<string>() is "FAILURE" or "ERROR" or "WARNING")
                .Select(c => $"{c!["name"] ?? c["id"]}: {c["errorMessage"] ?? c["description"]}").ToList();
            if (failed.Count == 0 && JsonNode.Parse(File.ReadAllText(file))!.AsArray().Count == 0)
            {
                failed.Add("no check ran");
            }
            if (failed.Count > 0)
            {
                failing[scenario] = string.Join(" | ", failed);
            }
        }
        return failing;
    }

    /// <summary>The baseline's server entries, each with the comment after it (its reason).</summary>
    private static Dictionary<string, string> ExpectedFailures()
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var inServer = false;
        foreach (var line in File.ReadAllLines(Baseline))
        {
            if (!line.StartsWith(' ') && line.TrimEnd().EndsWith(':'))
            {
                inServer = line.Trim() == "server:";
                continue;
            }
            var trimmed = line.Trim();
            if (inServer && trimmed.StartsWith("- ", StringComparison.Ordinal))
            {
                var hash = trimmed.IndexOf('#', StringComparison.Ordinal);
                var name = (hash < 0 ? trimmed[2..] : trimmed[2..hash]).Trim();
                entries[name] = hash < 0 ? "" : trimmed[(hash + 1)..].Trim();
            }
        }
        return entries;
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}
