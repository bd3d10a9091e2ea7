namespace ToolCatalog.LoadTests.Tests;

public sealed class PercentileTests
{
    [Fact]
    public void Uniform_1_to_10000_ms_gives_the_textbook_percentiles()
    {
        var recorder = new LatencyRecorder();
        for (var ms = 1; ms <= 10_000; ms++)
        {
            recorder.Record(TimeSpan.FromMilliseconds(ms), ok: true);
        }

        var s = recorder.Summary();

        // HdrHistogram with 3 significant digits: every value within 0.1 %.
        Assert.Equal(1, s.Min, 0.01);
        Assert.Equal(5000, s.P50, 5000 * 0.001);
        Assert.Equal(7500, s.P75, 7500 * 0.001);
        Assert.Equal(9500, s.P95, 9500 * 0.001);
        Assert.Equal(9900, s.P99, 9900 * 0.001);
        Assert.Equal(9990, s.P999, 9990 * 0.001);
        Assert.Equal(10_000, s.Max, 10_000 * 0.001);
        Assert.Equal(5000.5, s.Mean, 5000 * 0.001);
        Assert.Equal(10_000, recorder.Count);
    }

    [Fact]
    public void A_rare_slow_mode_shows_in_the_tail_only()
    {
        var recorder = new LatencyRecorder();
        for (var i = 0; i < 9_980; i++)
        {
            recorder.Record(TimeSpan.FromMilliseconds(2), ok: true);
        }
        for (var i = 0; i < 20; i++)
        {
            recorder.Record(TimeSpan.FromMilliseconds(200), ok: false);
        }

        var s = recorder.Summary();

        Assert.Equal(2, s.P50, 0.01);
        Assert.Equal(2, s.P99, 0.01);        // 99.8 % of values are 2 ms
        Assert.Equal(200, s.P999, 0.2);      // the 0.2 % slow mode is above p99.8
        Assert.Equal(200, s.Max, 0.2);
        Assert.Equal(20, recorder.Errors);
        Assert.Equal(1.0, s.TailRatio, 0.01);
    }

    [Fact]
    public void Exponential_distribution_percentiles_match_the_closed_form()
    {
        // Exponential with mean 10 ms: p-th percentile = -10 ln(1 - p).
        var random = new Random(42);
        var recorder = new LatencyRecorder();
        for (var i = 0; i < 200_000; i++)
        {
            recorder.Record(TimeSpan.FromMilliseconds(-10 * Math.Log(1 - random.NextDouble())), ok: true);
        }

        var s = recorder.Summary();

        Assert.Equal(-10 * Math.Log(0.5), s.P50, 0.3);
        Assert.Equal(-10 * Math.Log(0.05), s.P95, 0.6);
        Assert.Equal(-10 * Math.Log(0.01), s.P99, 1.5);
        Assert.Equal(Math.Log(0.01) / Math.Log(0.05), s.TailRatio, 0.1);
    }

    [Fact]
    public void Memory_slope_is_least_squares_in_MB_per_minute()
    {
        // 200 MB growing 2 MB per minute, one sample a second for 5 minutes, with a saw-tooth of +-3 MB (GC).
        var samples = Enumerable.Range(0, 300)
            .Select(s => new ResourceSample(s, 0.1, 200 + 2.0 * s / 60 + (s % 2 == 0 ? 3 : -3), 0.01)).ToList();

        var trend = ResourceSampler.Trend(samples)!;

        Assert.Equal(2.0, trend.SlopeMbPerMinute, 0.1);
        Assert.Equal(300, trend.Samples);
        Assert.Null(ResourceSampler.Trend(samples.Take(1).ToList()));
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("5s", 5)]
    [InlineData("2m", 120)]
    [InlineData("60", 60)]
    public void Durations_parse(string text, double seconds) => Assert.Equal(seconds, DurationText.Parse(text).TotalSeconds, 1e-9);
}

public sealed class WeightTests
{
    [Fact]
    public void Published_weights_are_respected_within_half_a_point_over_200k_picks()
    {
        var picker = new WeightedPicker(Mix.Reads());
        var random = new Random(12345);
        var counts = picker.Scenarios.ToDictionary(s => s.Name, _ => 0);
        const int picks = 200_000;
        for (var i = 0; i < picks; i++)
        {
            counts[picker.Pick(random).Name]++;
        }

        Assert.Equal(100, picker.TotalWeight, 1e-9);
        var expected = new Dictionary<string, double>
        {
            [Mix.ListTools] = 35, [Mix.SearchByName] = 20, [Mix.GetTool] = 15, [Mix.EnabledTools] = 15, [Mix.LatestVersions] = 10, [Mix.PerformanceStats] = 5,
        };
        foreach (var (name, weight) in expected)
        {
            var share = 100.0 * counts[name] / picks;
            Assert.True(Math.Abs(share - weight) < 0.5, $"{name}: {share:0.00} % picked, weight {weight} %");
        }
    }

    [Fact]
    public void Write_mix_paces_one_percent_writes_and_never_picks_paced_or_background_scenarios()
    {
        var tracker = new WriteTracker("t", 4, "k", TimeSpan.FromMilliseconds(50));
        var scenarios = new List<Scenario>([.. Mix.WriteMix(tracker), Mix.ReloadScenario("k")]);
        var picker = new WeightedPicker(scenarios);
        var put = Assert.Single(scenarios, s => s.Paced);
        using var pacer = new Pacer(put.Weight / picker.TotalWeight);
        var random = new Random(7);
        const int picks = 99_000;
        for (var i = 0; i < picks; i++)
        {
            var s = picker.Pick(random);
            Assert.NotEqual(Mix.Reload, s.Name);
            Assert.NotEqual(Mix.PutVersion, s.Name);
            pacer.PickedCompleted();
        }
        // 1 % of all requests: one write per 99 picked requests.
        Assert.Equal(1_000, pacer.Issued);
        Assert.Equal(1_000, pacer.Behind);
        Assert.True(pacer.Tickets.Wait(0, TestContext.Current.CancellationToken));
        Assert.Equal(999, pacer.Behind);
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequence()
    {
        var picker = new WeightedPicker(Mix.Reads());
        var a = new Random(99);
        var b = new Random(99);
        Assert.Equal(Enumerable.Range(0, 1000).Select(_ => picker.Pick(a).Name), Enumerable.Range(0, 1000).Select(_ => picker.Pick(b).Name));
    }
}

public sealed class ThresholdTests
{
    private static readonly LatencySummary Good = new(0.5, 3, 2, 3, 10, 15, 30, 40);
    private static readonly IReadOnlyList<ResourceSample> LightLoad = [new(0, 0.3, 200, 0.01), new(1, 0.4, 201, 0.01)];

    private static IReadOnlyList<ThresholdResult> Judge(LatencySummary? latency = null, long errors = 0, IReadOnlyList<ResourceSample>? resources = null,
        MemoryTrend? trend = null, bool soak = false, long? violations = null) =>
        Thresholds.Evaluate(new ThresholdInput(latency ?? Good, 10_000, errors, resources ?? LightLoad, null, trend, soak, violations), new ThresholdLimits());

    private static ThresholdStatus Status(IReadOnlyList<ThresholdResult> results, string prefix) => results.Single(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)).Status;

    [Fact]
    public void A_healthy_run_passes_and_soak_is_skipped_without_the_flag()
    {
        var results = Judge();
        Assert.True(Thresholds.AllPassed(results));
        Assert.Equal(ThresholdStatus.Skipped, Status(results, "memory growth"));
        Assert.DoesNotContain(results, r => r.Name.StartsWith("stale", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_broken_limit_fails_the_run()
    {
        Assert.Equal(ThresholdStatus.Fail, Status(Judge(latency: Good with { P95 = 50.0, P99 = 60 }), "P95 latency")); // 50 is not < 50
        Assert.Equal(ThresholdStatus.Pass, Status(Judge(latency: Good with { P95 = 49.9, P99 = 60 }), "P95 latency"));
        Assert.Equal(ThresholdStatus.Fail, Status(Judge(errors: 100), "error rate"));   // exactly 1 %
        Assert.Equal(ThresholdStatus.Pass, Status(Judge(errors: 99), "error rate"));
        Assert.Equal(ThresholdStatus.Fail, Status(Judge(latency: Good with { P95 = 10, P99 = 20 }), "P99 / P95")); // 2.0 is not < 2.0
        Assert.Equal(ThresholdStatus.Fail, Status(Judge(resources: [new(0, 0.9, 200, 0.01), new(1, 0.85, 200, 0.01)]), "API CPU"));
        Assert.Equal(ThresholdStatus.Fail, Status(Judge(resources: [new(0, 0.1, 20_000, 0.85)]), "API memory"));
        Assert.Equal(ThresholdStatus.Fail, Status(Judge(trend: new MemoryTrend(3, 200, 215, 300), soak: true), "memory growth"));
        Assert.Equal(ThresholdStatus.Pass, Status(Judge(trend: new MemoryTrend(0.2, 200, 201, 300), soak: true), "memory growth"));
        Assert.Equal(ThresholdStatus.Fail, Status(Judge(violations: 1), "stale"));
        Assert.Equal(ThresholdStatus.Pass, Status(Judge(violations: 0), "stale"));
        Assert.False(Thresholds.AllPassed(Judge(errors: 500)));
    }

    [Fact]
    public void Without_an_api_pid_resource_limits_are_skipped_with_a_note_not_failed()
    {
        var results = Judge(resources: []);
        Assert.Equal(ThresholdStatus.Skipped, Status(results, "API CPU"));
        Assert.Equal(ThresholdStatus.Skipped, Status(results, "API memory"));
        Assert.All(results.Where(r => r.Status == ThresholdStatus.Skipped), r => Assert.False(string.IsNullOrEmpty(r.Note)));
        Assert.True(Thresholds.AllPassed(results));
    }

    [Fact]
    public void Nothing_measured_is_a_failure()
    {
        var results = Thresholds.Evaluate(new ThresholdInput(LatencySummary.Empty, 0, 0, [], null, null, false, null), new ThresholdLimits());
        Assert.False(Thresholds.AllPassed(results));
    }

    [Fact]
    public void Stale_reads_are_counted_only_after_the_lag_and_only_across_replicas()
    {
        var tracker = new WriteTracker("t", 2, "k", TimeSpan.FromMilliseconds(50));
        var t = Clock.Now;
        tracker.RecordAck(tool: 0, version: 3, t, replica: 0);

        tracker.Check(tool: 0, replica: 1, sentAt: Clock.Add(t, TimeSpan.FromMilliseconds(10)), seenVersion: 2, replicaCount: 2); // within the lag: not judged
        tracker.Check(tool: 0, replica: 0, sentAt: Clock.Add(t, TimeSpan.FromMilliseconds(80)), seenVersion: 2, replicaCount: 2); // the writer itself: not judged
        tracker.Check(tool: 1, replica: 1, sentAt: Clock.Add(t, TimeSpan.FromMilliseconds(80)), seenVersion: 0, replicaCount: 2); // another tool: nothing written
        Assert.Equal(0, tracker.Checks);

        tracker.Check(tool: 0, replica: 1, sentAt: Clock.Add(t, TimeSpan.FromMilliseconds(60)), seenVersion: 3, replicaCount: 2);
        tracker.Check(tool: 0, replica: 1, sentAt: Clock.Add(t, TimeSpan.FromMilliseconds(70)), seenVersion: 2, replicaCount: 2);
        Assert.Equal(2, tracker.Checks);
        Assert.Equal(1, tracker.Violations);

        tracker.JudgeFrom = Clock.Add(t, TimeSpan.FromSeconds(1)); // as if the measured run began a second later
        tracker.Check(tool: 0, replica: 1, sentAt: Clock.Add(t, TimeSpan.FromMilliseconds(90)), seenVersion: 2, replicaCount: 2); // warm-up: not judged
        Assert.Equal(2, tracker.Checks);
        Assert.Contains("t_0: replica 1 served 1.0.2", Assert.Single(tracker.Examples), StringComparison.Ordinal);
    }
}
