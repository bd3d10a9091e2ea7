using Npgsql;
using ToolCatalog.Api.Data;
using ToolCatalog.Api.Profiles;

namespace ToolCatalog.Api.Reload;

/// <summary>
/// What happens after a change commits: this replica's snapshot takes the changed tools and the statistics view is
/// refreshed. Runs to completion even when the request that caused it is cancelled: the commit already happened.
/// </summary>
public sealed class CatalogChangeNotifier(ProfileLoader loader, NpgsqlDataSource dataSource)
{
    public async Task CommittedAsync(IReadOnlyCollection<string> tools, long revision)
    {
        if (tools.Count == 0)
        {
            return;
        }
        await loader.ApplyChangesAsync(tools, CancellationToken.None);
        await StatsRefresher.RefreshAsync(dataSource, CancellationToken.None);
        _ = revision;
    }
}
