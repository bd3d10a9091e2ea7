using StackExchange.Redis;

namespace ToolCatalog.Api.Caching;

/// <summary>
/// Whether this replica can hear the invalidation bus right now. While it cannot, caches shorten their memory and the
/// bus falls back to polling the database; when the connection comes back, the bus catches up.
/// </summary>
public sealed class BusConnectivity
{
    private volatile bool _connected;

    public BusConnectivity(IConnectionMultiplexer redis)
    {
        _connected = redis.IsConnected;
        redis.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription || !redis.IsConnected)
            {
                _connected = false;
            }
        };
        redis.ConnectionRestored += (_, e) =>
        {
            if (redis.IsConnected)
            {
                _connected = true;
                Restored?.Invoke();
            }
        };
    }

    public bool IsConnected => _connected;

    /// <summary>Raised when the connection comes back: whatever was published meanwhile was lost.</summary>
    public event Action? Restored;
}
