using System.Text;
using System.Text.Json.Nodes;
using ToolCatalog.Generator.Tests.Infrastructure;
using ToolCatalog.Testing;

namespace ToolCatalog.Generator.Tests;

/// <summary><c>select</c> against the real API (in-process): flags, a request file, table and JSON output, bad input.</summary>
public sealed class SelectCommandTests(GeneratorInfrastructure infra)
{
    private const string Api = "http://localhost";

    private static async Task<CatalogApi> StartWithBackupToolsAsync(GeneratorInfrastructure infra, CancellationToken ct)
    {
        var api = await CatalogApi.StartAsync(infra, ct);
        var yaml = string.Join("\n---\n", await Task.WhenAll(new[] { "database/pg_dump.yaml", "database/mysqldump.yaml" }
            .Select(f => File.ReadAllTextAsync(Path.Combine(RepoPaths.Catalog, f), ct))));
        using var writer = api.CreateWriterClient();
        using var import = await writer.PostAsync("/api/v1/tools/import", new StringContent(yaml, Encoding.UTF8, "application/yaml"), ct);
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync(ct));
        return api;
    }

    [Fact]
    public async Task Flags_make_the_request_and_the_decision_is_printed_as_a_table()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartWithBackupToolsAsync(infra, ct);

        var run = await new CliRun { HttpHandler = api.Factory.Server.CreateHandler() }.RunAsync(
            ["select", "--api", Api, "--capability", "backup", "--query", "back up quickly", "--var", "size_mb=800", "--top-k", "2"], ct);

        Assert.True(run.ExitCode == 0, run.Text);
        var output = run.Console.Output;
        Assert.Contains("mode fast (query, confidence 0.8)", output, StringComparison.Ordinal);
        Assert.Contains("backup / dump_schema_only", output, StringComparison.Ordinal);
        Assert.Contains("near-tie:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_file_is_the_base_and_flags_override_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartWithBackupToolsAsync(infra, ct);
        using var folder = new TempFolder();
        await folder.WriteAsync("request.json", """{"capabilities":["backup"],"mode":"fast","variables":{"size_mb":800}}""", ct);

        var run = await new CliRun { HttpHandler = api.Factory.Server.CreateHandler() }.RunAsync(
            ["select", "--api", Api, "--file", folder.File("request.json"), "--mode", "thorough", "--json"], ct);

        Assert.True(run.ExitCode == 0, run.Text);
        var decision = JsonNode.Parse(run.Out.ToString())!;
        Assert.Equal("thorough", decision["mode"]!["name"]!.GetValue<string>());
        // 3000 + 45 * size_mb / max(1, jobs) with size_mb from the file and jobs' input default 4.
        Assert.Contains(decision["candidates"]!.AsArray(), c => c!["function_name"]!.GetValue<string>() == "pg_dump__backup__dump_database"
            && c["estimates"]!["time_ms"]!.GetValue<double>() == 12000);
    }

    [Fact]
    public async Task An_invalid_request_names_the_field_and_a_bad_variable_is_a_usage_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await StartWithBackupToolsAsync(infra, ct);
        var handler = api.Factory.Server.CreateHandler();

        var invalid = await new CliRun { HttpHandler = handler }.RunAsync(["select", "--api", Api, "--capability", "backup", "--mode", "speedy"], ct);
        var badVariable = await new CliRun { HttpHandler = handler }.RunAsync(["select", "--api", Api, "--capability", "backup", "--var", "N=lots"], ct);

        Assert.True(invalid.ExitCode == 1, invalid.Text);
        Assert.Contains("mode: must be one of", invalid.Error.ToString(), StringComparison.Ordinal);
        Assert.True(badVariable.ExitCode == 2, badVariable.Text);
        Assert.Contains("--var 'N=lots': expected NAME=NUMBER", badVariable.Error.ToString(), StringComparison.Ordinal);
    }
}
