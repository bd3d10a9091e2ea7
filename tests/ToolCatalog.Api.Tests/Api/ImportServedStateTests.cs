using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Testing;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// After an import the replica that ran it serves every tool exactly as a fresh load from the database does (bytes,
/// ETag, status and enabled), although it builds what it serves from the import's own documents instead of reading
/// them back: new, changed, unchanged and operator-changed tools alike, and what the database really stored wins.
/// </summary>
public sealed class ImportServedStateTests(CatalogInfrastructure infra)
{
    private static readonly string[] Tools = ["dig", "systemctl", "journalctl", "chmod", "chown"];

    [Fact]
    public async Task After_a_mixed_import_each_tool_is_served_as_a_fresh_load_from_the_database_serves_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        Assert.Equal(3, (await ImportAsync(host, [ToolFile("dig"), ToolFile("systemctl"), ToolFile("journalctl")], ct))["added"]!.GetValue<int>());
        // Operator state on a tool whose next version the import brings, and on one it leaves unchanged.
        await PatchAsync(host, "systemctl/disable", ct);
        await PatchAsync(host, "journalctl/disable", ct);

        var report = await ImportAsync(host,
        [
            ToolFile("dig", version: "1.2.1", status: "deprecated"),
            ToolFile("systemctl", version: "1.0.1"),
            ToolFile("journalctl"),
            ToolFile("chmod", status: "testing", enabled: false),
            ToolFile("chown"),
        ], ct);

        Assert.Equal([1, 2, 2], new[] { "unchanged", "newVersions", "added" }.Select(k => report[k]!.GetValue<int>()));
        await using var fresh = host.Replica(new Dictionary<string, string?> { ["Cache:Prefix"] = "fresh" + Guid.NewGuid().ToString("N")[..10] });
        foreach (var tool in Tools)
        {
            Assert.Equal(await ServedAsync(fresh, tool, ct), await ServedAsync(host, tool, ct));
        }
        Assert.Equal("deprecated", (await host.GetToolAsync("dig", ct)).Document["status"]!.GetValue<string>());
        Assert.False((await host.GetToolAsync("journalctl", ct)).Document["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_imported_tool_is_served_as_the_database_stored_it_when_that_differs_from_the_file()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        // The database keeps another text than the one sent (as a rule or a migration could): what it holds is served.
        await using (var rewrite = host.Factory.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            CREATE FUNCTION rewrite_description() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.source := replace(NEW.source::text, 'DNS lookup utility', 'DNS lookup tool')::json;
                NEW.content_hash := encode(sha256(convert_to(NEW.source::text, 'UTF8')), 'hex');
                RETURN NEW;
            END $$;
            CREATE TRIGGER rewrite_description BEFORE INSERT ON tool_versions FOR EACH ROW EXECUTE FUNCTION rewrite_description();
            """))
        {
            await rewrite.ExecuteNonQueryAsync(ct);
        }

        Assert.Equal(2, (await ImportAsync(host, [ToolFile("dig"), ToolFile("chmod")], ct))["added"]!.GetValue<int>());

        var (document, _) = await host.GetToolAsync("dig", ct);
        Assert.StartsWith("BIND's DNS lookup tool.", document["description"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var fresh = host.Replica(new Dictionary<string, string?> { ["Cache:Prefix"] = "fresh" + Guid.NewGuid().ToString("N")[..10] });
        Assert.Equal(await ServedAsync(fresh, "dig", ct), await ServedAsync(host, "dig", ct));
        Assert.Equal(await ServedAsync(fresh, "chmod", ct), await ServedAsync(host, "chmod", ct));
    }

    /// <summary>A catalog tool's file, with another version, status or enabled flag when given.</summary>
    private static (string Path, string Text) ToolFile(string tool, string? version = null, string? status = null, bool? enabled = null)
    {
        var text = CatalogYaml(tool);
        text = version is null ? text : Regex.Replace(text, "^version: .*$", $"version: \"{version}\"", RegexOptions.Multiline);
        text = status is null ? text : Regex.Replace(text, "^status: .*$", $"status: {status}", RegexOptions.Multiline);
        text = enabled is null ? text : Regex.Replace(text, "^enabled: .*$", $"enabled: {(enabled.Value ? "true" : "false")}", RegexOptions.Multiline);
        return (Path.GetRelativePath(RepoPaths.Catalog, CatalogFile(tool)), text);
    }

    /// <summary>What a read of the tool answers: the exact bytes and the ETag.</summary>
    private static async Task<(string Body, string? ETag)> ServedAsync(ApiTestHost host, string tool, CancellationToken ct)
    {
        using var response = await host.Anonymous.GetAsync($"{ToolsPath}/{tool}", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(ct), response.Headers.ETag?.Tag);
    }

    private static async Task PatchAsync(ApiTestHost host, string path, CancellationToken ct)
    {
        using var response = await host.Writer.PatchAsync($"{ToolsPath}/{path}", null, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> ImportAsync(ApiTestHost host, IEnumerable<(string Path, string Text)> files, CancellationToken ct)
    {
        using var response = await host.Writer.PostAsync(ToolsPath + "/import", ImportExportRoutesTests.ZipContent(Zip(files)), ct);
        return await ReadJsonAsync(response, HttpStatusCode.OK, ct);
    }
}
