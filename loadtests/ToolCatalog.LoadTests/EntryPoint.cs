using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Spectre.Console;

namespace ToolCatalog.LoadTests;

/// <summary>Command line: maps options onto <see cref="LoadOptions"/> and runs <see cref="LoadRun.RunAsync"/>.</summary>
public static class EntryPoint
{
    public static async Task<int> Main(string[] args)
    {
        var root = BuildCommand();
        return await root.Parse(args).InvokeAsync();
    }

    private static Option<TimeSpan> Duration(string name, string description, TimeSpan fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result => DurationText.TryParse(result.Tokens.SingleOrDefault()?.Value, out var v)
            ? v
            : Fail<TimeSpan>(result, $"{name}: expected a duration like 500ms, 5s, 2m"),
    };

    private static T Fail<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    public static RootCommand BuildCommand()
    {
        var baseUrl = new Option<string[]>("--base-url") { Description = "API base URL; repeat for replicas (write-mix reads across them)", Required = true, AllowMultipleArgumentsPerToken = false };
        var suite = new Option<string>("--suite") { Description = "read | write-mix | reload | select | search", DefaultValueFactory = _ => "read" };
        suite.AcceptOnlyFromAmong("read", "write-mix", "reload", "select", "search");
        var users = new Option<int>("--users") { Description = "closed model: concurrent virtual users looping", DefaultValueFactory = _ => 10 };
        var rate = new Option<double?>("--rate") { Description = "open model: requests per second on a fixed schedule (latency from due time)" };
        var think = Duration("--think-time", "closed model: pause between a user's requests", TimeSpan.Zero);
        var warmup = Duration("--warmup", "warm-up, excluded from results", TimeSpan.FromSeconds(5));
        var duration = Duration("--duration", "measured duration", TimeSpan.FromSeconds(60));
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "open model: concurrency cap (waiting beyond it is counted)", DefaultValueFactory = _ => 2000 };
        var apiKey = new Option<string?>("--api-key") { Description = "API key (write role for write-mix, admin for reload); or env TOOLCATALOG_API_KEY" };
        var writers = new Option<int>("--writers") { Description = "write-mix: writer loops, each PUTting versions of its own load-test tool", DefaultValueFactory = _ => 4 };
        var lag = Duration("--invalidation-lag", "write-mix: reads this long after an acknowledged PUT must see it", TimeSpan.FromMilliseconds(50));
        var reloadEvery = Duration("--reload-every", "reload suite: POST /api/v1/reload interval", TimeSpan.FromSeconds(5));
        var apiPid = new Option<int?>("--api-pid") { Description = "pid of the API process to sample CPU and memory from /proc every second" };
        var soak = new Option<bool>("--soak") { Description = "judge memory growth: working-set slope must stay below --max-slope" };
        var smoke = new Option<bool>("--smoke") { Description = "3 s, no warm-up, 5 users; thresholds printed but not enforced (unless --enforce)" };
        var enforce = new Option<bool>("--enforce") { Description = "with --smoke: broken thresholds fail the exit code" };
        var outDir = new Option<string?>("--out") { Description = "report folder (default loadtests/reports/<timestamp>/)" };
        var seed = new Option<int?>("--seed") { Description = "seed for scenario picks and data choices" };
        var timeout = Duration("--timeout", "per-request timeout (counted as an error)", TimeSpan.FromSeconds(10));
        var p95 = new Option<double>("--p95-ms") { Description = "threshold: P95 below this (ms)", DefaultValueFactory = _ => 50 };
        var errorRate = new Option<double>("--max-error-rate") { Description = "threshold: error rate below this fraction", DefaultValueFactory = _ => 0.01 };
        var tail = new Option<double>("--max-tail-ratio") { Description = "threshold: P99/P95 below this", DefaultValueFactory = _ => 2.0 };
        var cpu = new Option<double>("--max-cpu") { Description = "threshold: API CPU below this fraction of the machine", DefaultValueFactory = _ => 0.8 };
        var memory = new Option<double>("--max-memory") { Description = "threshold: API memory below this fraction of the machine", DefaultValueFactory = _ => 0.8 };
        var slope = new Option<double>("--max-slope") { Description = "threshold (--soak): working-set growth below this, MB/min", DefaultValueFactory = _ => 1.0 };

        var root = new RootCommand("ToolCatalog load runner: weighted scenarios, closed (--users) or open (--rate) model, thresholds set the exit code.")
        {
            baseUrl, suite, users, rate, think, warmup, duration, maxInFlight, apiKey, writers, lag, reloadEvery, apiPid, soak, smoke, enforce, outDir, seed,
            timeout, p95, errorRate, tail, cpu, memory, slope,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var urls = new List<Uri>();
            foreach (var text in parse.GetValue(baseUrl) ?? [])
            {
                if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri))
                {
                    await Console.Error.WriteLineAsync($"--base-url: '{text}' is not an absolute URL");
                    return 2;
                }
                urls.Add(uri);
            }
            var options = new LoadOptions
            {
                BaseUrls = urls,
                Suite = parse.GetValue(suite) switch { "write-mix" => Suite.WriteMix, "reload" => Suite.Reload, "select" => Suite.Select, "search" => Suite.Search, _ => Suite.Read },
                Users = parse.GetValue(users),
                Rate = parse.GetValue(rate),
                ThinkTime = parse.GetValue(think),
                Warmup = parse.GetValue(warmup),
                Duration = parse.GetValue(duration),
                MaxInFlight = parse.GetValue(maxInFlight),
                ApiKey = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("TOOLCATALOG_API_KEY"),
                Writers = parse.GetValue(writers),
                InvalidationLag = parse.GetValue(lag),
                ReloadEvery = parse.GetValue(reloadEvery),
                ApiPid = parse.GetValue(apiPid),
                Soak = parse.GetValue(soak),
                Smoke = parse.GetValue(smoke),
                Enforce = parse.GetValue(enforce),
                OutDir = parse.GetValue(outDir),
                Seed = parse.GetValue(seed),
                RequestTimeout = parse.GetValue(timeout),
                Limits = new ThresholdLimits
                {
                    P95Ms = parse.GetValue(p95),
                    MaxErrorRate = parse.GetValue(errorRate),
                    MaxTailRatio = parse.GetValue(tail),
                    MaxCpuFraction = parse.GetValue(cpu),
                    MaxMemoryFraction = parse.GetValue(memory),
                    MaxSlopeMbPerMin = parse.GetValue(slope),
                },
            };
            var command = "ToolCatalog.LoadTests " + string.Join(' ', parse.Tokens.Select(t => t.Value).Select(v => v == options.ApiKey ? "***" : v));
            try
            {
                var result = await LoadRun.RunAsync(options, AnsiConsole.Console, cancellationToken, command);
                return result.ExitCode;
            }
            catch (LoadSetupException e)
            {
                AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[red]setup failed:[/] {0}", Markup.Escape(e.Message));
                return 2;
            }
            catch (HttpRequestException e)
            {
                AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[red]cannot reach the API:[/] {0}", Markup.Escape(e.Message));
                return 2;
            }
        });
        return root;
    }
}
