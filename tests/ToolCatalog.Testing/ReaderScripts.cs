using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ToolCatalog.Testing;

/// <summary>
/// The committed scripts that read files with other programs' libraries (PyYAML, js-yaml, Ajv), run as real processes.
/// A missing library fails the test with the command that installs it: a skipped check would read as a passed one.
/// </summary>
public static class ReaderScripts
{
    public static string JsFolder => Path.Combine(RepoPaths.Root, "tests", "js");

    /// <summary>Runs a script from tests/js with node; its stdout must be JSON.</summary>
    public static Task<JsonNode> NodeAsync(string script, IEnumerable<string> arguments, CancellationToken ct)
    {
        if (!Directory.Exists(Path.Combine(JsFolder, "node_modules", "js-yaml")) || !Directory.Exists(Path.Combine(JsFolder, "node_modules", "ajv")))
        {
            throw new InvalidOperationException("tests/js/node_modules is missing js-yaml or ajv: run `npm ci --prefix tests/js`");
        }
        return RunJsonAsync("node", [Path.Combine(JsFolder, script), .. arguments], ct);
    }

    /// <summary>Runs tests/python/yaml_to_json.py over a folder: every .yaml file in it as PyYAML's safe_load reads it.</summary>
    public static async Task<JsonNode> PyYamlAsync(string folder, CancellationToken ct)
    {
        var probe = await RunAsync("python3", ["-c", "import yaml"], ct);
        if (probe.ExitCode != 0)
        {
            throw new InvalidOperationException($"PyYAML is missing (python3 -c 'import yaml' failed: {probe.Stderr.Trim()}): run `apt-get install python3-yaml`");
        }
        return await RunJsonAsync("python3", [Path.Combine(RepoPaths.Root, "tests", "python", "yaml_to_json.py"), folder], ct);
    }

    private static async Task<JsonNode> RunJsonAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var run = await RunAsync(program, arguments, ct);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {run.ExitCode}:\n{run.Stderr}");
        }
        return JsonNode.Parse(run.Stdout) ?? throw new InvalidOperationException($"{program} printed null");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start");
        try
        {
            // Both streams at once: a child blocked on a full stderr pipe would never finish its stdout.
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
