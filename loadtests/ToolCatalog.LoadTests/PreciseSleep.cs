using System.Runtime.InteropServices;

namespace ToolCatalog.LoadTests;

/// <summary>
/// Sleeps until a <see cref="Clock"/> timestamp. The open model's schedule used <c>Thread.Sleep(1)</c>, which on Linux
/// sleeps a millisecond plus the kernel's slack whatever is due, so requests left in bursts up to 1.1 ms late and that
/// lateness (p50 0.6 ms at 1,000 req/s) was counted in every latency. On Linux this sleeps on the monotonic clock up to
/// the deadline itself (waking within the timer slack, 50 µs by default); elsewhere it sleeps whole milliseconds,
/// rounded up.
/// </summary>
internal static class PreciseSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsoluteTime = 1;
    private const long NanosecondsPerSecond = 1_000_000_000;
    private const int Interrupted = 4; // EINTR, which clock_nanosleep returns rather than sets

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    public static void Until(long timestamp)
    {
        var wait = Clock.Between(Clock.Now, timestamp);
        if (wait <= TimeSpan.Zero)
        {
            return;
        }
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            Thread.Sleep((int)Math.Ceiling(wait.TotalMilliseconds));
            return;
        }
        // The deadline on the monotonic clock itself, so nothing is assumed about how Stopwatch reads it.
        ClockGetTime(ClockMonotonic, out var now);
        var deadline = now.Seconds * NanosecondsPerSecond + now.Nanoseconds + (long)(wait.TotalMilliseconds * 1_000_000);
        var until = new TimeSpec { Seconds = deadline / NanosecondsPerSecond, Nanoseconds = deadline % NanosecondsPerSecond };
        // A signal (the runtime suspends threads for a GC with one) ends the sleep early; the deadline stays the same.
        while (ClockNanoSleep(ClockMonotonic, TimerAbsoluteTime, in until, IntPtr.Zero) == Interrupted)
        {
        }
    }

    // DllImport rather than LibraryImport: the generated stubs need unsafe code, and these blittable calls need no stub.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [DllImport("libc", EntryPoint = "clock_nanosleep")]
    private static extern int ClockNanoSleep(int clock, int flags, in TimeSpec request, IntPtr remaining);
}
