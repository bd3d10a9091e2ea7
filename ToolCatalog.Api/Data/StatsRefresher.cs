using System.Threading.Channels;
using Npgsql;

namespace ToolCatalog.Api.Data;

/// <summary>
/// Keeps the <c>catalog_stats</c> view current without making writers wait for it. A refresh costs about as much as a
/// write, so refreshing inside every write halved write throughput; here requests made while a refresh runs (or during
/// the pause after it) collapse into one more refresh. The view records the revision it reflects, so readers can tell.
/// </summary>
public sealed partial class StatsRefresher(NpgsqlDataSource dataSource, ILogger<StatsRefresher> logger) : BackgroundService
{
    // Bounds refreshes to one a second under a write burst; the counts lag the last write by up to this much. A refresh
    // recounts every version ever stored (tens of milliseconds of PostgreSQL CPU after a few thousand writes), and ten a
    // second took a sixth of a core away from the writes that caused them.
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Asks for a refresh; returns at once. Requests already pending absorb this one.</summary>
    public void Request() => _requests.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var _ in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var cmd = dataSource.CreateCommand("REFRESH MATERIALIZED VIEW CONCURRENTLY catalog_stats");
                await cmd.ExecuteNonQueryAsync(stoppingToken);
                await Task.Delay(Pause, stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The database is away: try again later; the stats route asks again when it sees stale counts.
                LogFailed(logger, ex.Message);
                await Task.Delay(RetryAfterFailure, stoppingToken);
                Request();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the statistics view failed; retrying: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
