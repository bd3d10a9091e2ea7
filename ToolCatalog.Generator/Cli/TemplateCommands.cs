using System.CommandLine;
using Spectre.Console;
using ToolCatalog.Catalog;
using ToolCatalog.Generator.Templates;

namespace ToolCatalog.Generator.Cli;

/// <summary><c>templates</c> lists the templates; <c>from-template</c> creates a tool file from one.</summary>
internal static class TemplateCommands
{
    public static Command CreateList(CliContext context)
    {
        var command = new Command("templates", "List the templates from-template can start from");
        command.SetAction(_ =>
        {
            var table = new Table().RoundedBorder()
                .AddColumn(new TableColumn("Template").NoWrap())
                .AddColumn(new TableColumn("Platform").NoWrap())
                .AddColumn(new TableColumn("Category").NoWrap())
                .AddColumns("Placeholders (--set key=value)", "What it is");
            foreach (var template in TemplateRenderer.All)
            {
                var placeholders = string.Join(", ", template.Placeholders.Where(p => p is not ("tool_name" or "date")));
                table.AddRow(template.Name, template.DefaultPlatform, template.DefaultCategory, Markup.Escape(placeholders), Markup.Escape(template.Summary));
            }
            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateFromTemplate(CliContext context)
    {
        var template = new Argument<string>("template") { Description = $"One of: {string.Join(", ", TemplateRenderer.Names)}" };
        template.AcceptOnlyFromAmong(TemplateRenderer.Names);
        var toolName = new Argument<string>("tool_name") { Description = "Name of the new tool (also its file name)" };
        var set = new Option<string[]>("--set")
        {
            Description = "Fill a placeholder (description, platform, category, version, author, ...) or set a field by path (status, metadata.tags): key=value; repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string>("--out") { Description = "Catalog folder; the file goes to <out>/<platform>/<tool_name>.yaml", DefaultValueFactory = _ => "catalog" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        var stdout = new Option<bool>("--stdout") { Description = "Print the YAML instead of writing a file" };
        var command = new Command("from-template", "Create a tool file from a template, validated before it is written")
        {
            template,
            toolName,
            set,
            output,
            force,
            stdout,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, parse.GetValue(template)!, parse.GetValue(toolName)!,
            parse.GetValue(set) ?? [], parse.GetValue(output)!, parse.GetValue(force), parse.GetValue(stdout), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string templateName, string toolName, string[] settings, string output, bool force,
        bool stdout, CancellationToken cancellationToken)
    {
        var template = TemplateRenderer.Get(templateName);
        var today = DateOnly.FromDateTime(context.Time.GetUtcNow().UtcDateTime);
        var rendered = TemplateRenderer.Render(template, toolName, TemplateRenderer.ParseSettings(settings), today);

        var parsed = CatalogDirectory.ParseFile(rendered.Yaml, rendered.RelativePath);
        foreach (var problem in parsed.Problems)
        {
            await context.Error.WriteLineAsync(problem.ToString());
        }
        if (!parsed.IsValid)
        {
            await context.Error.WriteLineAsync($"error: the filled-in template is not valid ({parsed.Errors.Count()} error(s)); nothing was written");
            return ExitCodes.ValidationErrors;
        }
        if (stdout)
        {
            await context.Out.WriteAsync(rendered.Yaml);
            return ExitCodes.Ok;
        }
        var path = Path.Combine(output, rendered.Platform, rendered.ToolName + ".yaml");
        if (File.Exists(path) && !force)
        {
            await context.Error.WriteLineAsync($"error: {path} already exists; pass --force to overwrite it");
            return ExitCodes.Usage;
        }
        await AtomicFile.WriteAsync(path, rendered.Yaml, cancellationToken);
        var tool = parsed.Tool!;
        context.Console.MarkupLine($"Created [green]{Markup.Escape(path)}[/] from [blue]{template.Name}[/]: {Markup.Escape(tool.Name)} {Markup.Escape(tool.Version)}, " +
            $"{tool.Capabilities.Count} capabilities, {tool.Capabilities.Sum(c => c.Patterns.Count)} patterns");
        return ExitCodes.Ok;
    }
}
