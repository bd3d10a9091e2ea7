using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>Bulk import (YAML multi-document, JSON array, zip; dry run) and export (zip of YAML, JSON array) over HTTP.</summary>
public sealed class ImportExportRoutesTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task A_YAML_multi_document_import_adds_each_tool_and_a_repeat_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var body = CatalogYaml("systemctl") + "\n---\n" + CatalogYaml("dig");

        using var first = await host.Writer.PostAsync($"{ToolsPath}/import", Yaml(body), ct);
        var report = await ReadJsonAsync(first, HttpStatusCode.OK, ct);
        using var second = await host.Writer.PostAsync($"{ToolsPath}/import", Yaml(body), ct);
        var repeat = await ReadJsonAsync(second, HttpStatusCode.OK, ct);

        Assert.Equal((2, 2L, false), (report["added"]!.GetValue<int>(), report["revision"]!.GetValue<long>(), report["dryRun"]!.GetValue<bool>()));
        Assert.Equal(["systemctl", "dig"], report["files"]!.AsArray().Select(f => S(f!, "tool")));
        Assert.Equal(2, repeat["unchanged"]!.GetValue<int>());
        Assert.Equal(2, Revision(second));
        Assert.Equal(2, await host.RevisionAsync(ct));
        Assert.Equal("1.2.0", S((await host.GetToolAsync("dig", ct)).Document, "version"));
    }

    [Fact]
    public async Task A_JSON_array_import_adds_each_element_and_reports_bad_ones_by_index()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var (document, _) = await host.GetToolAsync("systemctl", ct);
        var array = new JsonArray(
            document.DeepClone().AsObject().Also(d => d["tool_name"] = "copy_a"),
            document.DeepClone().AsObject().Also(d => d["tool_name"] = "copy_b"),
            document.DeepClone().AsObject().Also(d => { d["tool_name"] = "copy_c"; d["platform"] = "amiga"; }));

        using var response = await host.Writer.PostAsync($"{ToolsPath}/import", Json(array), ct);

        var report = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Equal(["Added", "Added", "Invalid"], report["files"]!.AsArray().Select(f => S(f!, "outcome")));
        Assert.Equal("body[2]", S(report["files"]![2]!, "file"));
        Assert.Contains(report["files"]![2]!["problems"]!.AsArray(), p => S(p!, "path") == "platform");
        using var list = await host.Anonymous.GetAsync($"{ToolsPath}?name=copy_", ct);
        Assert.Equal(["copy_a", "copy_b"], (await ReadJsonAsync(list, HttpStatusCode.OK, ct))["items"]!.AsArray().Select(i => S(i!, "name")));
    }

    [Fact]
    public async Task A_zip_of_YAML_files_imports_each_file_and_a_new_version_in_it_becomes_current()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var zip = Zip([
            ("linux/systemctl.yaml", CatalogYaml("systemctl").Replace("version: \"1.0.0\"", "version: \"1.0.1\"", StringComparison.Ordinal)
                .Replace("complexity_score: 0.3", "complexity_score: 0.4", StringComparison.Ordinal)),
            ("network/dig.yaml", CatalogYaml("dig")),
            ("kubernetes/kubectl_logs.yml", CatalogYaml("kubectl_logs")),
            ("README.md", "not a tool"),
        ]);

        using var response = await host.Writer.PostAsync($"{ToolsPath}/import", ZipContent(zip), ct);

        var report = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Equal(["NewVersion", "Added", "Added"], report["files"]!.AsArray().Select(f => S(f!, "outcome")));
        Assert.Equal("1.0.1", S((await host.GetToolAsync("systemctl", ct)).Document, "version"));
        Assert.Equal(4, await host.RevisionAsync(ct));
        Assert.Equal(["updated", "created"], (await host.AuditActionsAsync("systemctl", ct)).Select(a => a.Action));
    }

    [Fact]
    public async Task A_dry_run_reports_what_would_happen_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var body = CatalogYaml("dig") + "\n---\n" + CatalogYaml("systemctl").Replace("version: \"1.0.0\"", "version: \"2.0.0\"", StringComparison.Ordinal)
            .Replace("complexity_score: 0.3", "complexity_score: 0.5", StringComparison.Ordinal);

        using var yaml = await host.Writer.PostAsync($"{ToolsPath}/import?dryRun=true", Yaml(body), ct);
        using var zip = await host.Writer.PostAsync($"{ToolsPath}/import?dryRun=true", ZipContent(Zip([("network/dig.yaml", CatalogYaml("dig"))])), ct);

        var report = await ReadJsonAsync(yaml, HttpStatusCode.OK, ct);
        Assert.True(report["dryRun"]!.GetValue<bool>());
        // Nothing was committed, so there is no revision to report (it used to show one that never existed).
        Assert.Null(report["revision"]);
        Assert.Equal(["Added", "NewVersion"], report["files"]!.AsArray().Select(f => S(f!, "outcome")));
        Assert.Equal(["Added"], (await ReadJsonAsync(zip, HttpStatusCode.OK, ct))["files"]!.AsArray().Select(f => S(f!, "outcome")));
        Assert.Equal(1, await host.RevisionAsync(ct));
        using var list = await host.Anonymous.GetAsync(ToolsPath, ct);
        Assert.Equal(["systemctl"], (await ReadJsonAsync(list, HttpStatusCode.OK, ct))["items"]!.AsArray().Select(i => S(i!, "name")));
        Assert.Equal("1.0.0", S((await host.GetToolAsync("systemctl", ct)).Document, "version"));
        using var versions = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/versions", ct);
        Assert.Single((await ReadJsonAsync(versions, HttpStatusCode.OK, ct)).AsArray());
    }

    [Fact]
    public async Task Export_is_a_zip_of_YAML_files_in_platform_folders_holding_what_is_served()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");
        using (var delete = await host.Writer.DeleteAsync($"{ToolsPath}/kubectl_logs", ct))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        using var response = await host.Anonymous.GetAsync($"{ToolsPath}/export", ct);
        using var explicitYaml = await host.Anonymous.GetAsync($"{ToolsPath}/export?format=yaml", ct);
        using var bad = await host.Anonymous.GetAsync($"{ToolsPath}/export?format=xml", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, explicitYaml.StatusCode);
        using var archive = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync(ct)), ZipArchiveMode.Read);
        Assert.Equal(["linux/systemctl.yaml", "network/dig.yaml"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        foreach (var entry in archive.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            var exported = ReadYaml(await reader.ReadToEndAsync(ct));
            var tool = Path.GetFileNameWithoutExtension(entry.Name);
            Assert.Empty(YamlDataComparer.Differences(ReadYaml(CatalogYaml(tool)), exported));
        }
        Assert.Contains("format", ErrorPaths(await AssertProblemAsync(bad, HttpStatusCode.BadRequest, ct)));
    }

    [Fact]
    public async Task The_JSON_export_is_an_array_of_the_current_documents_and_imports_back_unchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig");

        using var response = await host.Anonymous.GetAsync($"{ToolsPath}/export?format=json", ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        using var reimport = await host.Writer.PostAsync($"{ToolsPath}/import", Json(text), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var documents = JsonNode.Parse(text)!.AsArray();
        Assert.Equal(["dig", "systemctl"], documents.Select(d => S(d!, "tool_name")).Order(StringComparer.Ordinal));
        foreach (var document in documents)
        {
            var (served, _) = await host.GetToolAsync(S(document!, "tool_name"), ct);
            Assert.True(JsonNode.DeepEquals(served, document));
        }
        Assert.Equal(["Unchanged", "Unchanged"], (await ReadJsonAsync(reimport, HttpStatusCode.OK, ct))["files"]!.AsArray().Select(f => S(f!, "outcome")));
    }

    [Fact]
    public async Task Every_write_is_in_the_audit_log_with_the_key_name_as_actor_and_a_diff_for_new_versions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        using (var created = await host.Writer.PostAsync($"{ToolsPath}?reason=first", Yaml(CatalogYaml("systemctl")), ct))
        {
            await ReadJsonAsync(created, HttpStatusCode.Created, ct);
        }
        await host.SeedAsync(ct, "dig");
        var next = await host.NextVersionAsync("systemctl", "1.1.0", ct, d => d["description"] = "Edited for the audit log.");
        using (var put = await host.Admin.PutAsync($"{ToolsPath}/systemctl?reason=edit", Json(next), ct))
        {
            await ReadJsonAsync(put, HttpStatusCode.OK, ct);
        }

        var entries = await host.AuditActionsAsync("systemctl", ct);
        using var all = await host.Anonymous.GetAsync($"{Base}/audit", ct);
        using var limited = await host.Anonymous.GetAsync($"{Base}/audit?limit=1", ct);
        using var badLimit = await host.Anonymous.GetAsync($"{Base}/audit?limit=0", ct);

        Assert.Equal([("updated", AdminName, "1.1.0", "edit"), ("created", WriterName, "1.0.0", "first")],
            entries.Select(e => (e.Action, e.Actor, e.Version, e.Reason)));
        var diff = entries[0].Diff!;
        Assert.Equal(("1.0.0", "1.1.0"), (S(diff, "from"), S(diff, "to")));
        Assert.Contains(diff["changes"]!.AsArray(), c => S(c!, "path") == "description" && S(c!, "kind") == "changed");
        Assert.Empty(diff["breaking"]!.AsArray());
        var everything = (await ReadJsonAsync(all, HttpStatusCode.OK, ct)).AsArray();
        Assert.Equal([3L, 2L, 1L], everything.Select(e => e!["revision"]!.GetValue<long>()));
        Assert.Equal(3, Assert.Single((await ReadJsonAsync(limited, HttpStatusCode.OK, ct)).AsArray())!["revision"]!.GetValue<long>());
        Assert.Contains("limit", ErrorPaths(await AssertProblemAsync(badLimit, HttpStatusCode.BadRequest, ct)));
    }

    internal static ByteArrayContent ZipContent(byte[] zip)
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    private static YamlNode ReadYaml(string text)
    {
        var problems = new List<CatalogProblem>();
        var documents = YamlReader.ReadAll(text, "test", problems);
        Assert.Empty(problems);
        return Assert.Single(documents);
    }
}
