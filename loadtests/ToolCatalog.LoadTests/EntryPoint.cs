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
        var options = new CommandOptions();
        var root = new RootCommand("ToolCatalog load runner: weighted scenarios, closed (--users) or open (--rate) model, thresholds set the exit code.");
        foreach (var option in options.All)
        {
            root.Options.Add(option);
        }
        root.SetAction((parse, cancellationToken) => RunAsync(options, parse, cancellationToken));
        return root;
    }

    private static async Task<int> RunAsync(CommandOptions o, ParseResult parse, CancellationToken cancellationToken)
    {
        var urls = new List<Uri>();
        foreach (var text in parse.GetValue(o.BaseUrl) ?? [])
        {
            if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri))
            {
                await Console.Error.WriteLineAsync($"--base-url: '{text}' is not an absolute URL");
                return 2;
            }
            urls.Add(uri);
        }
        var options = o.ToLoadOptions(parse, urls);
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
    }

    /// <summary>The command line's options, in the order help lists them, and how a parse of them becomes <see cref="LoadOptions"/>.</summary>
    private sealed class CommandOptions
    {
        public Option<string[]> BaseUrl { get; } = new("--base-url") { Description = "API base URL; repeat for replicas (write-mix reads across them)", Required = true, AllowMultipleArgumentsPerToken = false };
        private readonly Option<string> _suite = new("--suite") { Description = "read | write-mix | reload | select | search", DefaultValueFactory = _ => "read" };
        private readonly Option<int> _users = new("--users") { Description = "closed model: concurrent virtual users looping", DefaultValueFactory = _ => 10 };
        private readonly Option<double?> _rate = new("--rate") { Description = "open model: requests per second on a fixed schedule (latency from due time)" };
        private readonly Option<TimeSpan> _think = Duration("--think-time", "closed model: pause between a user's requests", TimeSpan.Zero);
        private readonly Option<TimeSpan> _warmup = Duration("--warmup", "warm-up, excluded from results", TimeSpan.FromSeconds(5));
        private readonly Option<TimeSpan> _duration = Duration("--duration", "measured duration", TimeSpan.FromSeconds(60));
        private readonly Option<int> _maxInFlight = new("--max-in-flight") { Description = "open model: concurrency cap (waiting beyond it is counted)", DefaultValueFactory = _ => 2000 };
        private readonly Option<string?> _apiKey = new("--api-key") { Description = "API key (write role for write-mix, admin for reload); or env TOOLCATALOG_API_KEY" };
        private readonly Option<int> _writers = new("--writers") { Description = "write-mix: writer loops, each PUTting versions of its own load-test tool", DefaultValueFactory = _ => 4 };
        private readonly Option<TimeSpan> _lag = Duration("--invalidation-lag", "write-mix: reads this long after an acknowledged PUT must see it", TimeSpan.FromMilliseconds(50));
        private readonly Option<TimeSpan> _reloadEvery = Duration("--reload-every", "reload suite: POST /api/v1/reload interval", TimeSpan.FromSeconds(5));
        private readonly Option<int?> _apiPid = new("--api-pid") { Description = "pid of the API process to sample CPU and memory from /proc every second" };
        private readonly Option<bool> _soak = new("--soak") { Description = "judge memory growth: working-set slope must stay below --max-slope" };
        private readonly Option<bool> _smoke = new("--smoke") { Description = "3 s, no warm-up, 5 users; thresholds printed but not enforced (unless --enforce)" };
        private readonly Option<bool> _enforce = new("--enforce") { Description = "with --smoke: broken thresholds fail the exit code" };
        private readonly Option<string?> _outDir = new("--out") { Description = "report folder (default loadtests/reports/<timestamp>/)" };
        private readonly Option<int?> _seed = new("--seed") { Description = "seed for scenario picks and data choices" };
        private readonly Option<TimeSpan> _timeout = Duration("--timeout", "per-request timeout (counted as an error)", TimeSpan.FromSeconds(10));
        private readonly Option<double> _p95 = new("--p95-ms") { Description = "threshold: P95 below this (ms)", DefaultValueFactory = _ => 50 };
        private readonly Option<double> _errorRate = new("--max-error-rate") { Description = "threshold: error rate below this fraction", DefaultValueFactory = _ => 0.01 };
        private readonly Option<double> _tail = new("--max-tail-ratio") { Description = "threshold: P99/P95 below this", DefaultValueFactory = _ => 2.0 };
        private readonly Option<double> _cpu = new("--max-cpu") { Description = "threshold: API CPU below this fraction of the machine", DefaultValueFactory = _ => 0.8 };
        private readonly Option<double> _memory = new("--max-memory") { Description = "threshold: API memory below this fraction of the machine", DefaultValueFactory = _ => 0.8 };
        private readonly Option<double> _slope = new("--max-slope") { Description = "threshold (--soak): working-set growth below this, MB/min", DefaultValueFactory = _ => 1.0 };

        public CommandOptions() => _suite.AcceptOnlyFromAmong("read", "write-mix", "reload", "select", "search");

        public Option[] All =>
        [
            BaseUrl, _suite, _users, _rate, _think, _warmup, _duration, _maxInFlight, _apiKey, _writers, _lag, _reloadEvery, _apiPid, _soak, _smoke,
            _enforce, _outDir, _seed, _timeout, _p95, _errorRate, _tail, _cpu, _memory, _slope,
        ];

        public LoadOptions ToLoadOptions(ParseResult parse, List<Uri> urls) => new()
        {
            BaseUrls = urls,
            Suite = parse.GetValue(_suite) switch { "write-mix" => Suite.WriteMix, "reload" => Suite.Reload, "select" => Suite.Select, "search" => Suite.Search, _ => Suite.Read },
            Users = parse.GetValue(_users),
            Rate = parse.GetValue(_rate),
            ThinkTime = parse.GetValue(_think),
            Warmup = parse.GetValue(_warmup),
            Duration = parse.GetValue(_duration),
            MaxInFlight = parse.GetValue(_maxInFlight),
            ApiKey = parse.GetValue(_apiKey) ?? Environment.GetEnvironmentVariable("TOOLCATALOG_API_KEY"),
            Writers = parse.GetValue(_writers),
            InvalidationLag = parse.GetValue(_lag),
            ReloadEvery = parse.GetValue(_reloadEvery),
            ApiPid = parse.GetValue(_apiPid),
            Soak = parse.GetValue(_soak),
            Smoke = parse.GetValue(_smoke),
            Enforce = parse.GetValue(_enforce),
            OutDir = parse.GetValue(_outDir),
            Seed = parse.GetValue(_seed),
            RequestTimeout = parse.GetValue(_timeout),
            Limits = new ThresholdLimits
            {
                P95Ms = parse.GetValue(_p95),
                MaxErrorRate = parse.GetValue(_errorRate),
                MaxTailRatio = parse.GetValue(_tail),
                MaxCpuFraction = parse.GetValue(_cpu),
                MaxMemoryFraction = parse.GetValue(_memory),
                MaxSlopeMbPerMin = parse.GetValue(_slope),
            },
        };
    }
}
