using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace ToolCatalog.Benchmarks;

/// <summary>
/// What one PostgreSQL round trip costs on this machine as the API's client sees it (a pooled connection and
/// <c>SELECT 1</c> with Npgsql), back to back and after the client sat idle for a while: a write waits for several round
/// trips, each after a short idle, and a processor that went idle takes time to run the process it wakes.
/// </summary>
public static class DatabaseRoundTrip
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args.Parse(args);
        var operations = int.Parse(options.Get("operations", "1000"), CultureInfo.InvariantCulture);
        await using var dataSource = NpgsqlDataSource.Create(options.Get("db"));
        await MeasureAsync(dataSource, 2000, TimeSpan.Zero); // JIT and the pool
        foreach (var idle in new[] { 0, 1, 5 })
        {
            var samples = await MeasureAsync(dataSource, operations, TimeSpan.FromMilliseconds(idle));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"idle {idle} ms before each: mean {samples.Average():0} µs, p50 {samples[operations / 2]:0} µs, p99 {samples[operations * 99 / 100]:0} µs per round trip"));
        }
        return 0;
    }

    /// <summary>The round trips' durations in microseconds, sorted.</summary>
    private static async Task<double[]> MeasureAsync(NpgsqlDataSource dataSource, int operations, TimeSpan idle)
    {
        var samples = new double[operations];
        for (var i = 0; i < operations; i++)
        {
            if (idle > TimeSpan.Zero)
            {
                await Task.Delay(idle);
            }
            var started = Stopwatch.GetTimestamp();
            await using (var connection = await dataSource.OpenConnectionAsync())
            await using (var command = new NpgsqlCommand("SELECT 1", connection))
            {
                await command.ExecuteScalarAsync();
            }
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }
        Array.Sort(samples);
        return samples;
    }
}
