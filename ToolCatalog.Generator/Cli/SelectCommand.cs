using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ToolCatalog.Generator.Cli;

/// <summary>
/// <c>select --api URL</c>: asks the catalog which tool and pattern fits (POST /api/v1/select). The request comes from
/// <c>--file</c> (JSON, as the API takes it) and/or flags; flags override the file. Prints a table, or the JSON.
/// </summary>
internal static class SelectCommand
{
    public static Command Create(CliContext context)
    {
        var api = CommonOptions.Api(required: true);
        var apiKey = CommonOptions.ApiKey();
        var file = new Option<FileInfo?>("--file") { Description = "A select request as JSON (the body POST /api/v1/select takes)" };
        var capabilities = new Option<string[]>("--capability") { Description = "A capability the tool must offer; repeat for several", AllowMultipleArgumentsPerToken = false };
        var query = new Option<string?>("--query") { Description = "Free text; its words choose the mode when --mode is not given" };
        var mode = new Option<string?>("--mode") { Description = "fast | accurate | thorough | cheap | simple | balanced" };
        var variables = new Option<string[]>("--var") { Description = "A variable for the estimates, NAME=NUMBER; repeat for several" };
        var environment = new Option<string?>("--environment") { Description = "production | staging | development" };
        var platform = new Option<string?>("--platform") { Description = "Only tools of this platform (multi-platform tools always qualify)" };
        var maxCost = new Option<double?>("--max-cost") { Description = "Exclude patterns estimated above this cost" };
        var maxTime = new Option<double?>("--max-time-ms") { Description = "Exclude patterns estimated above this many milliseconds" };
        var safe = new Option<bool>("--require-production-safe") { Description = "In production, exclude patterns not marked production_safe" };
        var topK = new Option<int?>("--top-k") { Description = "How many candidates to return (1-50, default 5)" };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON response instead of a table" };
        var command = new Command("select", "Ask the catalog which tool and pattern fits a request, how it must run, and why; exit 1 when the request is invalid")
        {
            api, apiKey, file, capabilities, query, mode, variables, environment, platform, maxCost, maxTime, safe, topK, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = parse.GetValue(file) is { } f ? await ReadFileAsync(context, f, cancellationToken) : new JsonObject();
            if (request is null)
            {
                return ExitCodes.Usage;
            }
            Set(request, "capabilities", parse.GetValue(capabilities) is { Length: > 0 } names ? new JsonArray([.. names.Select(n => JsonValue.Create(n))]) : null);
            Set(request, "query", parse.GetValue(query));
            Set(request, "mode", parse.GetValue(mode));
            Set(request, "environment", parse.GetValue(environment));
            Set(request, "platform", parse.GetValue(platform));
            Set(request, "top_k", parse.GetValue(topK));
            if (!await AddVariablesAsync(context, request, parse.GetValue(variables) ?? []))
            {
                return ExitCodes.Usage;
            }
            AddConstraints(request, parse.GetValue(maxCost), parse.GetValue(maxTime), parse.GetValue(safe));

            var client = context.CreateApiClient(parse.GetValue(api)!, parse.GetValue(apiKey));
            var decision = await client.SelectAsync(request, cancellationToken);
            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(decision.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                SelectionTable.Write(context.Console, decision);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<JsonObject?> ReadFileAsync(CliContext context, FileInfo file, CancellationToken cancellationToken)
    {
        try
        {
            if (JsonNode.Parse(await File.ReadAllTextAsync(file.FullName, cancellationToken)) is JsonObject request)
            {
                return request;
            }
            await context.Error.WriteLineAsync($"error: {file.Name}: a select request is a JSON object");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            await context.Error.WriteLineAsync($"error: {file.Name}: {ex.Message}");
        }
        return null;
    }

    private static void Set(JsonObject request, string key, JsonNode? value)
    {
        if (value is not null)
        {
            request[key] = value;
        }
    }

    private static void Set<T>(JsonObject request, string key, T? value) where T : struct => Set(request, key, value is { } v ? JsonValue.Create(v) : null);

    private static void Set(JsonObject request, string key, string? value) => Set(request, key, value is null ? null : JsonValue.Create(value));

    private static async Task<bool> AddVariablesAsync(CliContext context, JsonObject request, string[] assignments)
    {
        foreach (var assignment in assignments)
        {
            var parts = assignment.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                await context.Error.WriteLineAsync($"error: --var '{assignment}': expected NAME=NUMBER, e.g. N=20");
                return false;
            }
            if (request["variables"] is not JsonObject map)
            {
                request["variables"] = map = [];
            }
            map[parts[0]] = value;
        }
        return true;
    }

    private static void AddConstraints(JsonObject request, double? maxCost, double? maxTime, bool requireSafe)
    {
        if (maxCost is null && maxTime is null && !requireSafe)
        {
            return;
        }
        if (request["constraints"] is not JsonObject constraints)
        {
            request["constraints"] = constraints = [];
        }
        Set(constraints, "max_cost", maxCost);
        Set(constraints, "max_time_ms", maxTime);
        if (requireSafe)
        {
            constraints["require_production_safe"] = true;
        }
    }
}

/// <summary>A decision as people read it: the mode, the ranked candidates, near-ties, exclusions and hints.</summary>
internal static class SelectionTable
{
    public static void Write(IAnsiConsole console, JsonNode decision)
    {
        var mode = decision["mode"]!;
        console.MarkupLine(CultureInfo.InvariantCulture, "mode [bold]{0}[/] ({1}, confidence {2}) at catalog revision {3}",
            Markup.Escape(Text(mode["name"])), Markup.Escape(Text(mode["source"])), Text(mode["confidence"]), Text(decision["revision"]));
        var table = new Table().AddColumns("#", "tool", "capability / pattern", "score", "time ms", "cost", "runs", "sla");
        foreach (var c in decision["candidates"]?.AsArray() ?? [])
        {
            table.AddRow(Text(c!["rank"]), Markup.Escape(Text(c["tool"])), Markup.Escape($"{Text(c["capability"])} / {Text(c["pattern"])}"),
                Text(c["score"]), Text(c["estimates"]?["time_ms"]), Text(c["estimates"]?["cost"]), Text(c["execution_mode"]), Text(c["sla_class"]));
        }
        console.Write(table);
        if (decision["ambiguous"]?.GetValue<bool>() == true)
        {
            console.MarkupLine("[yellow]near-tie:[/] {0}", Markup.Escape(Text(decision["clarifying_question"])));
        }
        foreach (var e in decision["excluded"]?.AsArray() ?? [])
        {
            var reasons = string.Join("; ", e!["reasons"]!.AsArray().Select(Text));
            console.MarkupLine("excluded {0} / {1}: {2}", Markup.Escape(Text(e["tool"])), Markup.Escape(Text(e["pattern"])), Markup.Escape(reasons));
        }
        if (decision["hint"] is JsonObject hint)
        {
            console.MarkupLine("[yellow]hint:[/] {0} {1}", Markup.Escape(Text(hint["message"])),
                Markup.Escape(string.Join(", ", hint["suggestions"]!.AsArray().Select(Text))));
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
