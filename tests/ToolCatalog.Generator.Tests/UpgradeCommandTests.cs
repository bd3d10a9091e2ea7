using ToolCatalog.Generator.Tests.Infrastructure;
using ToolCatalog.Testing;

namespace ToolCatalog.Generator.Tests;

/// <summary><c>upgrade</c>: legacy folders to the canonical layout with every change printed, and <c>--check</c> for CI.</summary>
public sealed class UpgradeCommandTests
{
    private static readonly string Legacy = Path.Combine(RepoPaths.Root, "tests", "ToolCatalog.Catalog.Tests", "Upgrade", "legacy");

    [Fact]
    public async Task A_legacy_folder_is_written_as_one_canonical_file_per_tool_with_each_change_printed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var output = new TempFolder();

        var run = await CliRun.RunAsync(ct, "upgrade", Legacy, "--out", output.Path);

        Assert.True(run.ExitCode == 0, run.Text);
        var written = Directory.EnumerateFiles(output.Path, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(output.Path, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal(["linux/du.yaml", "linux/lsof.yaml", "linux/ntpq.yaml", "linux/ping.yaml", "network/dig.yaml", "windows/ping_windows.yaml"], written);
        var text = run.Out.ToString();
        var legacy = Legacy.Replace('\\', '/');
        Assert.Contains($"{legacy}/old/dig.yaml -> network/dig.yaml: ", text, StringComparison.Ordinal);
        Assert.Contains($"  {legacy}/old/dig.yaml:33:22: converted: capabilities.dns_query.patterns.single_lookup.policy.timeout_seconds: 15 s is max_execution_time: 15000 (ms)", text, StringComparison.Ordinal);
        Assert.Contains($"{legacy}/linux/ping.yaml -> linux/ping.yaml: canonical", text, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Legacy, "linux", "ping.yaml"), ct), await File.ReadAllTextAsync(output.File("linux/ping.yaml"), ct));

        Assert.Contains($"  {legacy}/old/lsof.yaml:5:11: warning: category: 'filesystem' is not one of:", text, StringComparison.Ordinal);

        // Strict validation of the output: only what the upgrade kept with a warning remains (lsof).
        var validate = await CliRun.RunAsync(ct, "validate", output.Path);
        Assert.True(validate.ExitCode == 1, validate.Text);
        var errors = validate.Out.ToString().Split('\n').Where(l => l.Contains(": error: ", StringComparison.Ordinal)).ToList();
        Assert.All(errors, e => Assert.Contains("linux/lsof.yaml", e, StringComparison.Ordinal));
        Assert.Equal(5, errors.Count); // category, data source, scope, dependency type and the (?i) pattern
        var again = await CliRun.RunAsync(ct, "upgrade", output.Path, "--check");
        Assert.True(again.ExitCode == 0, again.Text);
    }

    [Fact]
    public async Task Canonical_capabilities_rename_to_the_shared_vocabulary_and_the_repository_catalog_already_uses_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var output = new TempFolder();

        var run = await CliRun.RunAsync(ct, "upgrade", Legacy, "--out", output.Path, "--canonical-capabilities");
        var repository = await CliRun.RunAsync(ct, "upgrade", RepoPaths.Catalog, "--check", "--canonical-capabilities");

        Assert.True(run.ExitCode == 0, run.Text);
        Assert.Contains("renamed: capabilities.dns_query: is the canonical capability 'dns_lookup'", run.Out.ToString(), StringComparison.Ordinal);
        var dig = await File.ReadAllTextAsync(output.File("network/dig.yaml"), ct);
        Assert.Contains("\n  dns_lookup:\n", dig, StringComparison.Ordinal);
        Assert.DoesNotContain("dns_query:", dig, StringComparison.Ordinal);
        Assert.True(repository.ExitCode == 0, repository.Text);
    }

    [Fact]
    public async Task Check_exits_1_and_names_the_files_that_still_need_upgrading()
    {
        var ct = TestContext.Current.CancellationToken;

        var run = await CliRun.RunAsync(ct, "upgrade", Legacy, "--check");

        Assert.True(run.ExitCode == 1, run.Text);
        var lines = run.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["old/dig.yaml", "old/du.yaml", "old/lsof.yaml", "old/ntpq.yaml", "windows/ping.yaml"],
            lines[..^1].Select(l => l[(Legacy.Length + 1)..l.IndexOf(": needs upgrading", StringComparison.Ordinal)]));
        Assert.Equal("6 file(s): 1 canonical, 5 to upgrade", lines[^1]);
    }

    [Fact]
    public async Task Check_passes_on_the_repository_catalog()
    {
        var run = await CliRun.RunAsync(TestContext.Current.CancellationToken, "upgrade", RepoPaths.Catalog, "--check");

        Assert.True(run.ExitCode == 0, run.Text);
        Assert.Matches(@"^\d+ file\(s\): \d+ canonical, 0 to upgrade", run.Out.ToString());
    }

    [Fact]
    public async Task A_file_with_no_name_is_reported_with_the_reason_and_the_others_are_still_written()
    {
        var ct = TestContext.Current.CancellationToken;
        using var source = new TempFolder();
        using var output = new TempFolder();
        await source.WriteAsync("x/anonymous.yaml", "description: a tool nobody named\nplatform: linux\n", ct);
        await source.WriteAsync("x/ntpq.yaml", await File.ReadAllTextAsync(Path.Combine(Legacy, "old", "ntpq.yaml"), ct), ct);

        var run = await CliRun.RunAsync(ct, "upgrade", source.Path, "--out", output.Path);

        Assert.True(run.ExitCode == 1, run.Text);
        Assert.Contains("x/anonymous.yaml:1:1: error: tool_name: no name at all", run.Out.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(output.File("linux/ntpq.yaml")), run.Text);
    }

    [Fact]
    public async Task Out_and_check_together_or_neither_is_a_usage_error()
    {
        var run = await CliRun.RunAsync(TestContext.Current.CancellationToken, "upgrade", Legacy);

        Assert.Equal(2, run.ExitCode);
    }
}
