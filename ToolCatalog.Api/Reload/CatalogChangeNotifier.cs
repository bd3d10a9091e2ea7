using ToolCatalog.Api.Data;

namespace ToolCatalog.Api.Reload;

/// <summary>
/// What follows a committed change: every replica serves it (locally now, the others through the invalidation bus), it
/// is recorded as a reload, and a refresh of the statistics view is requested. Runs to completion even when the request
/// that caused it is cancelled: the commit already happened.
/// </summary>
public sealed class CatalogChangeNotifier(ReloadService reloads, StatsRefresher stats)
{
    public async Task CommittedAsync(IReadOnlyCollection<string> tools, long fromRevision, long revision, string trigger, string? actor)
    {
        if (tools.Count == 0)
        {
            return;
        }
        await reloads.ChangesCommittedAsync(tools, fromRevision, revision, trigger, actor);
        stats.Request();
    }
}
