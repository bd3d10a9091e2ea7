using System.CommandLine;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Generator.Cli;

/// <summary><c>export --api URL --out DIR [--format yaml|json]</c>: the catalog back to files in the folder layout.</summary>
internal static class ExportCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliContext context)
    {
        var api = CommonOptions.Api(required: true);
        var apiKey = CommonOptions.ApiKey();
        var output = new Option<string>("--out") { Description = "Folder to write <platform>/<tool_name>.yaml (or .json) into", Required = true };
        var format = CommonOptions.Format("File format: yaml (as stored, with the schema hint) or json", "yaml", "json");
        var command = new Command("export", "Write the API's current catalog to files in the catalog folder layout") { api, apiKey, output, format };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(context, parse.GetValue(api)!, parse.GetValue(apiKey), parse.GetValue(output)!, parse.GetValue(format)!, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string apiUrl, string? apiKey, string output, string format, CancellationToken cancellationToken)
    {
        var client = context.CreateApiClient(apiUrl, apiKey);
        var body = await context.Console.Status().StartAsync("Downloading the catalog", _ => client.ExportAsync(format, cancellationToken));
        var files = format == "json" ? FromJsonArray(body) : await FromZipAsync(body, cancellationToken);
        var written = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (relative, text) in files)
        {
            await AtomicFile.WriteAsync(Path.Combine(output, relative), text, cancellationToken);
            var platform = relative.Split('/')[0];
            written[platform] = written.GetValueOrDefault(platform) + 1;
        }
        var table = new Table().RoundedBorder().AddColumns("Platform", "Files");
        foreach (var (platform, count) in written.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(platform), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        context.Console.Write(table);
        context.Console.MarkupLine($"Exported [green]{files.Count}[/] tool(s) to [blue]{Markup.Escape(output)}[/]");
        return ExitCodes.Ok;
    }

    private static async Task<List<(string RelativePath, string Text)>> FromZipAsync(byte[] zipBytes, CancellationToken cancellationToken)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        var files = new List<(string, string)>();
        foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
        {
            await using var stream = await entry.OpenAsync(cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            files.Add((SafeRelativePath(entry.FullName), await reader.ReadToEndAsync(cancellationToken)));
        }
        return files;
    }

    private static List<(string RelativePath, string Text)> FromJsonArray(byte[] json)
    {
        var files = new List<(string, string)>();
        foreach (var node in JsonNode.Parse(json)?.AsArray() ?? [])
        {
            var name = node?["tool_name"]?.GetValue<string>() ?? throw new InvalidDataException("an exported document has no tool_name");
            var platform = node["platform"]?.GetValue<string>() ?? "custom";
            files.Add((SafeRelativePath($"{platform}/{name}.json"), node.ToJsonString(Indented) + "\n"));
        }
        return files;
    }

    /// <summary>Entry names come from the server; never let one climb out of the output folder.</summary>
    private static string SafeRelativePath(string name)
    {
        var segments = name.Replace('\\', '/').Split('/');
        if (segments.Length != 2 || segments.Any(s => s.Length == 0 || s is "." or ".." || s.Contains(':'))
            || !CatalogRules.Platforms.Contains(segments[0]) && !CatalogRules.ToolName().IsMatch(segments[0]))
        {
            throw new InvalidDataException($"unexpected file name in the export: '{name}'");
        }
        return string.Join('/', segments);
    }
}
