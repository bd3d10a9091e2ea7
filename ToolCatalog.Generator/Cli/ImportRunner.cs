using Spectre.Console;
using ToolCatalog.Generator.Api;

namespace ToolCatalog.Generator.Cli;

/// <summary>Sends a catalog folder through the import route (for import and diff) and shows what happened.</summary>
internal static class ImportRunner
{
    public static async Task<ImportReport> SendFolderAsync(CliContext context, CatalogApiClient api, string folder, bool dryRun,
        bool upgrade, CancellationToken cancellationToken)
    {
        var paths = CatalogFiles.Enumerate(folder).ToList();
        ImportReport? report = null;
        await context.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var reading = progress.AddTask($"Reading {paths.Count} file(s)", maxValue: Math.Max(paths.Count, 1));
                var files = new List<(string, byte[])>(paths.Count);
                foreach (var path in paths)
                {
                    files.Add((CatalogZip.ToEntryName(Path.GetRelativePath(folder, path)), await File.ReadAllBytesAsync(path, cancellationToken)));
                    reading.Increment(1);
                }
                reading.Value = reading.MaxValue;

                var sending = progress.AddTask(dryRun ? "Asking the API what would change (dry run)" : "Importing through the API").IsIndeterminate();
                report = await api.ImportZipAsync(CatalogZip.Create(files), dryRun, fromWorker: false, upgrade, cancellationToken);
                sending.IsIndeterminate(false);
                sending.Value = sending.MaxValue;
            });
        return report!;
    }

    /// <summary>A table of the files (only the changed and invalid ones when <paramref name="changesOnly"/>), totals, and the problems.</summary>
    public static void WriteSummary(IAnsiConsole console, ImportReport report, bool changesOnly, bool showWarnings = false)
    {
        var rows = report.Files.Where(f => !changesOnly || f.Outcome != ImportOutcomes.Unchanged).ToList();
        if (rows.Count > 0)
        {
            var table = new Table().RoundedBorder().AddColumns("File", "Tool", "Version", changesOnly ? "Would be" : "Outcome");
            foreach (var file in rows)
            {
                table.AddRow(Markup.Escape(file.File), Markup.Escape(file.Tool ?? "-"), Markup.Escape(file.Version ?? "-"), Outcome(file.Outcome));
            }
            console.Write(table);
        }
        var verb = report.DryRun ? "would be " : "";
        console.MarkupLine($"[green]{report.Added}[/] {verb}added, [blue]{report.NewVersions}[/] {verb}new version(s), " +
            $"[grey]{report.Unchanged}[/] unchanged, [red]{report.Invalid}[/] invalid" + (report.DryRun ? " (dry run: nothing stored)" : $" (revision {report.Revision})"));
        // With --upgrade every change the upgrade made is a warning of its file: the record of what was rewritten.
        foreach (var file in report.Files.Where(f => showWarnings && !f.IsInvalid && f.Problems.Count > 0))
        {
            console.MarkupLine($"[yellow]upgraded:[/] {Markup.Escape(file.File)}");
            foreach (var problem in file.Problems)
            {
                console.WriteLine("  " + problem);
            }
        }
        foreach (var file in report.Files.Where(f => f.IsInvalid))
        {
            console.MarkupLine($"[red]invalid:[/] {Markup.Escape(file.File)}");
            foreach (var problem in file.Problems)
            {
                console.WriteLine("  " + problem);
            }
        }
    }

    private static string Outcome(string outcome) => outcome switch
    {
        ImportOutcomes.Added => "[green]added[/]",
        ImportOutcomes.NewVersion => "[blue]new version[/]",
        ImportOutcomes.Unchanged => "[grey]unchanged[/]",
        ImportOutcomes.Invalid => "[red]invalid[/]",
        _ => Markup.Escape(outcome),
    };
}
