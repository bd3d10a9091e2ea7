namespace ToolCatalog.LoadTests;

/// <summary>
/// Keeps a paced scenario at its share of the traffic: one ticket per 1/<c>share</c> picked requests completed. Writer
/// loops take tickets; tickets nobody could take yet (writers busy) pile up and are reported as writes behind.
/// </summary>
public sealed class Pacer(double share) : IDisposable
{
    private long _picked;
    private long _issued;

    /// <summary>Paced requests per picked request: the paced weight over the picked weights (1/99 for the write mix).</summary>
    public double Share { get; } = share > 0 ? share : throw new ArgumentOutOfRangeException(nameof(share), "must be positive");

    public SemaphoreSlim Tickets { get; } = new(0);
    public long Issued => Interlocked.Read(ref _issued);

    /// <summary>Tickets issued and not taken.</summary>
    public long Behind => Tickets.CurrentCount;

    public void PickedCompleted()
    {
        var n = Interlocked.Increment(ref _picked);
        // The epsilon keeps 99 × (1/99) from landing just under 1.
        if (Math.Floor(n * Share + 1e-9) > Math.Floor((n - 1) * Share + 1e-9))
        {
            Interlocked.Increment(ref _issued);
            Tickets.Release();
        }
    }

    public void Dispose() => Tickets.Dispose();
}
