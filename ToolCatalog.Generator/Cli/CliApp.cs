using System.CommandLine;
using Spectre.Console;
using ToolCatalog.Generator.Api;
using ToolCatalog.Generator.Templates;
using ToolCatalog.Generator.Wizard;

namespace ToolCatalog.Generator.Cli;

/// <summary>The command tree and the mapping from failures to exit codes.</summary>
public static class CliApp
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("ToolCatalog generator: write tool definitions, validate the catalog folder and keep it in step with the API.")
        {
            NewCommand.Create(context),
            TemplateCommands.CreateList(context),
            TemplateCommands.CreateFromTemplate(context),
            ValidateCommand.Create(context),
            UpgradeCommand.Create(context),
            ImportCommand.Create(context),
            ExportCommand.Create(context),
            DiffCommand.Create(context),
            SelectCommand.Create(context),
            WorkerCommand.Create(),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var root = Build(context);
        var parse = root.Parse(args);
        // --help and --version clear parse errors; anything else with errors is a usage error (exit 2), not System.CommandLine's 1.
        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            return await UsageErrorAsync(root, parse, context);
        }

        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };
        if (parse.CommandResult.Command.Name == WorkerCommand.Name)
        {
            // The worker's host handles SIGTERM/Ctrl+C itself and drains in-flight work; no second handler with its own timeout.
            configuration.ProcessTerminationTimeout = null;
        }
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception ex) when (ex is ApiUnreachableException or ApiErrorException or TemplateUsageException or WizardAnswerException
                                       or OperationCanceledException)
        {
            return await FailureAsync(ex, context);
        }
    }

    private static async Task<int> UsageErrorAsync(RootCommand root, ParseResult parse, CliContext context)
    {
        foreach (var error in parse.Errors)
        {
            await context.Error.WriteLineAsync($"error: {error.Message}");
        }
        var command = parse.CommandResult.Command == root ? "" : " " + parse.CommandResult.Command.Name;
        await context.Error.WriteLineAsync($"Run '{root.Name}{command} --help' for usage.");
        return ExitCodes.Usage;
    }

    /// <summary>Says what went wrong in one line (and what to do, where there is something) and picks the exit code.</summary>
    private static async Task<int> FailureAsync(Exception failure, CliContext context)
    {
        if (failure is OperationCanceledException)
        {
            // The prompt line is still open on the console: end it before the message.
            context.Console.WriteLine();
            await context.Error.WriteLineAsync("cancelled: nothing was written.");
            return ExitCodes.Cancelled;
        }
        await context.Error.WriteLineAsync($"error: {failure.Message}");
        switch (failure)
        {
            case ApiErrorException { IsAuthProblem: true }:
                await context.Error.WriteLineAsync($"Pass a key with the write role: --api-key or {CliContext.ApiKeyVariable}.");
                return ExitCodes.Usage;
            case ApiErrorException api:
                return api.IsServerProblem ? ExitCodes.ApiUnreachable : ExitCodes.ValidationErrors;
            case ApiUnreachableException:
                return ExitCodes.ApiUnreachable;
            case TemplateUsageException:
                return ExitCodes.Usage;
            default: // WizardAnswerException
                return ExitCodes.ValidationErrors;
        }
    }
}
