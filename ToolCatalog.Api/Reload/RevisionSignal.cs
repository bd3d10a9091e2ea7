namespace ToolCatalog.Api.Reload;

/// <summary>
/// Wakes waiters (change-feed streams) whenever this replica applies new revisions, without polling: each Notify
/// completes the current task and installs a fresh one.
/// </summary>
public sealed class RevisionSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync(CancellationToken cancellationToken) => Volatile.Read(ref _next).Task.WaitAsync(cancellationToken);

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
