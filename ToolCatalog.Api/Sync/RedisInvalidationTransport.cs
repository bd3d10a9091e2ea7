using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ToolCatalog.Api.Caching;

namespace ToolCatalog.Api.Sync;

/// <summary>Redis pub/sub (at most once) on a channel named after the cache prefix and the message's wire version.</summary>
public sealed partial class RedisInvalidationTransport(IConnectionMultiplexer redis, BusConnectivity connectivity, IOptions<CacheOptions> options,
    ILogger<RedisInvalidationTransport> logger) : IInvalidationTransport
{
    private RedisChannel Channel => RedisChannel.Literal($"{options.Value.Prefix}:{InvalidationMessage.WireVersion}:invalidate");

    public bool IsConnected => connectivity.IsConnected;

    public event Action? Reconnected
    {
        add => connectivity.Restored += value;
        remove => connectivity.Restored -= value;
    }

    public async Task<bool> PublishAsync(byte[] message, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, message).WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, ex.Message);
            return false;
        }
    }

    public async Task<bool> SubscribeAsync(Action<byte[]> received, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, value) => received((byte[])value!)).WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogSubscribeFailed(logger, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish an invalidation message: {Error}")]
    private static partial void LogPublishFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to the invalidation channel yet: {Error}")]
    private static partial void LogSubscribeFailed(ILogger logger, string error);
}
