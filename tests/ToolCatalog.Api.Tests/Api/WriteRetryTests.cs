using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Testing;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>A write that PostgreSQL picks as a deadlock victim runs again instead of answering 500.</summary>
public sealed class WriteRetryTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task A_PUT_chosen_as_a_deadlock_victim_is_retried_and_stored_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var next = await host.NextVersionAsync("systemctl", "1.2.0", ct);
        var db = host.Factory.Services.GetRequiredService<NpgsqlDataSource>();

        // Another session holds the revision row, which every writer takes last, so the PUT locks the tool and then waits.
        await using var other = await db.OpenConnectionAsync(ct);
        await using var otherTx = await other.BeginTransactionAsync(ct);
        await ExecuteAsync(other, otherTx, "UPDATE catalog_state SET revision = revision", ct);
        var put = SendAsync(host.Writer, HttpMethod.Put, $"{ToolsPath}/systemctl", Json(next), null, ct);
        await Eventually.HoldsAsync("the PUT waits for the revision row", async () =>
        {
            await using var waiting = db.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE catalog_state SET revision = revision +%'");
            return (long)(await waiting.ExecuteScalarAsync(ct))! > 0;
        }, TimeSpan.FromSeconds(15), null, ct);

        // Now the other session asks for the tool: a cycle. PostgreSQL fails the transaction that waited longer, the PUT's.
        await ExecuteAsync(other, otherTx, "SELECT id FROM tools WHERE name = 'systemctl' FOR UPDATE", ct);
        await otherTx.RollbackAsync(ct);

        using var response = await put;
        var body = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Equal("1.2.0", body["version"]!.GetValue<string>());
        await using var versions = db.CreateCommand("SELECT string_agg(version, ',' ORDER BY seq) FROM tool_versions");
        Assert.Equal("1.0.0,1.2.0", (string)(await versions.ExecuteScalarAsync(ct))!);
        Assert.Single(await host.AuditActionsAsync("systemctl", ct), a => a.Action == "updated");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
