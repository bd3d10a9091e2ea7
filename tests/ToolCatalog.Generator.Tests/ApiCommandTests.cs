using ToolCatalog.Catalog;
using ToolCatalog.Generator.Cli;
using ToolCatalog.Generator.Tests.Infrastructure;
using ToolCatalog.Testing;

namespace ToolCatalog.Generator.Tests;

/// <summary><c>import</c>, <c>diff</c>, <c>export</c> and <c>new --api</c> against the real API (in-process).</summary>
public sealed class ApiCommandTests(GeneratorInfrastructure infra)
{
    private const string Api = "http://localhost";

    [Fact]
    public async Task Import_then_diff_then_export_round_trips_the_folder()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await CatalogApi.StartAsync(infra, ct);
        var handler = api.Factory.Server.CreateHandler();
        using var source = new TempFolder();
        await CopyFromCatalogAsync(source, ct, "linux/systemctl.yaml", "network/dig.yaml");
        await source.WriteAsync("linux/broken.yaml", "tool_name: broken\nversion: \"1.0.0\"\n", ct);

        var import = await Run(handler, ct, "import", source.Path, "--api", Api);

        Assert.True(import.ExitCode == 1, import.Text); // one invalid file
        var output = import.Console.Output;
        Assert.Contains("2 added, 0 new version(s), 0 unchanged, 1 invalid", output, StringComparison.Ordinal);
        Assert.Contains("linux/broken.yaml:1:1: error: description: is required", output, StringComparison.Ordinal);
        Assert.NotNull(await api.FindToolAsync("systemctl", ct));
        Assert.NotNull(await api.FindToolAsync("dig", ct));

        File.Delete(source.File("linux/broken.yaml"));
        var systemctl = await File.ReadAllTextAsync(source.File("linux/systemctl.yaml"), ct);
        await source.WriteAsync("linux/systemctl.yaml", systemctl.Replace("version: \"1.0.0\"", "version: \"1.1.0\"", StringComparison.Ordinal)
            .Replace("complexity_score: 0.3", "complexity_score: 0.35", StringComparison.Ordinal), ct);
        var diff = await Run(handler, ct, "diff", source.Path, "--api", Api);

        Assert.True(diff.ExitCode == 0, diff.Text);
        Assert.Contains("new version", diff.Console.Output, StringComparison.Ordinal);
        Assert.Contains("dry run: nothing stored", diff.Console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("network/dig.yaml", diff.Console.Output, StringComparison.Ordinal); // unchanged files are not listed
        Assert.Equal("1.0.0", (await api.FindToolAsync("systemctl", ct))!["version"]!.GetValue<string>());

        using var exported = new TempFolder();
        var export = await Run(handler, ct, "export", "--api", Api, "--out", exported.Path);

        Assert.True(export.ExitCode == 0, export.Text);
        Assert.True(File.Exists(exported.File("linux/systemctl.yaml")), export.Text);
        Assert.True(File.Exists(exported.File("network/dig.yaml")), export.Text);
        var reloaded = await CatalogDirectory.LoadAsync(exported.Path, ct);
        Assert.All(reloaded, r => Assert.True(r.IsValid, string.Join("\n", r.Problems)));

        var json = await Run(handler, ct, "export", "--api", Api, "--out", exported.File("json"), "--format", "json");
        Assert.True(json.ExitCode == 0, json.Text);
        Assert.True(File.Exists(exported.File("json/network/dig.json")), json.Text);
    }

    [Fact]
    public async Task Import_with_upgrade_stores_legacy_files_in_canonical_form_and_prints_each_change_as_a_warning()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await CatalogApi.StartAsync(infra, ct);
        var handler = api.Factory.Server.CreateHandler();
        var legacy = Path.Combine(RepoPaths.Root, "tests", "ToolCatalog.Catalog.Tests", "Upgrade", "legacy");

        var strict = await Run(handler, ct, "import", legacy, "--api", Api, "--dry-run");
        var upgraded = await Run(handler, ct, "import", legacy, "--api", Api, "--upgrade");

        Assert.True(strict.ExitCode == 1, strict.Text);
        Assert.True(upgraded.ExitCode == 0, upgraded.Text);
        Assert.Contains("6 added, 0 new version(s), 0 unchanged, 0 invalid", upgraded.Console.Output, StringComparison.Ordinal);
        Assert.Contains("upgraded (converted)", upgraded.Console.Output, StringComparison.Ordinal);
        Assert.Equal("ping", (await api.FindToolAsync("ping_windows", ct))!["command"]!.GetValue<string>());
        Assert.Equal("requires_approval", (await api.FindToolAsync("dig", ct))!["capabilities"]!["dns_query"]!["patterns"]!["single_lookup"]!["policy"]!
            .AsObject().First().Key);
    }

    [Fact]
    public async Task A_wrong_key_is_a_usage_error_and_the_key_can_come_from_the_environment()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await CatalogApi.StartAsync(infra, ct);
        var handler = api.Factory.Server.CreateHandler();
        using var source = new TempFolder();
        await CopyFromCatalogAsync(source, ct, "network/dig.yaml");

        var wrong = await new CliRun { HttpHandler = handler }.RunAsync(["import", source.Path, "--api", Api, "--api-key", "nope"], ct);
        var fromEnvironment = new CliRun { HttpHandler = handler };
        fromEnvironment.Environment[CliContext.ApiKeyVariable] = CatalogApi.WriteKey;
        await fromEnvironment.RunAsync(["import", source.Path, "--api", Api], ct);

        Assert.True(wrong.ExitCode == 2, wrong.Text);
        Assert.Contains("401", wrong.Error.ToString(), StringComparison.Ordinal);
        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.Text);
        Assert.NotNull(await api.FindToolAsync("dig", ct));
    }

    [Fact]
    public async Task New_with_api_sends_the_tool_without_writing_a_file()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await CatalogApi.StartAsync(infra, ct);
        using var folder = new TempFolder();
        var run = new CliRun { HttpHandler = api.Factory.Server.CreateHandler() };

        await run.RunAsync(["new", "--no-input", "--name", "curl_probe", "--platform", "network", "--api", Api, "--api-key", CatalogApi.WriteKey], ct);

        Assert.True(run.ExitCode == 0, run.Text);
        Assert.Equal("network", (await api.FindToolAsync("curl_probe", ct))!["platform"]!.GetValue<string>());
        Assert.False(Directory.Exists("catalog/network") && File.Exists("catalog/network/curl_probe.yaml"));
    }

    private static Task<CliRun> Run(HttpMessageHandler handler, CancellationToken ct, params string[] args) =>
        new CliRun { HttpHandler = handler }.RunAsync([.. args, "--api-key", CatalogApi.WriteKey], ct);

    private static async Task CopyFromCatalogAsync(TempFolder folder, CancellationToken ct, params string[] files)
    {
        foreach (var file in files)
        {
            await folder.WriteAsync(file, await File.ReadAllTextAsync(Path.Combine(RepoPaths.Catalog, file), ct), ct);
        }
    }
}
