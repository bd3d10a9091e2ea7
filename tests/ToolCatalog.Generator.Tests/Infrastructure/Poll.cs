namespace ToolCatalog.Generator.Tests.Infrastructure;

/// <summary>Waits for a condition by polling it until a deadline: no fixed sleeps, and a message that says what never happened.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, Func<T?, bool> done, string what, CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value!;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s waiting for {what}; last value: {value}");
            }
            await Task.Delay(50, cancellationToken);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult<bool?>(condition()), v => v == true, what, cancellationToken, timeout);
}
