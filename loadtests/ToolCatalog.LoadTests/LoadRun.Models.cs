namespace ToolCatalog.LoadTests;

/// <summary>How requests are issued: the closed and open models, the paced writers and the background reloads.</summary>
public static partial class LoadRun
{
    private static async Task<bool> ExecuteAsync(Scenario scenario, ScenarioContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await scenario.Run(context, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // the request timeout
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static async Task ClosedModelAsync(WeightedPicker picker, ScenarioContext context, LoadOptions options, long end, RunState state,
        Action<Scenario, long, bool> record, CancellationToken cancellationToken)
    {
        async Task UserAsync(int user)
        {
            var random = options.Seed is { } seed ? new Random(seed + user) : new Random();
            var own = context.WithRandom(random);
            await Task.Yield();
            while (Clock.Now < end && !cancellationToken.IsCancellationRequested)
            {
                var scenario = picker.Pick(random);
                var started = Clock.Now;
                state.Started();
                var ok = await ExecuteAsync(scenario, own, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                record(scenario, started, ok);
                if (options.ThinkTime > TimeSpan.Zero)
                {
                    await Task.Delay(options.ThinkTime, cancellationToken);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, options.Users).Select(UserAsync));
    }

    /// <summary>Fixed schedule: request i is due at t0 + i / rate. Overdue requests are dispatched at once with their original due time.</summary>
    internal static async Task OpenModelAsync(WeightedPicker picker, ScenarioContext context, Random random, double rate, int maxInFlight,
        long t0, long end, RunState state, Action<Scenario, long, bool> record, LatencyRecorder dispatchDelay, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        var outstanding = 0;
        var schedulingDone = false;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var interval = System.Diagnostics.Stopwatch.Frequency / rate;

        async Task OneAsync(Scenario scenario, long due)
        {
            try
            {
                await slots.WaitAsync(cancellationToken);
                try
                {
                    // How late the generator itself sent it (timer granularity, a busy machine, the in-flight cap):
                    // part of every open-model latency, reported so it is not mistaken for the server's.
                    if (due >= state.MeasureStart)
                    {
                        dispatchDelay.Record(Clock.Between(due, Clock.Now), ok: true);
                    }
                    state.Started();
                    var ok = await ExecuteAsync(scenario, context, cancellationToken);
                    if (!cancellationToken.IsCancellationRequested)
                    {
                        record(scenario, due, ok);
                    }
                }
                finally
                {
                    slots.Release();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            finally
            {
                if (Interlocked.Decrement(ref outstanding) == 0 && Volatile.Read(ref schedulingDone))
                {
                    drained.TrySetResult();
                }
            }
        }

        // The schedule runs on a thread of its own that sleeps until the next request is due: thread-pool timers
        // (Task.Delay) wake it a few milliseconds late on a busy machine, and that lateness would be counted in every
        // latency. Long waits are cut at 10 ms so cancellation is seen.
        void Dispatch()
        {
            long i = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = Clock.Now;
                long due;
                while ((due = t0 + (long)(i * interval)) <= now && due < end)
                {
                    Interlocked.Increment(ref outstanding);
                    _ = OneAsync(picker.Pick(random), due);
                    i++;
                }
                if (due >= end)
                {
                    return;
                }
                PreciseSleep.Until(Math.Min(due, Clock.Add(Clock.Now, TimeSpan.FromMilliseconds(10))));
            }
        }
        await Task.Factory.StartNew(Dispatch, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Volatile.Write(ref schedulingDone, true);
        if (Volatile.Read(ref outstanding) == 0)
        {
            drained.TrySetResult();
        }
        await drained.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A paced scenario's loop: waits for a ticket, runs the request (send to response is its latency). Stops taking
    /// tickets when <paramref name="stop"/> fires; a request already sent finishes, so its write is acknowledged or not.
    /// </summary>
    private static async Task PacedLoopAsync(Scenario scenario, ScenarioContext context, Pacer pacer, RunState state,
        Action<Scenario, long, bool> record, CancellationToken stop, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (true)
        {
            try
            {
                await pacer.Tickets.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            var started = Clock.Now;
            state.Started();
            var ok = await ExecuteAsync(scenario, context, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            record(scenario, started, ok);
        }
    }

    private static async Task ReloadLoopAsync(Scenario reload, ScenarioContext context, TimeSpan every, long end,
        Action<Scenario, long, bool> record, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        while (Clock.Now < end && await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (Clock.Now >= end)
            {
                break;
            }
            var started = Clock.Now;
            var ok = await ExecuteAsync(reload, context, cancellationToken);
            record(reload, started, ok);
        }
    }

    internal sealed class RunState(long measureStart, long end)
    {
        private long _started;
        private long _completed;
        private long _errors;

        public long MeasureStart { get; } = measureStart;
        public long End { get; } = end;
        public long InFlight => Interlocked.Read(ref _started) - Interlocked.Read(ref _completed);
        public long CompletedTotal => Interlocked.Read(ref _completed);
        public long ErrorsTotal => Interlocked.Read(ref _errors);

        public void Started() => Interlocked.Increment(ref _started);

        public void Completed(bool ok)
        {
            Interlocked.Increment(ref _completed);
            if (!ok)
            {
                Interlocked.Increment(ref _errors);
            }
        }
    }
}
