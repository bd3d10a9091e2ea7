using ToolCatalog.Catalog;
using ToolCatalog.Generator.Tests.Infrastructure;

namespace ToolCatalog.Generator.Tests;

/// <summary>The <c>new</c> wizard driven through Spectre's TestConsole with scripted answers.</summary>
public sealed class WizardTests
{
    [Fact]
    public async Task Happy_path_asks_the_seven_steps_and_writes_a_valid_file()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var run = new CliRun { Interactive = true }
            .Answer("backup_runner", "", "Back up folders with restic and report the snapshot id.", "linux", "", "") // 1 basics
            .Answer("", "", "", "")                                                                                   // 2 defaults
            .Answer("backup", "Snapshots of folders.", "")                                                            // 3 one capability (canonical)
            .Answer("snapshot", "", "back up a folder before an upgrade; nightly backup", "2000 + 1500 * size_gb", "0.01 * size_gb", "0.4")
            .AcceptDefaults();                                                                                        // 4..7, then "Write?"

        await run.RunAsync(["new", "--out", folder.Path], ct);

        Assert.True(run.ExitCode == 0, run.Text);
        var path = folder.File("linux/backup_runner.yaml");
        Assert.True(File.Exists(path), run.Text);
        var parsed = CatalogDirectory.ParseFile(await File.ReadAllTextAsync(path, ct), "linux/backup_runner.yaml");
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Problems));
        Assert.Empty(parsed.Problems);
        var pattern = Assert.Single(Assert.Single(parsed.Tool!.Capabilities).Patterns);
        Assert.Equal(("snapshot", "2000 + 1500 * size_gb", 0.4), (pattern.Name, pattern.TimeEstimateMs, pattern.ComplexityScore));
        Assert.Equal(["back up a folder before an upgrade", "nightly backup"], pattern.UseCases);
        // size_gb is not a standard variable: step 6 declared it as a numeric input so the estimate validates.
        var yaml = await File.ReadAllTextAsync(path, ct);
        Assert.Contains("- name: size_gb", yaml, StringComparison.Ordinal);
        var output = run.Console.Output;
        foreach (var step in Enumerable.Range(1, 7))
        {
            Assert.Contains($"Step {step}/7", output, StringComparison.Ordinal);
        }
        Assert.Contains("Summary", output, StringComparison.Ordinal);
        Assert.Contains("tool_name: backup_runner", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_answers_are_asked_again_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var run = new CliRun { Interactive = true }
            .Answer("Bad Name!", "good_tool", "1.0.0.0.0", "", "too short", "", "amiga", "")
            .Answer("", "")                                  // category, status
            .Answer("", "", "", "")                          // defaults
            .Answer("Not_Snake", "", "", "")                 // capability name (bad, then default), description, another?
            .Answer("", "", "")                              // pattern name, description, use cases
            .Answer("2 +* N", "sqrt(N) + nope(N)", "")       // time estimate: syntax error, unknown function, default
            .Answer("", "1.5", "0.2")                        // cost, complexity out of range, then valid
            .AcceptDefaults();

        await run.RunAsync(["new", "--out", folder.Path], ct);

        Assert.True(run.ExitCode == 0, run.Text);
        var output = run.Console.Output;
        foreach (var message in (string[])[
            "must start with a letter", "must look like 1, 1.2 or 1.2.3", "must be 10 to 2000 characters", "must be one of: linux",
            "must be lower_snake_case", "does not parse", "unknown function 'nope'", "must be a number from 0 to 1"])
        {
            Assert.Contains(message, output, StringComparison.Ordinal);
        }
        Assert.True(File.Exists(folder.File("linux/good_tool.yaml")), run.Text);
    }

    [Fact]
    public async Task Cancelling_in_the_middle_leaves_no_file_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var inner = new Spectre.Console.Testing.TestConsole();
        var run = new CliRun { Interactive = true, ConsoleOverride = new CancellingConsole(inner, interrupt) };
        foreach (var answer in (string[])["half_done", "", "A tool the user gives up on halfway.", "linux", "", "", "", "", "", ""])
        {
            inner.Input.PushTextWithEnter(answer);
        }

        await run.RunAsync(["new", "--out", folder.Path], interrupt.Token);

        Assert.True(run.ExitCode == 130, run.Text + inner.Output);
        Assert.Contains("cancelled", run.Error.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_answers_file_runs_the_wizard_without_prompts()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(folder.File("answers.yaml"), """
            tool_name: zfs_snapshot
            description: Create and list ZFS snapshots on a storage host.
            platform: linux
            category: system
            capabilities:
              snapshots:
                description: ZFS snapshots of datasets.
                patterns:
                  create_snapshot:
                    time_estimate_ms: "300 + 50 * datasets"
                    cost_estimate: "0.001 * datasets"
                    complexity_score: 0.2
                    policy: { requires_approval: true }
                    required_inputs:
                      - { name: dataset, type: string, description: Dataset name, validation: '^[A-Za-z0-9_/.-]+$' }
            metadata:
              tags: [zfs, storage]
            """, ct);

        var run = await new CliRun().RunAsync(["new", "--answers", folder.File("answers.yaml"), "--no-input", "--out", folder.File("catalog")], ct);

        Assert.True(run.ExitCode == 0, run.Text);
        var text = await File.ReadAllTextAsync(folder.File("catalog/linux/zfs_snapshot.yaml"), ct);
        var parsed = CatalogDirectory.ParseFile(text, "linux/zfs_snapshot.yaml");
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Problems));
        var pattern = parsed.Tool!.Capabilities.Single().Patterns.Single();
        Assert.Equal(("create_snapshot", true, false), (pattern.Name, pattern.RequiresApproval, pattern.ProductionSafe));
        Assert.Equal(["zfs", "storage"], parsed.Tool.Tags);
        Assert.Contains("- name: datasets", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flags_alone_make_a_tool_and_a_bad_flag_is_a_validation_error()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();

        var good = await CliRun.RunAsync(ct, "new", "--no-input", "--name", "ping_host", "--platform", "network", "--out", folder.Path);
        var bad = await CliRun.RunAsync(ct, "new", "--no-input", "--name", "ping_host2", "--platform", "amiga", "--out", folder.Path);
        var exists = await CliRun.RunAsync(ct, "new", "--no-input", "--name", "ping_host", "--platform", "network", "--out", folder.Path);

        Assert.True(good.ExitCode == 0, good.Text);
        var parsed = CatalogDirectory.ParseFile(await File.ReadAllTextAsync(folder.File("network/ping_host.yaml"), ct), "network/ping_host.yaml");
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Problems));
        Assert.Equal("network", parsed.Tool!.Category);
        Assert.True(bad.ExitCode == 1, bad.Text);
        Assert.Contains("Platform: 'amiga' must be one of", bad.Error.ToString(), StringComparison.Ordinal);
        Assert.True(exists.ExitCode == 2, exists.Text);
    }
}
