using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ToolCatalog.LoadTests;

/// <summary>Writes report.json, report.md and a self-contained report.html (inline CSS and SVG, nothing fetched).</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<(string Json, string Markdown, string Html)> WriteAllAsync(RunReport report, string outDir, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outDir);
        var json = Path.Combine(outDir, "report.json");
        var markdown = Path.Combine(outDir, "report.md");
        var html = Path.Combine(outDir, "report.html");
        await using (var stream = File.Create(json))
        {
            await JsonSerializer.SerializeAsync(stream, report, Json, cancellationToken);
        }
        await File.WriteAllTextAsync(markdown, Markdown(report), cancellationToken);
        await File.WriteAllTextAsync(html, Html(report), cancellationToken);
        return (json, markdown, html);
    }

    private static string F(double v, string format = "0.00") => v.ToString(format, CultureInfo.InvariantCulture);
    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static IEnumerable<ScenarioReport> Rows(RunReport r) => r.Scenarios.Append(r.Overall);

    public static string Markdown(RunReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Load run {r.StartedAt:yyyy-MM-dd HH:mm:ss zzz}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- suite: **{r.Suite}**, model: {r.Model}, warm-up {F(r.WarmupSeconds, "0.##")} s (excluded), measured {F(r.DurationSeconds, "0.##")} s{(r.Smoke ? ", smoke" : "")}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- target: {string.Join(", ", r.BaseUrls)} ({r.ToolNames} real tools)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- machine: {r.Machine}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- command: `{r.Command}`");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- result: **{(r.Passed ? "PASSED" : "FAILED")}**{(r.Enforced ? "" : " (smoke: thresholds reported, not enforced)")}");
        sb.AppendLine();
        MarkdownScenarios(sb, r);
        sb.AppendLine("## Thresholds");
        sb.AppendLine();
        sb.AppendLine("| criterion | limit | actual | result |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var t in r.Thresholds)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Limit} | {t.Actual} | {t.Status.ToString().ToUpperInvariant()}{(t.Note is null ? "" : " — " + t.Note)} |");
        }
        sb.AppendLine();
        MarkdownProcessAndConsistency(sb, r);
        return sb.ToString();
    }

    private static void MarkdownScenarios(StringBuilder sb, RunReport r)
    {
        sb.AppendLine("## Scenarios");
        sb.AppendLine();
        sb.AppendLine("| scenario | weight | requests | req/s | errors | min | p50 | p75 | p95 | p99 | p99.9 | max |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in Rows(r))
        {
            var l = s.Latency;
            var weight = s.Background ? "background" : F(s.Weight, "0.##") + " %";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {(s.Name == "overall" ? "**overall**" : s.Name)} | {weight} | {N(s.Requests)} | {F(s.Rps, "0.0")} | {F(s.ErrorRate * 100, "0.###")} % | {F(l.Min)} | {F(l.P50)} | {F(l.P75)} | {F(l.P95)} | {F(l.P99)} | {F(l.P999)} | {F(l.Max)} |");
        }
        sb.AppendLine();
        sb.AppendLine("Latencies in ms. Closed model: send to response. Open model: from the time the request was due.");
        if (r.DispatchDelay is { } d)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"The generator sent requests p50 {F(d.P50)} / p99 {F(d.P99)} / max {F(d.Max)} ms after they were due; that delay is part of the latencies above (the server did not see it).");
        }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Generator: {F(r.Generator.CpuUsPerRequest, "0.0")} µs of its own CPU per request (warm-up included), {N(r.Generator.ConnectionsOpened)} connections opened, {N(r.Generator.ConnectionsBroken)} broken.");
        sb.AppendLine();
    }

    private static void MarkdownProcessAndConsistency(StringBuilder sb, RunReport r)
    {
        sb.AppendLine("## API process");
        sb.AppendLine();
        if (r.Resources.Count == 0)
        {
            sb.AppendLine(r.ResourceNote ?? "not sampled");
        }
        else
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{r.Resources.Count} samples: CPU mean {F(r.Resources.Average(x => x.CpuFraction) * 100, "0.0")} % / max {F(r.Resources.Max(x => x.CpuFraction) * 100, "0.0")} % of the machine; RSS {F(r.Resources.Min(x => x.RssMb), "0")}–{F(r.Resources.Max(x => x.RssMb), "0")} MB; slope {F(r.Memory?.SlopeMbPerMinute ?? 0)} MB/min.");
        }
        if (r.Consistency is { } c)
        {
            sb.AppendLine();
            sb.AppendLine("## Cross-replica consistency (write-mix)");
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Tools {string.Join(", ", c.Tools.Select(t => $"`{t}`"))}: {N(c.Writes)} acknowledged PUTs of {N(c.WritesDue)} due (1 % of the picked requests; {N(c.WritesBehind)} never sent because every writer was busy), {N(c.Checks)} reads checked at least {F(c.LagMs, "0")} ms after an acknowledgement on another replica, **{c.Violations} stale**.");
            foreach (var e in c.Examples)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {e}");
            }
        }
    }

    public static string Html(RunReport r)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<title>ToolCatalog load run {E(r.StartedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}</title>");
        sb.AppendLine("""
            <style>
            body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#222;max-width:1100px}
            table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
            th:first-child,td:first-child{text-align:left}tr.overall{font-weight:bold;background:#f4f4f4}
            .pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}.skipped{color:#777}
            svg{background:#fff;border:1px solid #ddd;margin:.5rem 0}.meta{color:#555}
            </style></head><body>
            """);
        sb.AppendLine(CultureInfo.InvariantCulture, $"<h1>ToolCatalog load run — <span class=\"{(r.Passed ? "pass" : "fail")}\">{(r.Passed ? "PASSED" : "FAILED")}</span></h1>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"meta\">{E(r.StartedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture))} · suite <b>{E(r.Suite)}</b> · {E(r.Model)} · warm-up {F(r.WarmupSeconds, "0.##")} s (excluded) · measured {F(r.DurationSeconds, "0.##")} s{(r.Smoke ? " · smoke" : "")}{(r.Enforced ? "" : " · thresholds not enforced")}<br>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"target {E(string.Join(", ", r.BaseUrls))} · {r.ToolNames} real tools · {E(r.Machine)}<br><code>{E(r.Command)}</code></p>");

        sb.AppendLine("<h2>Scenarios</h2><table><tr><th>scenario</th><th>weight</th><th>requests</th><th>req/s</th><th>errors</th><th>min</th><th>p50</th><th>p75</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>");
        foreach (var s in Rows(r))
        {
            var l = s.Latency;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"<tr{(s.Name == "overall" ? " class=\"overall\"" : "")}><td>{E(s.Name)}</td><td>{(s.Background ? "background" : F(s.Weight, "0.##") + " %")}</td><td>{N(s.Requests)}</td><td>{F(s.Rps, "0.0")}</td><td>{F(s.ErrorRate * 100, "0.###")} %</td><td>{F(l.Min)}</td><td>{F(l.P50)}</td><td>{F(l.P75)}</td><td>{F(l.P95)}</td><td>{F(l.P99)}</td><td>{F(l.P999)}</td><td>{F(l.Max)}</td></tr>");
        }
        sb.AppendLine("</table><p class=\"meta\">Latencies in ms. Open model: measured from when each request was due.</p>");

        sb.AppendLine("<h2>Thresholds</h2><table><tr><th>criterion</th><th>limit</th><th>actual</th><th>result</th></tr>");
        foreach (var t in r.Thresholds)
        {
            var css = t.Status.ToString().ToLowerInvariant();
            sb.AppendLine(CultureInfo.InvariantCulture, $"<tr><td>{E(t.Name)}</td><td>{E(t.Limit)}</td><td>{E(t.Actual)}</td><td class=\"{css}\">{t.Status.ToString().ToUpperInvariant()}{(t.Note is null ? "" : " <span class=\"skipped\">" + E(t.Note) + "</span>")}</td></tr>");
        }
        sb.AppendLine("</table>");

        HtmlCharts(sb, r);
        HtmlProcessAndConsistency(sb, r);
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static void HtmlCharts(StringBuilder sb, RunReport r)
    {
        sb.AppendLine("<h2>Latency over time</h2>");
        sb.AppendLine(Svg.LineChart("latency per second (ms)", "second of the measured run", "ms",
        [
            ("p50", "#1f77b4", r.Timeline.Select(t => (t.Second + 0.5, t.P50)).ToList()),
            ("p95", "#ff7f0e", r.Timeline.Select(t => (t.Second + 0.5, t.P95)).ToList()),
            ("p99", "#d62728", r.Timeline.Select(t => (t.Second + 0.5, t.P99)).ToList()),
        ]));
        sb.AppendLine("<h2>Throughput over time</h2>");
        sb.AppendLine(Svg.LineChart("requests per second", "second of the measured run", "req/s",
        [
            ("requests/s", "#2ca02c", r.Timeline.Select(t => (t.Second + 0.5, (double)t.Requests)).ToList()),
            ("errors/s", "#d62728", r.Timeline.Select(t => (t.Second + 0.5, (double)t.Errors)).ToList()),
        ]));
        sb.AppendLine("<h2>Percentile distribution</h2>");
        sb.AppendLine(Svg.PercentileChart(r.PercentileCurve));
        if (r.DispatchDelay is { } d)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<p>Open model: the generator sent requests p50 {F(d.P50)} / p99 {F(d.P99)} / max {F(d.Max)} ms after they were due; that delay is included in the latencies (the server did not see it).</p>");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"<p>Generator: {F(r.Generator.CpuUsPerRequest, "0.0")} µs of its own CPU per request (warm-up included), {N(r.Generator.ConnectionsOpened)} connections opened, {N(r.Generator.ConnectionsBroken)} broken.</p>");
    }

    private static void HtmlProcessAndConsistency(StringBuilder sb, RunReport r)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        sb.AppendLine("<h2>API process</h2>");
        if (r.Resources.Count == 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<p>{E(r.ResourceNote ?? "not sampled")}</p>");
        }
        else
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<p>{r.Resources.Count} samples · CPU mean {F(r.Resources.Average(x => x.CpuFraction) * 100, "0.0")} % of the machine · RSS {F(r.Resources.Min(x => x.RssMb), "0")}–{F(r.Resources.Max(x => x.RssMb), "0")} MB · slope {F(r.Memory?.SlopeMbPerMinute ?? 0)} MB/min</p>");
            sb.AppendLine(Svg.LineChart("API CPU (% of machine)", "second", "%", [("cpu", "#9467bd", r.Resources.Select(x => (x.Second, x.CpuFraction * 100)).ToList())]));
            sb.AppendLine(Svg.LineChart("API resident memory (MB)", "second", "MB", [("rss", "#8c564b", r.Resources.Select(x => (x.Second, x.RssMb)).ToList())]));
        }
        if (r.Consistency is { } c)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<h2>Cross-replica consistency</h2><p>Tools {string.Join(", ", c.Tools.Select(t => $"<code>{E(t)}</code>"))}: {N(c.Writes)} acknowledged PUTs of {N(c.WritesDue)} due ({N(c.WritesBehind)} behind), {N(c.Checks)} reads checked ≥ {F(c.LagMs, "0")} ms after an acknowledgement on another replica, <b>{c.Violations} stale</b>.</p>");
            if (c.Examples.Count > 0)
            {
                sb.AppendLine("<ul>" + string.Concat(c.Examples.Select(e => $"<li>{E(e)}</li>")) + "</ul>");
            }
        }
    }
}
