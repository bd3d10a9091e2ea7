using System.CommandLine;

namespace ToolCatalog.Generator.Cli;

/// <summary><c>import &lt;dir&gt; --api URL [--dry-run]</c>: push a catalog folder through the import route.</summary>
internal static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("dir") { Description = "Catalog folder (<platform>/<tool_name>.yaml)" };
        var api = CommonOptions.Api(required: true);
        var apiKey = CommonOptions.ApiKey();
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would change without storing anything" };
        var upgrade = new Option<bool>("--upgrade")
        {
            Description = "Accept legacy shapes and values outside the vocabulary: the API upgrades each file, stores the canonical form and reports every change as a warning",
        };
        var command = new Command("import", "Import a catalog folder through the API (a zip of its YAML files); exit 1 when a file is invalid")
        {
            folder,
            api,
            apiKey,
            dryRun,
            upgrade,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(context, parse.GetValue(folder)!, parse.GetValue(api)!, parse.GetValue(apiKey), parse.GetValue(dryRun), changesOnly: false,
                parse.GetValue(upgrade), cancellationToken));
        return command;
    }

    /// <summary>Shared with <c>diff</c>, which is an import with dryRun=true that lists only what would change.</summary>
    public static async Task<int> RunAsync(CliContext context, string folder, string apiUrl, string? apiKey, bool dryRun, bool changesOnly,
        bool upgrade, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            await context.Error.WriteLineAsync($"error: folder '{folder}' does not exist");
            return ExitCodes.Usage;
        }
        var api = context.CreateApiClient(apiUrl, apiKey);
        var report = await ImportRunner.SendFolderAsync(context, api, folder, dryRun, upgrade, cancellationToken);
        ImportRunner.WriteSummary(context.Console, report, changesOnly, showWarnings: upgrade);
        return report.Invalid > 0 ? ExitCodes.ValidationErrors : ExitCodes.Ok;
    }
}
