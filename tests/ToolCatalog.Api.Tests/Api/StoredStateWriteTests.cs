using System.Net;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// A write decides on what is stored, not on what this replica serves: the lock reads a tool's current document from
/// the snapshot only when the snapshot holds that very row.
/// </summary>
public sealed class StoredStateWriteTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task If_Match_is_checked_against_the_stored_version_even_when_it_changed_behind_the_APIs_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var (_, served) = await host.GetToolAsync("systemctl", ct);
        // An operator edits the stored current version with SQL; this replica still serves (and would take from its
        // snapshot) the old document, whose ETag no longer describes what is stored.
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(host.Database))
        {
            Assert.Equal(1, await dataSource.ScalarAsync<int>("""
                WITH edited AS (
                    UPDATE tool_versions SET source = jsonb_set(source::jsonb, '{description}', '"edited in the database"')::json
                    WHERE is_current AND tool_id = (SELECT id FROM tools WHERE name = 'systemctl') RETURNING 1)
                SELECT count(*)::int FROM edited
                """, ct));
        }
        var next = await host.NextVersionAsync("systemctl", "1.1.0", ct);

        using var stale = await SendAsync(host.Writer, HttpMethod.Put, $"{ToolsPath}/systemctl", Json(next), served, ct);

        await AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed, ct);
        Assert.Equal("1.0.0", S((await host.GetToolAsync("systemctl", ct)).Document, "version"));
    }

    [Fact]
    public async Task A_default_version_pinned_in_the_database_is_served_and_matched_by_If_Match_and_a_new_version_serves_the_latest_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        using (var second = await SendAsync(host.Writer, HttpMethod.Put, $"{ToolsPath}/systemctl", Json(await host.NextVersionAsync("systemctl", "1.1.0", ct)), null, ct))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }
        // An operator pins the first version with SQL; a reload makes the replica serve what is stored.
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(host.Database))
        {
            Assert.Equal(1, await dataSource.ScalarAsync<int>("UPDATE tools SET default_version = '1.0.0' WHERE name = 'systemctl' RETURNING 1", ct));
        }
        using (var reload = await host.Admin.PostAsync($"{Base}/reload", Json("{}"), ct))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }
        var (pinned, pinnedETag) = await host.GetToolAsync("systemctl", ct);
        Assert.Equal("1.0.0", S(pinned, "version"));
        using (var list = await host.Reader.GetAsync($"{ToolsPath}?name=systemctl", ct))
        {
            Assert.Equal(1, (await ReadJsonAsync(list, HttpStatusCode.OK, ct))["total"]!.GetValue<int>()); // served once, at the pinned version
        }

        // If-Match names what the client read: the pinned version.
        using var third = await SendAsync(host.Writer, HttpMethod.Put, $"{ToolsPath}/systemctl", Json(await host.NextVersionAsync("systemctl", "1.2.0", ct)),
            pinnedETag, ct);

        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal("1.2.0", S((await host.GetToolAsync("systemctl", ct)).Document, "version"));
        await using var db = Npgsql.NpgsqlDataSource.Create(host.Database);
        Assert.Equal("1.0.0", await db.ScalarAsync<string>("SELECT diff->>'from' FROM audit_log WHERE version = '1.2.0'", ct));
    }
}
