using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// Importing again what is stored changes nothing and is decided without locking the tools' rows; a file imported
/// before byte for byte whose tool changed since is judged against the tool as it is now, not taken as unchanged.
/// </summary>
public sealed class UnchangedImportTests(CatalogInfrastructure infra)
{
    private static readonly (string Path, string Text)[] Files =
        [("linux/systemctl.yaml", CatalogYaml("systemctl")), ("network/dig.yaml", CatalogYaml("dig"))];

    [Fact]
    public async Task Reimporting_unchanged_files_answers_while_another_writer_holds_their_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var zip = Zip(Files);
        Assert.Equal(2, (await ImportAsync(host, zip, ct))["added"]!.GetValue<int>());

        // Another writer's transaction holds dig's row; an import that changes nothing must not wait for it.
        await using var other = await host.Factory.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
        await using var holding = await other.BeginTransactionAsync(ct);
        await using (var lockRow = new NpgsqlCommand("SELECT id FROM tools WHERE name = 'dig' FOR UPDATE", other, holding))
        {
            await lockRow.ExecuteNonQueryAsync(ct);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var again = await ImportAsync(host, zip, deadline.Token);
        await holding.RollbackAsync(ct);

        Assert.Equal(2, again["unchanged"]!.GetValue<int>());
        Assert.Equal(0, again["added"]!.GetValue<int>() + again["newVersions"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_file_imported_before_is_judged_against_the_tool_as_changed_since()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var zip = Zip(Files);
        await ImportAsync(host, zip, ct);
        var next = await host.NextVersionAsync("dig", "9.9.9", ct, d => d["description"] = "Changed since the import.");
        using (var put = await host.Writer.PutAsync($"{ToolsPath}/dig", Json(next), ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var again = await ImportAsync(host, zip, ct);

        var outcomes = again["files"]!.AsArray().ToDictionary(f => f!["tool"]!.GetValue<string>(), f => f!["outcome"]!.GetValue<string>());
        Assert.Equal("Unchanged", outcomes["systemctl"]);
        // Its version is stored with other content than the tool's current one: refused as any such file is.
        Assert.Equal("Invalid", outcomes["dig"]);
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> ImportAsync(ApiTestHost host, byte[] zip, CancellationToken ct)
    {
        using var response = await host.Writer.PostAsync(ToolsPath + "/import", ImportExportRoutesTests.ZipContent(zip), ct);
        return await ReadJsonAsync(response, HttpStatusCode.OK, ct);
    }
}
