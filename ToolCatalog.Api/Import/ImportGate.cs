using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ToolCatalog.Api.Import;

public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>Imports one replica runs at once. Each holds its whole inflated and parsed body in memory (a 10,000-tool import raised peak resident memory from 186 to 529 MB).</summary>
    [Range(1, 64)]
    public int MaxConcurrent { get; set; } = 1;

    /// <summary>Imports that may wait for a turn, their bodies not read yet; one more is refused with a 429.</summary>
    [Range(0, 1000)]
    public int MaxQueued { get; set; } = 4;
}

/// <summary>
/// Lets a bounded number of imports read, parse and write at once, and a bounded number wait. Without it, any writer
/// could start as many 128 MiB imports as it has connections, each holding its parsed documents in memory and its
/// transaction's sort memory in PostgreSQL, until the replica ran out of memory. Imports also serialize on the
/// tools they lock, so running more at once would mostly add waiting.
/// </summary>
public sealed class ImportGate : IDisposable
{
    /// <summary>What a refused import is told to wait: about one 10,000-tool import.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly ConcurrencyLimiter _limiter;
    private readonly int _maxConcurrent;

    public ImportGate(IOptions<ImportOptions> options, IMeterFactory meters)
    {
        _maxConcurrent = options.Value.MaxConcurrent;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _maxConcurrent,
            QueueLimit = options.Value.MaxQueued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        var meter = meters.Create("ToolCatalog.Import");
        meter.CreateObservableGauge("toolcatalog.import.running", () => Load.Running, description: "Imports running on this replica");
        meter.CreateObservableGauge("toolcatalog.import.waiting", () => Load.Waiting, description: "Imports waiting for a turn on this replica");
    }

    /// <summary>Imports holding a turn, and imports waiting for one.</summary>
    public (long Running, long Waiting) Load =>
        _limiter.GetStatistics() is { } now ? (_maxConcurrent - now.CurrentAvailablePermits, now.CurrentQueuedCount) : (0, 0);

    /// <summary>A turn to import (dispose it when done), after the imports ahead of it; not acquired when the queue is full.</summary>
    public ValueTask<RateLimitLease> WaitForTurnAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}
