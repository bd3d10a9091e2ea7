using ToolCatalog.Api.Sync;

namespace ToolCatalog.Api.Tests.Sync;

/// <summary>
/// Replicas in one process hearing each other without Redis: what one publishes reaches every connected transport of
/// the same <see cref="Network"/>. A test can cut a transport off (messages to and from it are lost, as with pub/sub)
/// and hand it messages in any order, late or twice.
/// </summary>
internal sealed class InMemoryInvalidationTransport(InMemoryInvalidationTransport.Network network) : IInvalidationTransport
{
    public sealed class Network
    {
        private readonly Lock _lock = new();
        private readonly List<InMemoryInvalidationTransport> _members = [];

        public void Join(InMemoryInvalidationTransport member)
        {
            lock (_lock)
            {
                _members.Add(member);
            }
        }

        public void Send(byte[] message)
        {
            List<InMemoryInvalidationTransport> members;
            lock (_lock)
            {
                members = [.. _members];
            }
            foreach (var member in members)
            {
                member.Deliver(message);
            }
        }
    }

    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Action<byte[]>? _received;

    /// <summary>Completes once the replica listens: a message delivered before that is lost, as on Redis.</summary>
    public Task Subscribed => _subscribed.Task;
    private volatile bool _connected = true;

    public bool IsConnected => _connected;

    public event Action? Reconnected;

    public Task<bool> PublishAsync(byte[] message, CancellationToken cancellationToken)
    {
        if (!_connected)
        {
            return Task.FromResult(false);
        }
        network.Send(message);
        return Task.FromResult(true);
    }

    public Task<bool> SubscribeAsync(Action<byte[]> received, CancellationToken cancellationToken)
    {
        _received = received;
        network.Join(this);
        _subscribed.TrySetResult();
        return Task.FromResult(true);
    }

    /// <summary>A message arriving at this replica (lost while disconnected, as with pub/sub).</summary>
    public void Deliver(byte[] message)
    {
        if (_connected)
        {
            _received?.Invoke(message);
        }
    }

    public void Disconnect() => _connected = false;

    public void Reconnect()
    {
        _connected = true;
        Reconnected?.Invoke();
    }
}
