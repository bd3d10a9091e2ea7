using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;
using ToolCatalog.Generator.Wizard;

namespace ToolCatalog.Generator.Cli;

/// <summary>
/// <c>new</c>: the seven-step wizard. Flags and <c>--answers</c> give answers up front; what they leave out is asked
/// (interactive) or defaulted (<c>--no-input</c>, or input not a terminal). The result is shown, validated, then written
/// atomically and/or sent to the API.
/// </summary>
internal static class NewCommand
{
    private sealed record Options(string? AnswersFile, JsonObject Flags, string Out, bool OutGiven, string? Api, string? ApiKey, bool NoInput,
        bool Force, bool Yes);

    public static Command Create(CliContext context)
    {
        var name = new Option<string>("--name") { Description = "tool_name" };
        var version = new Option<string>("--tool-version") { Description = "version of the tool document, e.g. 1.0.0" };
        var description = new Option<string>("--description") { Description = "description (10 to 2000 characters)" };
        var platform = new Option<string>("--platform") { Description = $"one of: {string.Join(", ", CatalogRules.Platforms)}" };
        var category = new Option<string>("--category") { Description = $"one of: {string.Join(", ", CatalogRules.Categories)}" };
        var answers = new Option<string>("--answers") { Description = "YAML file of answers in the tool format's shape (any subset); the rest is asked or defaulted" };
        var output = new Option<string>("--out") { Description = "Catalog folder; the file goes to <out>/<platform>/<tool_name>.yaml", DefaultValueFactory = _ => "catalog" };
        var api = CommonOptions.Api(required: false);
        api.Description = "Also send the tool to this API (import route); without --out, only send it";
        var apiKey = CommonOptions.ApiKey();
        var noInput = new Option<bool>("--no-input") { Description = "Never prompt: take flags, answers and defaults" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation before writing or sending" };
        var command = new Command("new", "Create a tool definition with a step-by-step wizard (or from flags and --answers without prompts)")
        {
            name, version, description, platform, category, answers, output, api, apiKey, noInput, force, yes,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var flags = new JsonObject();
            foreach (var (option, key) in new[] { (name, "tool_name"), (version, "version"), (description, "description"), (platform, "platform"), (category, "category") })
            {
                if (parse.GetValue(option) is { } value)
                {
                    flags[key] = value;
                }
            }
            var options = new Options(parse.GetValue(answers), flags, parse.GetValue(output)!, parse.GetResult(output) is { Implicit: false },
                parse.GetValue(api), parse.GetValue(apiKey), parse.GetValue(noInput), parse.GetValue(force), parse.GetValue(yes));
            return RunAsync(context, options, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, Options options, CancellationToken cancellationToken)
    {
        var (given, refused) = await GivenAnswersAsync(context, options, cancellationToken);
        if (given is null)
        {
            return refused;
        }
        var interactive = context.Interactive && !options.NoInput;
        var ask = new Prompter(context.Console, interactive, cancellationToken);
        var document = await new ToolWizard(ask, given, context.Time).RunAsync();

        var name = document["tool_name"]!.GetValue<string>();
        var platform = document["platform"]!.GetValue<string>();
        var yaml = YamlWriter.Write(YamlJson.FromJson(document));
        var parsed = CatalogDirectory.ParseFile(yaml, $"{platform}/{name}.yaml");
        ShowSummary(context.Console, document, yaml);
        foreach (var problem in parsed.Problems)
        {
            context.Console.WriteLine(problem.ToString());
        }
        if (!parsed.IsValid)
        {
            context.Console.MarkupLine("[red]The tool has errors (above); nothing was written.[/]");
            return ExitCodes.ValidationErrors;
        }
        context.Console.MarkupLine($"[green]Valid:[/] {Markup.Escape(name)} {Markup.Escape(parsed.Tool!.Version)}");

        if ((options.OutGiven || options.Api is null) && await WriteFileAsync(context, options, ask, interactive, platform, name, yaml, cancellationToken) is { } stop)
        {
            return stop;
        }

        if (options.Api is not null && (!interactive || options.Yes || await ask.YesNoAsync($"Send {name} to {options.Api}?", null, true)))
        {
            var report = await context.CreateApiClient(options.Api, options.ApiKey).ImportYamlAsync(yaml, dryRun: false, cancellationToken);
            ImportRunner.WriteSummary(context.Console, report, changesOnly: false);
            return report.Invalid > 0 ? ExitCodes.ValidationErrors : ExitCodes.Ok;
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Writes the tool's file under the output folder, asking before overwriting or writing when interactive; an exit
    /// code when the command stops here (refused or declined), null when it goes on.
    /// </summary>
    private static async Task<int?> WriteFileAsync(CliContext context, Options options, Prompter ask, bool interactive, string platform,
        string name, string yaml, CancellationToken cancellationToken)
    {
        var path = Path.Combine(options.Out, platform, name + ".yaml");
        if (File.Exists(path) && !options.Force)
        {
            if (!interactive)
            {
                await context.Error.WriteLineAsync($"error: {path} already exists; pass --force to overwrite it");
                return ExitCodes.Usage;
            }
            if (!await ask.YesNoAsync($"{path} exists. Overwrite it?", null, false))
            {
                context.Console.MarkupLine("Kept the existing file; nothing was written.");
                return ExitCodes.Ok;
            }
        }
        else if (interactive && !options.Yes && !await ask.YesNoAsync($"Write {path}?", null, true))
        {
            context.Console.MarkupLine("Nothing was written.");
            return ExitCodes.Ok;
        }
        await AtomicFile.WriteAsync(path, yaml, cancellationToken);
        context.Console.MarkupLine($"Wrote [green]{Markup.Escape(path)}[/]");
        return null;
    }

    /// <summary>The answers file (when given) with the flags on top; or, after reporting why the file cannot be used, the exit code.</summary>
    private static async Task<(JsonObject? Given, int ExitCode)> GivenAnswersAsync(CliContext context, Options options, CancellationToken cancellationToken)
    {
        var given = new JsonObject();
        if (options.AnswersFile is not null)
        {
            if (!File.Exists(options.AnswersFile))
            {
                await context.Error.WriteLineAsync($"error: answers file '{options.AnswersFile}' does not exist");
                return (null, ExitCodes.Usage);
            }
            var (answers, problems) = ReadAnswers(await File.ReadAllTextAsync(options.AnswersFile, cancellationToken), options.AnswersFile);
            if (answers is null)
            {
                foreach (var problem in problems)
                {
                    await context.Error.WriteLineAsync(problem.ToString());
                }
                return (null, ExitCodes.ValidationErrors);
            }
            given = answers;
        }
        foreach (var (key, value) in options.Flags)
        {
            given[key] = value?.DeepClone();
        }
        return (given, ExitCodes.Ok);
    }

    /// <summary>The answers file as JSON; it must be one YAML map (the tool format's shape, any subset of it).</summary>
    internal static (JsonObject? Answers, IReadOnlyList<CatalogProblem> Problems) ReadAnswers(string text, string file)
    {
        var problems = new List<CatalogProblem>();
        var documents = YamlReader.ReadAll(text, file, problems);
        if (problems.Any(p => p.Severity == ProblemSeverity.Error))
        {
            return (null, problems);
        }
        if (documents is not [YamlMap map])
        {
            return (null, [CatalogProblem.Error(file, new SourceMark(1, 1), "", "an answers file holds one map of answers (tool_name, version, capabilities, ...)")]);
        }
        return ((JsonObject)YamlJson.ToJson(map)!, problems);
    }

    private static void ShowSummary(IAnsiConsole console, JsonObject document, string yaml)
    {
        var capabilities = document["capabilities"]!.AsObject();
        var patterns = capabilities.SelectMany(c => c.Value!["patterns"]!.AsObject().Select(p => (Capability: c.Key, Pattern: p.Key, Body: p.Value!))).ToList();
        var table = new Table().RoundedBorder().Title("Summary").AddColumns("Field", "Value");
        table.AddRow("tool", Markup.Escape($"{document["tool_name"]} {document["version"]}"));
        table.AddRow("platform / category", Markup.Escape($"{document["platform"]} / {document["category"]}"));
        table.AddRow("capabilities", Markup.Escape(string.Join(", ", capabilities.Select(c => c.Key))));
        foreach (var (capability, pattern, body) in patterns)
        {
            var inputs = (body["required_inputs"]?.AsArray().Count ?? 0) + (body["optional_inputs"]?.AsArray().Count ?? 0);
            table.AddRow(Markup.Escape($"{capability}.{pattern}"),
                Markup.Escape($"time {body["time_estimate_ms"]}, cost {body["cost_estimate"]}, {inputs} input(s)" +
                    (body["policy"]?["requires_approval"]?.GetValue<bool>() == true ? ", needs approval" : "")));
        }
        console.Write(table);
        console.Write(new Panel(new Text(yaml)).Header("YAML").Expand());
    }
}
