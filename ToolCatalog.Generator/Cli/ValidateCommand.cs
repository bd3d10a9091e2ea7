using System.CommandLine;
using System.Text.Json;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Generator.Cli;

/// <summary><c>validate &lt;file|dir&gt;</c>: the catalog's own validator, with compiler-style output.</summary>
internal static class ValidateCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Messages quote values ("1.0"); keep them readable instead of \u0022.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("path") { Description = "A tool file, or a catalog folder laid out as <platform>/<tool_name>.yaml" };
        var format = CommonOptions.Format("Output: text (file:line:col: severity: path: message) or json", "text", "json");
        var command = new Command("validate", "Validate tool files; a folder also gets the cross-file checks (duplicate tool names). Exit 1 on errors.")
        {
            path,
            format,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, parse.GetValue(path)!, parse.GetValue(format)!, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string path, string format, CancellationToken cancellationToken)
    {
        var results = await LoadAsync(path, cancellationToken);
        if (results is null)
        {
            await context.Error.WriteLineAsync($"error: '{path}' is neither a file nor a folder");
            return ExitCodes.Usage;
        }
        var problems = results.SelectMany(r => r.Problems).OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).ThenBy(p => p.Column).ToList();
        var errors = problems.Count(p => p.Severity == ProblemSeverity.Error);
        var warnings = problems.Count - errors;
        var invalid = results.Count(r => !r.IsValid);
        if (format == "json")
        {
            var body = new
            {
                valid = errors == 0,
                files = results.Count,
                invalidFiles = invalid,
                errors,
                warnings,
                results = results.Select(r => new { file = r.File, tool = r.Tool?.Name, version = r.Tool?.Version, valid = r.IsValid, problems = r.Problems }),
            };
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(body, Json));
        }
        else
        {
            foreach (var problem in problems)
            {
                await context.Out.WriteLineAsync(problem.ToString());
            }
            await context.Out.WriteLineAsync(
                $"{results.Count} file(s): {results.Count - invalid} valid, {invalid} invalid; {errors} error(s), {warnings} warning(s)");
        }
        return errors > 0 ? ExitCodes.ValidationErrors : ExitCodes.Ok;
    }

    /// <summary>The parsed files, named as the user would open them (the argument joined with the relative path).</summary>
    public static async Task<IReadOnlyList<ParsedTool>?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            var loaded = await CatalogDirectory.LoadAsync(path, cancellationToken);
            return loaded.Select(r => Relocate(r, path)).ToList();
        }
        if (File.Exists(path))
        {
            var text = await File.ReadAllTextAsync(path, cancellationToken);
            return [CatalogDirectory.ParseFile(text, path.Replace('\\', '/'))];
        }
        return null;
    }

    private static ParsedTool Relocate(ParsedTool result, string root)
    {
        string Join(string file) => Path.Join(root, file).Replace('\\', '/');
        return result with { File = Join(result.File), Problems = result.Problems.Select(p => p with { File = Join(p.File) }).ToList() };
    }
}
