namespace ToolCatalog.Api.Sync;

/// <summary>
/// Carries invalidation messages between replicas and nothing else: no ordering, no delivery promise (a message can be
/// lost, late or doubled), no meaning. <see cref="ReplicaSync"/> makes up for all of that.
/// </summary>
public interface IInvalidationTransport
{
    /// <summary>Whether messages can be heard right now; while not, replicas poll the database instead.</summary>
    bool IsConnected { get; }

    /// <summary>Raised when the connection comes back: whatever was published meanwhile was lost.</summary>
    event Action? Reconnected;

    /// <summary>Sends a message to every replica (this one included); false when it could not be sent.</summary>
    Task<bool> PublishAsync(byte[] message, CancellationToken cancellationToken);

    /// <summary>Hands every message from now on to <paramref name="received"/>; false when not connected yet (try again later).</summary>
    Task<bool> SubscribeAsync(Action<byte[]> received, CancellationToken cancellationToken);
}
