using System.CommandLine;

namespace ToolCatalog.Generator.Cli;

/// <summary><c>diff &lt;dir&gt; --api URL</c>: what an import of the folder would change (the import route with dryRun=true).</summary>
internal static class DiffCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("dir") { Description = "Catalog folder (<platform>/<tool_name>.yaml)" };
        var api = CommonOptions.Api(required: true);
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("diff", "Show what importing the folder would add or change, without storing anything; exit 1 when a file is invalid")
        {
            folder,
            api,
            apiKey,
        };
        command.SetAction((parse, cancellationToken) =>
            ImportCommand.RunAsync(context, parse.GetValue(folder)!, parse.GetValue(api)!, parse.GetValue(apiKey), dryRun: true, changesOnly: true, upgrade: false, cancellationToken));
        return command;
    }
}
