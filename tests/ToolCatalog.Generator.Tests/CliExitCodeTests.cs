using System.Net;
using System.Net.Sockets;
using ToolCatalog.Generator.Tests.Infrastructure;

namespace ToolCatalog.Generator.Tests;

/// <summary>Exit codes scripts rely on: 0 ok, 1 validation errors, 2 usage, 3 API unreachable; and --help everywhere.</summary>
public sealed class CliExitCodeTests
{
    private const string ValidTool = """
        tool_name: ping_host
        version: "1.0.0"
        description: Send ICMP echo requests to a host.
        platform: network
        category: network
        capabilities:
          reachability:
            description: Is the host up.
            patterns:
              ping:
                description: ping -c N host
                typical_use_cases: [check a host answers]
                time_estimate_ms: "1000 * N"
                cost_estimate: "0"
                complexity_score: 0.1
        """;

    [Theory]
    [InlineData("new")]
    [InlineData("templates")]
    [InlineData("from-template")]
    [InlineData("validate")]
    [InlineData("import")]
    [InlineData("export")]
    [InlineData("diff")]
    [InlineData("worker")]
    public async Task Every_command_has_help(string command)
    {
        var run = await CliRun.RunAsync(TestContext.Current.CancellationToken, command, "--help");

        Assert.True(run.ExitCode == 0, run.Text);
        Assert.Contains("Usage:", run.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains(command, run.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zero_for_a_valid_file_one_for_an_invalid_one()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        await folder.WriteAsync("network/ping_host.yaml", ValidTool, ct);
        await folder.WriteAsync("network/broken.yaml", ValidTool.Replace("ping_host", "broken", StringComparison.Ordinal)
            .Replace("complexity_score: 0.1", "complexity_score: 7", StringComparison.Ordinal), ct);

        var valid = await CliRun.RunAsync(ct, "validate", folder.File("network/ping_host.yaml"));
        var invalid = await CliRun.RunAsync(ct, "validate", folder.Path);

        Assert.True(valid.ExitCode == 0, valid.Text);
        Assert.True(invalid.ExitCode == 1, invalid.Text);
    }

    [Theory]
    [InlineData]
    [InlineData("no-such-command")]
    [InlineData("validate")]
    [InlineData("validate", "/no/such/path")]
    [InlineData("validate", ".", "--format", "xml")]
    [InlineData("from-template", "kafka_tool", "x")]
    [InlineData("from-template", "api_tool", "x", "--set", "no_equals")]
    [InlineData("import", ".")]
    [InlineData("import", ".", "--api", "not a url")]
    [InlineData("export", "--api", "http://localhost:1")]
    [InlineData("new", "--answers", "/no/such/answers.yaml")]
    public async Task Two_for_usage_errors(params string[] args)
    {
        var run = await CliRun.RunAsync(TestContext.Current.CancellationToken, args);

        Assert.True(run.ExitCode == 2, run.Text);
        Assert.NotEmpty(run.Error.ToString());
    }

    [Theory]
    [InlineData("import")]
    [InlineData("diff")]
    [InlineData("export")]
    public async Task Three_when_the_API_is_unreachable(string command)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        await folder.WriteAsync("network/ping_host.yaml", ValidTool, ct);
        var api = $"http://127.0.0.1:{ClosedPort()}";
        string[] args = command == "export" ? [command, "--api", api, "--out", folder.File("out")] : [command, folder.Path, "--api", api];

        var run = await CliRun.RunAsync(ct, args);

        Assert.True(run.ExitCode == 3, run.Text);
        Assert.Contains("unreachable", run.Error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on: bound, read, and released again.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
