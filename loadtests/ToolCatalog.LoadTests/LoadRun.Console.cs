using System.Globalization;
using Spectre.Console;

namespace ToolCatalog.LoadTests;

/// <summary>What the runner shows while it runs (live table or periodic lines) and the summary at the end.</summary>
public static partial class LoadRun
{
    private static async Task ProgressAsync(IAnsiConsole console, RunState state, IReadOnlyList<Scenario> scenarios,
        IReadOnlyDictionary<string, LatencyRecorder> recorders, LatencyRecorder overall, CancellationToken cancellationToken)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumns("scenario", "requests", "errors", "p50 ms", "p95 ms", "p99 ms");
        var lastCompleted = 0L;
        var lastAt = Clock.Now;
        var rps = 0.0;

        void Fill()
        {
            var now = Clock.Now;
            var completed = state.CompletedTotal;
            var dt = Clock.Between(lastAt, now).TotalSeconds;
            if (dt >= 0.25)
            {
                rps = (completed - lastCompleted) / dt;
                lastCompleted = completed;
                lastAt = now;
            }
            var phase = now < state.MeasureStart
                ? $"warm-up, {Math.Max(0, Clock.Between(now, state.MeasureStart).TotalSeconds):0}s left"
                : now < state.End ? $"measuring, {Clock.Between(now, state.End).TotalSeconds:0}s left" : "draining";
            table.Title = new TableTitle(string.Create(CultureInfo.InvariantCulture,
                $"{phase} | {rps:0} req/s | in flight {state.InFlight} | done {completed} | errors {state.ErrorsTotal}"));
            table.Rows.Clear();
            foreach (var s in scenarios)
            {
                AddRow(s.Name, recorders[s.Name]);
            }
            AddRow("overall (measured)", overall);
        }

        void AddRow(string name, LatencyRecorder r)
        {
            var l = r.Summary();
            table.AddRow(Markup.Escape(name), r.Count.ToString(CultureInfo.InvariantCulture), r.Errors.ToString(CultureInfo.InvariantCulture),
                l.P50.ToString("0.00", CultureInfo.InvariantCulture), l.P95.ToString("0.00", CultureInfo.InvariantCulture),
                l.P99.ToString("0.00", CultureInfo.InvariantCulture));
        }

        Fill();
        if (!console.Profile.Capabilities.Interactive)
        {
            // Redirected output (CI logs): one status line every 5 s instead of redrawing a table.
            try
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    Fill();
                    console.WriteLine(table.Title?.Text ?? "");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            Fill();
            console.Write(table);
            return;
        }
        await console.Live(table).AutoClear(false).StartAsync(async live =>
        {
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(500, cancellationToken);
                    Fill();
                    live.Refresh();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            Fill();
            live.Refresh();
        });
    }

    private static void PrintSummary(IAnsiConsole console, RunReport report, string outDir)
    {
        var table = new Table().Border(TableBorder.Simple).Title("thresholds");
        table.AddColumns("criterion", "limit", "actual", "result");
        foreach (var t in report.Thresholds)
        {
            var color = t.Status switch { ThresholdStatus.Pass => "green", ThresholdStatus.Fail => "red", _ => "grey" };
            table.AddRow(Markup.Escape(t.Name), Markup.Escape(t.Limit), Markup.Escape(t.Actual),
                $"[{color}]{t.Status.ToString().ToUpperInvariant()}[/]{(t.Note is null ? "" : " " + Markup.Escape(t.Note))}");
        }
        console.Write(table);
        var o = report.Overall;
        console.MarkupLine(CultureInfo.InvariantCulture, "overall: {0} requests, {1:0.0} req/s, errors {2:0.###} %, p50 {3:0.00} ms, p95 {4:0.00} ms, p99 {5:0.00} ms, max {6:0.00} ms",
            o.Requests, o.Rps, o.ErrorRate * 100, o.Latency.P50, o.Latency.P95, o.Latency.P99, o.Latency.Max);
        if (report.DispatchDelay is { } d)
        {
            console.MarkupLine(CultureInfo.InvariantCulture, "open model: requests left the generator p50 {0:0.00} ms / p99 {1:0.00} ms after they were due (included above)", d.P50, d.P99);
        }
        console.MarkupLine(CultureInfo.InvariantCulture, "generator: {0:0.0} µs CPU per request, {1} connections opened, {2} broken",
            report.Generator.CpuUsPerRequest, report.Generator.ConnectionsOpened, report.Generator.ConnectionsBroken);
        if (report.Memory is { } m)
        {
            console.MarkupLine(CultureInfo.InvariantCulture, "API working set: {0:0} -> {1:0} MB, slope {2:0.00} MB/min over {3} samples", m.StartMb, m.EndMb, m.SlopeMbPerMinute, m.Samples);
        }
        if (report.Consistency is { } c)
        {
            console.MarkupLine(CultureInfo.InvariantCulture, "write-mix: {0} writes acknowledged of {1} due ({2} behind), {3} checked reads, {4} stale reads after {5:0} ms",
                c.Writes, c.WritesDue, c.WritesBehind, c.Checks, c.Violations, c.LagMs);
        }
        var verdict = report.Passed ? "[green]PASSED[/]" : report.Enforced ? "[red]FAILED[/]" : "[yellow]FAILED (smoke: not enforced)[/]";
        console.MarkupLine("thresholds: " + verdict);
        console.MarkupLine("reports: [link]" + Markup.Escape(outDir) + "[/] (report.json, report.md, report.html)");
    }
}
