using ToolCatalog.Api.Data;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Reload;

/// <summary>
/// What follows a committed change: every replica serves it (locally now, the others through the invalidation bus), it
/// is recorded as a reload (after the writer's answer), and a refresh of the statistics view is requested (in the
/// background). Runs to completion even when the request
/// that caused it is cancelled: the commit already happened.
/// </summary>
public sealed class CatalogChangeNotifier(ReloadService reloads, StatsRefresher stats)
{
    /// <param name="served">The changed tools as the write read them in its transaction; a tool missing from it is gone.</param>
    public async Task CommittedAsync(IReadOnlyCollection<string> tools, long fromRevision, long revision, IReadOnlyList<ServedTool> served,
        string trigger, string? actor)
    {
        if (tools.Count == 0)
        {
            return;
        }
        await reloads.ChangesCommittedAsync(tools, fromRevision, revision, served, trigger, actor);
        stats.Request();
    }
}
