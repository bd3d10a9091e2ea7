namespace ToolCatalog.LoadTests.Tests;

public sealed class PreciseSleepTests
{
    [Fact]
    public void Never_wakes_before_the_deadline()
    {
        // Deadlines from well under a millisecond (what Thread.Sleep cannot do) to several, as the open model's are.
        for (var i = 0; i < 200; i++)
        {
            var deadline = Clock.Add(Clock.Now, TimeSpan.FromMicroseconds(50 + 37 * i));
            PreciseSleep.Until(deadline);
            var woke = Clock.Now;
            Assert.True(woke >= deadline, $"woke {Clock.Between(woke, deadline).TotalMicroseconds:F0} µs before a deadline {50 + 37 * i} µs ahead");
        }
    }
}
