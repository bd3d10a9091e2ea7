using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using ToolCatalog.Api.Tests.Infrastructure;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>What a full reload does to the cache: nothing when nothing changed, a flush when the database was edited behind the API's back.</summary>
public sealed class ReloadCacheTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task A_reload_that_changes_nothing_keeps_the_cache_and_one_after_an_out_of_band_edit_serves_the_edit()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await infra.NewCatalogDatabaseAsync(ct);
        await using var replicas = Replicas.Start(1, database, infra.Redis.ConnectionString);
        var api = replicas.Clients[0];
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/tools", Replicas.Yaml(Replicas.Tool("oob", "1.0.0")), ct)).StatusCode);
        // The version list is cached (it is read from the database); tool reads come from the snapshot.
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/tools/oob/versions", ct)).StatusCode); // built and cached
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/tools/oob/versions", ct)).StatusCode);
        Assert.True(await Replicas.EnabledAsync(api, "oob", ct));
        var missesBefore = await MissesAsync(api, ct);

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/reload", new { }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/tools/oob/versions", ct)).StatusCode);
        Assert.Equal(missesBefore, await MissesAsync(api, ct));

        // An operator's SQL, no revision bump: only a reload can notice it, and then nothing cached may hide it.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(ct);
            await using var edit = new NpgsqlCommand("UPDATE tools SET enabled = false WHERE name = 'oob'", connection);
            Assert.Equal(1, await edit.ExecuteNonQueryAsync(ct));
        }
        Assert.True(await Replicas.EnabledAsync(api, "oob", ct)); // still the served snapshot
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/reload", new { }, ct)).StatusCode);
        Assert.False(await Replicas.EnabledAsync(api, "oob", ct));

        // The stored document itself edited in place: the reload re-reads only documents whose source changed.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(ct);
            await using var edit = new NpgsqlCommand("""
                UPDATE tool_versions SET source = jsonb_set(source::jsonb, '{description}', '"Edited in the database behind the API."')::json
                WHERE is_current AND tool_id = (SELECT id FROM tools WHERE name = 'oob')
                """, connection);
            Assert.Equal(1, await edit.ExecuteNonQueryAsync(ct));
        }
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/v1/reload", new { }, ct)).StatusCode);
        using var doc = JsonDocument.Parse(await api.GetStringAsync("/api/v1/tools/oob", ct));
        Assert.Equal("Edited in the database behind the API.", doc.RootElement.GetProperty("description").GetString());
    }

    private static async Task<long> MissesAsync(HttpClient client, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/v1/metrics", ct));
        return doc.RootElement.GetProperty("cache").GetProperty("misses").GetInt64();
    }
}
