using System.CommandLine;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Upgrade;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Generator.Cli;

/// <summary>
/// <c>upgrade &lt;dir&gt; --out &lt;dir&gt;</c>: legacy tool files to one canonical file per tool
/// (<c>&lt;platform&gt;/&lt;tool_name&gt;.yaml</c>), printing every change with its source line:col; <c>--check</c> only
/// tells whether the folder still needs upgrading (exit 1), for the CI of catalog repositories;
/// <c>--canonical-capabilities</c> also moves capability names to the shared vocabulary.
/// </summary>
internal static class UpgradeCommand
{
    public static Command Create(CliContext context)
    {
        var source = new Argument<string>("dir") { Description = "A folder of tool files in any legacy or canonical shape" };
        var output = new Option<string?>("--out") { Description = "Folder to write the canonical catalog to (<platform>/<tool_name>.yaml)" };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 and list the files that still need upgrading" };
        var canonical = new Option<bool>("--canonical-capabilities")
        {
            Description = "Also rename capabilities to the shared vocabulary's canonical names, merging a tool's capabilities that become one",
        };
        var command = new Command("upgrade", "Rewrite legacy tool files into the canonical format and print every change with its source line:col.")
        {
            source,
            output,
            check,
            canonical,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(check) == (result.GetValue(output) is not null))
            {
                result.AddError("give either --out <dir> or --check");
            }
        });
        command.SetAction((parse, cancellationToken) =>
            RunAsync(context, parse.GetValue(source)!, parse.GetValue(output), parse.GetValue(check),
                parse.GetValue(canonical) ? CapabilityVocabulary.BuiltIn : null, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string source, string? output, bool check, CapabilityVocabulary? vocabulary,
        CancellationToken cancellationToken)
    {
        if (!Directory.Exists(source))
        {
            await context.Error.WriteLineAsync($"error: '{source}' is not a folder");
            return ExitCodes.Usage;
        }
        var files = new List<(string Path, string Text)>();
        foreach (var path in CatalogDirectory.EnumerateFiles(source))
        {
            files.Add((Path.GetRelativePath(source, path).Replace('\\', '/'), await File.ReadAllTextAsync(path, cancellationToken)));
        }
        var upgraded = CatalogUpgrade.UpgradeFiles(files, canonicalCapabilities: vocabulary);
        return check ? await CheckAsync(context, source, upgraded) : await WriteAsync(context, source, output!, upgraded, cancellationToken);
    }

    private static async Task<int> CheckAsync(CliContext context, string source, IReadOnlyList<UpgradedFile> upgraded)
    {
        var pending = upgraded.Where(f => !f.IsCanonical).ToList();
        foreach (var file in pending)
        {
            var why = file.Problems.Count > 0 ? "cannot be read: " + file.Problems[0].Message
                : string.Join(", ", file.Tools.Select(t => t.Tool.Changed ? $"{t.Tool.Changes.Count} change(s) for {t.Target}" : $"belongs at {t.Target}"));
            await context.Out.WriteLineAsync($"{Join(source, file.Source)}: needs upgrading ({why})");
        }
        await context.Out.WriteLineAsync($"{upgraded.Count} file(s): {upgraded.Count - pending.Count} canonical, {pending.Count} to upgrade");
        return pending.Count > 0 ? ExitCodes.ValidationErrors : ExitCodes.Ok;
    }

    private static async Task<int> WriteAsync(CliContext context, string source, string output, IReadOnlyList<UpgradedFile> upgraded,
        CancellationToken cancellationToken)
    {
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        var failed = 0;
        foreach (var file in upgraded)
        {
            var sourcePath = Join(source, file.Source);
            foreach (var problem in file.Problems)
            {
                await context.Out.WriteLineAsync((problem with { File = sourcePath }).ToString());
            }
            failed += file.Problems.Count > 0 ? 1 : 0;
            foreach (var tool in file.Tools)
            {
                if (written.TryGetValue(tool.Target, out var first))
                {
                    await context.Out.WriteLineAsync($"{sourcePath}: error: {tool.Target} is already written from {first}; this tool is not written");
                    failed++;
                    continue;
                }
                written[tool.Target] = sourcePath;
                await context.Out.WriteLineAsync($"{sourcePath} -> {tool.Target}: {(tool.Tool.Changed ? $"{tool.Tool.Changes.Count} change(s)" : "canonical")}");
                foreach (var change in tool.Tool.Changes)
                {
                    await context.Out.WriteLineAsync($"  {sourcePath}:{change}");
                }
                failed += await ReportInvalidAsync(context, tool, sourcePath) ? 1 : 0;
                await AtomicFile.WriteAsync(Path.Combine(output, tool.Target), tool.Text, cancellationToken);
            }
        }
        await context.Out.WriteLineAsync($"{upgraded.Count} file(s) read, {written.Count} tool file(s) written to {output}, {failed} problem(s)");
        return failed > 0 ? ExitCodes.ValidationErrors : ExitCodes.Ok;
    }

    /// <summary>
    /// What the upgrade could not make valid (a broken expression, a wrong type): printed, still written. Values outside
    /// the vocabulary and validation patterns JavaScript reads differently are kept, as import with upgrade keeps them,
    /// and printed as warnings for a person to settle.
    /// </summary>
    private static async Task<bool> ReportInvalidAsync(CliContext context, UpgradedEntry tool, string sourcePath)
    {
        var parsed = ToolParser.Validate(tool.Tool.Document, tool.Target, settings: new ValidationSettings(CatalogVocabulary.Default, VocabularyMode.Upgrade));
        foreach (var problem in parsed.Problems.Where(p => p.Severity == ProblemSeverity.Error
            || p.Message.Contains("vocabulary", StringComparison.Ordinal) || p.Message.Contains("JSON Schema patterns", StringComparison.Ordinal)))
        {
            await context.Out.WriteLineAsync($"  {sourcePath}:{problem.Line}:{problem.Column}: {problem.Severity.ToString().ToLowerInvariant()}: {problem.Path}: {problem.Message}");
        }
        return !parsed.IsValid;
    }

    private static string Join(string root, string file) => Path.Join(root, file).Replace('\\', '/');
}
