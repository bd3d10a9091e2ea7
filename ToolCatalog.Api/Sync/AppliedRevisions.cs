namespace ToolCatalog.Api.Sync;

/// <summary>
/// Which catalog revisions this replica has applied. Messages from several writers can arrive out of order, so this is a
/// watermark (everything at or below it is applied) plus the ranges applied above it; a hole that stays open means a
/// message was lost and the replica must catch up from the database.
/// </summary>
public sealed class AppliedRevisions(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, long> _above = []; // from -> to, all above the watermark
    private DateTimeOffset? _gapSince;

    public long Watermark { get; private set; }

    public void Reset(long watermark)
    {
        lock (_lock)
        {
            Watermark = Math.Max(Watermark, watermark);
            Compact();
        }
    }

    /// <summary>True when every revision in the range is already applied.</summary>
    public bool Covers(long from, long to)
    {
        lock (_lock)
        {
            if (to <= Watermark)
            {
                return true;
            }
            return _above.Any(r => r.Key <= Math.Max(from, Watermark + 1) && r.Value >= to);
        }
    }

    public void Add(long from, long to)
    {
        lock (_lock)
        {
            if (to <= Watermark)
            {
                return;
            }
            _above[Math.Max(from, Watermark + 1)] = Math.Max(to, _above.GetValueOrDefault(Math.Max(from, Watermark + 1)));
            Compact();
        }
    }

    /// <summary>How long a hole below an applied range has been open (null when there is none).</summary>
    public TimeSpan? GapAge
    {
        get
        {
            lock (_lock)
            {
                return _gapSince is { } since ? time.GetUtcNow() - since : null;
            }
        }
    }

    private void Compact()
    {
        while (_above.Count > 0)
        {
            var first = _above.First();
            if (first.Key > Watermark + 1)
            {
                break;
            }
            Watermark = Math.Max(Watermark, first.Value);
            _above.Remove(first.Key);
        }
        _gapSince = _above.Count == 0 ? null : _gapSince ?? time.GetUtcNow();
    }
}
