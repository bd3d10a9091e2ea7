using System.Diagnostics;

namespace ToolCatalog.Testing;

/// <summary>Polling with a deadline: a test waits on a condition, never for a fixed time.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(string what, Func<Task<bool>> condition, TimeSpan deadline, Func<string>? diagnostics,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
                last = null;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex; // not listening yet, or too slow to answer: try again
            }
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"waited {deadline.TotalSeconds:F0} s for: {what}"
                    + (last is null ? "" : $"\nlast error: {last.Message}") + (diagnostics is null ? "" : "\n" + diagnostics()));
            }
            await Task.Delay(200, cancellationToken);
        }
    }
}
