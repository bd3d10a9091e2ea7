using System.Net.Sockets;
using Npgsql;

namespace ToolCatalog.Api.Data;

/// <summary>
/// Tells an outage (PostgreSQL away, shutting down, out of connections, a timeout) from an error in what was asked (an
/// SQL bug, a missing table or permission). Only an outage may be answered with 503, the last good snapshot or the
/// YAML fallback; anything else is a defect and must fail loudly.
/// </summary>
public static class DatabaseFailure
{
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "08000" or "08003" or "08006",
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException or IOException,
        SocketException or TimeoutException => true,
        _ => ex.InnerException is not null && IsUnavailable(ex.InnerException),
    };
}
