using System.CommandLine;
using ToolCatalog.Generator.Worker;

namespace ToolCatalog.Generator.Cli;

/// <summary><c>worker</c>: the long-running catalog sync the AppHost starts.</summary>
internal static class WorkerCommand
{
    public const string Name = "worker";

    public static Command Create()
    {
        var command = new Command(Name,
            "Run the catalog worker: import the catalog folder through the API, then watch it and import changes. " +
            "Settings: Worker:CatalogPath (required), Worker:ApiUrl (default http://api), Worker:DeleteMissing, " +
            "Worker:DebounceMilliseconds, Worker:RescanInterval, TOOLCATALOG_API_KEY; as configuration or --Worker:Key=value arguments.")
        {
            // Host configuration arguments (--Worker:CatalogPath=...) pass through to the host builder.
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await WorkerHost.RunAsync([.. parse.UnmatchedTokens], cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
