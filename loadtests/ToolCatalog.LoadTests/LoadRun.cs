using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using ToolCatalog.LoadTests.Http;

namespace ToolCatalog.LoadTests;


/// <summary>
/// The scenario runner. Closed model: <c>Users</c> virtual users loop (optional think time); latency is send to response.
/// Open model: requests are due every 1/<c>Rate</c> s on a fixed schedule whatever the server does; latency counts from
/// the due time, so a slow server's queueing shows in the numbers instead of being hidden (coordinated omission).
/// Requests due (or started) during warm-up run but are not recorded.
/// </summary>
public static partial class LoadRun
{
    public static async Task<LoadResult> RunAsync(LoadOptions options, IAnsiConsole console, CancellationToken cancellationToken, string? command = null)
    {
        options = options.Effective();
        Validate(options);
        var startedAt = DateTimeOffset.Now;

        using var http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxConnectionsPerServer = int.MaxValue,
            UseCookies = false,
        })
        { Timeout = options.RequestTimeout };

        var names = await Mix.FetchToolNamesAsync(http, options.BaseUrls[0], cancellationToken);
        var seedRandom = options.Seed is { } seed ? new Random(seed) : new Random();
        using var lean = new LeanHttpClient(options.BaseUrls, options.RequestTimeout);
        var context = new ScenarioContext(http, lean, options.BaseUrls, names, Random.Shared);

        WriteTracker? tracker = null;
        var scenarios = new List<Scenario>();
        switch (options.Suite)
        {
            case LoadTests.Suite.WriteMix:
                tracker = new WriteTracker("loadtest_writemix_" + Guid.NewGuid().ToString("N")[..8], options.Writers, options.ApiKey!, options.InvalidationLag);
                await tracker.CreateAsync(http, options.BaseUrls[0], cancellationToken);
                scenarios.AddRange(Mix.WriteMix(tracker));
                break;
            case LoadTests.Suite.Reload:
                scenarios.AddRange(Mix.Reads());
                scenarios.Add(Mix.ReloadScenario(options.ApiKey!));
                break;
            case LoadTests.Suite.Select:
                scenarios.Add(Mix.SelectScenario());
                break;
            case LoadTests.Suite.Search:
                scenarios.Add(Mix.SearchScenario());
                break;
            default:
                scenarios.AddRange(Mix.Reads());
                break;
        }
        var picker = new WeightedPicker(scenarios);
        var paced = scenarios.SingleOrDefault(s => s.Paced);
        using var pacer = paced is null ? null : new Pacer(paced.Weight / picker.TotalWeight);
        var recorders = scenarios.ToDictionary(s => s.Name, _ => new LatencyRecorder(), StringComparer.Ordinal);
        var overall = new LatencyRecorder();
        var measuredSeconds = (int)Math.Ceiling(options.Duration.TotalSeconds);
        var timeline = new Timeline(measuredSeconds);
        var dispatchDelay = new LatencyRecorder();

        console.MarkupLine(CultureInfo.InvariantCulture, "[bold]ToolCatalog load run[/]: suite [blue]{0}[/], {1}, warm-up {2}, duration {3}, {4} real tools, against {5}",
            SuiteName(options.Suite), Markup.Escape(options.ModelDescription), DurationText.Format(options.Warmup), DurationText.Format(options.Duration),
            names.Count, Markup.Escape(string.Join(", ", options.BaseUrls)));

        // The generator's own CPU per request: on a shared machine it is taken from the server under test.
        var cpuAtStart = Environment.CpuUsage.TotalTime;
        var t0 = Clock.Now;
        var measureStart = Clock.Add(t0, options.Warmup);
        var end = Clock.Add(measureStart, options.Duration);
        var state = new RunState(measureStart, end);
        if (tracker is not null)
        {
            tracker.JudgeFrom = measureStart;
        }

        void Record(Scenario scenario, long startOrDue, bool ok)
        {
            var finished = Clock.Now;
            state.Completed(ok);
            if (!scenario.Background && !scenario.Paced)
            {
                pacer?.PickedCompleted();
            }
            if (startOrDue < measureStart)
            {
                return; // warm-up
            }
            var latency = Clock.Between(startOrDue, finished);
            recorders[scenario.Name].Record(latency, ok);
            if (!scenario.Background)
            {
                overall.Record(latency, ok);
                timeline.Record(Clock.Between(measureStart, finished), latency, ok);
            }
        }

        try
        {
            using var side = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = options.ApiPid is { } pid ? new ResourceSampler(pid) : null;
            var samplerTask = sampler?.RunAsync(measureStart, side.Token) ?? Task.CompletedTask;
            var reloadTask = scenarios.FirstOrDefault(s => s.Background) is { } reload
                ? ReloadLoopAsync(reload, context, options.ReloadEvery, end, Record, cancellationToken)
                : Task.CompletedTask;
            var progressTask = ProgressAsync(console, state, scenarios.Where(s => !s.Background).ToList(), recorders, overall, side.Token);
            using var stopPaced = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var pacedTask = paced is null || pacer is null ? Task.CompletedTask
                : Task.WhenAll(Enumerable.Range(0, options.Writers).Select(_ => PacedLoopAsync(paced, context, pacer, state, Record, stopPaced.Token, cancellationToken)));

            try
            {
                if (options.Rate is { } rate)
                {
                    await OpenModelAsync(picker, context, seedRandom, rate, options.MaxInFlight, t0, end, state, Record, dispatchDelay, cancellationToken);
                }
                else
                {
                    await ClosedModelAsync(picker, context, options, end, state, Record, cancellationToken);
                }
                await stopPaced.CancelAsync();
                await Task.WhenAll(pacedTask, reloadTask);
            }
            finally
            {
                await side.CancelAsync();
                await Task.WhenAll(samplerTask, progressTask);
            }
            cancellationToken.ThrowIfCancellationRequested();
            var generator = new GeneratorReport(
                state.CompletedTotal == 0 ? 0 : (Environment.CpuUsage.TotalTime - cpuAtStart).TotalMicroseconds / state.CompletedTotal,
                lean.ConnectionsOpened, lean.ConnectionsBroken);

            var seconds = options.Duration.TotalSeconds;
            ScenarioReport Report(string name, Scenario? s, LatencyRecorder r)
            {
                var count = r.Count;
                return new ScenarioReport(name, s?.Weight ?? 100, s?.Background ?? false, count, r.Errors, count / seconds,
                    count == 0 ? 0 : (double)r.Errors / count, r.Summary());
            }

            var resources = sampler?.Samples.Where(s => s.Second >= 0).ToList() ?? [];
            var resourceNote = sampler is null ? "no --api-pid given: the API process was not sampled" : sampler.Note;
            var trend = ResourceSampler.Trend(resources);
            var consistency = tracker is null ? null
                : new ConsistencyReport(tracker.ToolNames, tracker.Writes, pacer?.Issued ?? 0, pacer?.Behind ?? 0, tracker.Checks, tracker.Violations,
                    options.InvalidationLag.TotalMilliseconds, tracker.Examples);
            var thresholds = Thresholds.Evaluate(
                new ThresholdInput(overall.Summary(), overall.Count, overall.Errors, resources, resourceNote, trend, options.Soak, consistency?.Violations),
                options.Limits);
            var passed = Thresholds.AllPassed(thresholds);

            var report = new RunReport(
                startedAt,
                Machine(),
                command ?? "LoadRun.RunAsync",
                SuiteName(options.Suite),
                options.ModelDescription,
                options.BaseUrls.Select(u => u.ToString()).ToList(),
                options.Warmup.TotalSeconds,
                seconds,
                options.Smoke,
                options.Enforce || !options.Smoke,
                names.Count,
                Report("overall", null, overall),
                scenarios.Select(s => Report(s.Name, s, recorders[s.Name])).ToList(),
                timeline.Samples(measuredSeconds),
                overall.PercentileCurve().Select(p => new PercentilePoint(p.Percentile, p.Ms)).ToList(),
                resources,
                resourceNote,
                trend,
                consistency,
                options.Rate is null ? null : dispatchDelay.Summary(),
                generator,
                thresholds,
                passed);

            var outDir = options.OutDir ?? DefaultOutDir(startedAt);
            var (json, markdown, html) = await ReportWriter.WriteAllAsync(report, outDir, cancellationToken);
            PrintSummary(console, report, outDir);
            var exitCode = passed || !report.Enforced ? 0 : 1;
            return new LoadResult(report, exitCode, outDir, json, markdown, html);
        }
        finally
        {
            // Last, after the reports (or a cancelled run): a clean-up that fails must not cost the measurements.
            if (tracker is not null)
            {
                await tracker.CleanUpAsync(http, options.BaseUrls[0], CancellationToken.None);
            }
        }
    }

    private static void Validate(LoadOptions options)
    {
        if (options.BaseUrls.Count == 0)
        {
            throw new LoadSetupException("at least one --base-url is needed");
        }
        if (options.Rate is <= 0)
        {
            throw new LoadSetupException("--rate must be positive");
        }
        if (options.Rate is null && options.Users < 1)
        {
            throw new LoadSetupException("--users must be at least 1");
        }
        if (options.Duration <= TimeSpan.Zero)
        {
            throw new LoadSetupException("--duration must be positive");
        }
        if (options.Writers < 1)
        {
            throw new LoadSetupException("--writers must be at least 1");
        }
        if (options.Suite is LoadTests.Suite.WriteMix or LoadTests.Suite.Reload && string.IsNullOrEmpty(options.ApiKey))
        {
            throw new LoadSetupException($"--suite {SuiteName(options.Suite)} needs --api-key ({(options.Suite == LoadTests.Suite.Reload ? "admin" : "write")} role)");
        }
    }

    public static string SuiteName(Suite suite) => suite switch
    {
        LoadTests.Suite.WriteMix => "write-mix",
        LoadTests.Suite.Reload => "reload",
        LoadTests.Suite.Select => "select",
        LoadTests.Suite.Search => "search",
        _ => "read",
    };

    private static string Machine() => string.Create(CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {new ResourceSampler(Environment.ProcessId).MachineMemoryMb / 1024:0.#} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");

    private static string DefaultOutDir(DateTimeOffset startedAt)
    {
        var dir = new DirectoryInfo(Environment.CurrentDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ToolCatalog.sln")))
        {
            dir = dir.Parent;
        }
        var root = dir?.FullName ?? Environment.CurrentDirectory;
        return Path.Combine(root, "loadtests", "reports", startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
    }
}
