using System.Net;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>Creating, versioning, deleting, restoring, enabling and rolling back tools, with their audit trail.</summary>
public sealed class WriteRoutesTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task Posting_a_YAML_tool_creates_it_with_201_and_its_Location_and_posting_it_again_is_a_409()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);

        using var created = await host.Writer.PostAsync(ToolsPath, Yaml(CatalogYaml("systemctl")), ct);
        var body = await ReadJsonAsync(created, HttpStatusCode.Created, ct);
        using var again = await host.Writer.PostAsync(ToolsPath, Yaml(CatalogYaml("systemctl")), ct);

        Assert.Equal("/api/v1/tools/systemctl", created.Headers.Location?.OriginalString);
        Assert.Equal(("systemctl", "1.0.0"), (S(body, "name"), S(body, "version")));
        using var read = await host.Anonymous.GetAsync(created.Headers.Location, ct);
        Assert.Equal("systemctl", S(await ReadJsonAsync(read, HttpStatusCode.OK, ct), "tool_name"));
        Assert.Equal(S(body, "eTag"), read.Headers.ETag!.Tag);
        Assert.Equal(created.Headers.ETag, read.Headers.ETag);
        await AssertProblemAsync(again, HttpStatusCode.Conflict, ct);
    }

    [Fact]
    public async Task An_invalid_document_is_a_422_listing_each_problem_by_path_and_nothing_is_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var bad = CatalogYaml("systemctl").Replace("complexity_score: 0.3", "complexity_score: 3", StringComparison.Ordinal)
            .Replace("platform: linux", "platform: amiga", StringComparison.Ordinal);

        using var response = await host.Writer.PostAsync(ToolsPath, Yaml(bad), ct);

        var paths = ErrorPaths(await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ct));
        Assert.Contains("platform", paths);
        Assert.Contains("capabilities.service_management.patterns.restart_service.complexity_score", paths);
        Assert.Equal(0, await host.RevisionAsync(ct));
        using var read = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl", ct);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task Put_stores_a_new_immutable_version_and_a_version_that_exists_is_a_409()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var (_, firstETag) = await host.GetToolAsync("systemctl", ct);
        var next = await host.NextVersionAsync("systemctl", "1.1.0", ct, d => d["description"] = "Second version.");

        using var put = await host.Writer.PutAsync($"{ToolsPath}/systemctl", Json(next), ct);
        var body = await ReadJsonAsync(put, HttpStatusCode.OK, ct);
        next["description"] = "Same version, other content.";
        using var sameVersion = await host.Writer.PutAsync($"{ToolsPath}/systemctl", Json(next), ct);
        next["version"] = "1.0.0";
        using var oldVersion = await host.Writer.PutAsync($"{ToolsPath}/systemctl", Json(next), ct);
        using var unknown = await host.Writer.PutAsync($"{ToolsPath}/nope", Json(next.DeepClone().AsObject().Also(d => d["tool_name"] = "nope")), ct);

        Assert.Equal("1.1.0", S(body, "version"));
        Assert.NotEqual(firstETag, put.Headers.ETag!.Tag);
        var (current, etag) = await host.GetToolAsync("systemctl", ct);
        Assert.Equal(("1.1.0", "Second version."), (S(current, "version"), S(current, "description")));
        Assert.Equal(put.Headers.ETag.Tag, etag);
        await AssertProblemAsync(sameVersion, HttpStatusCode.Conflict, ct);
        await AssertProblemAsync(oldVersion, HttpStatusCode.Conflict, ct);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, ct);
        using var versions = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/versions", ct);
        Assert.Equal(2, (await ReadJsonAsync(versions, HttpStatusCode.OK, ct)).AsArray().Count);
    }

    [Fact]
    public async Task If_Match_with_a_stale_etag_is_a_412_and_with_the_current_one_the_write_goes_through()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var (_, stale) = await host.GetToolAsync("systemctl", ct);
        using (var disable = await host.Writer.PatchAsync($"{ToolsPath}/systemctl/disable", null, ct))
        {
            await ReadJsonAsync(disable, HttpStatusCode.OK, ct);
        }
        var (_, fresh) = await host.GetToolAsync("systemctl", ct);
        var next = await host.NextVersionAsync("systemctl", "1.1.0", ct);

        using var withStale = await SendAsync(host.Writer, HttpMethod.Put, $"{ToolsPath}/systemctl", Json(next), stale, ct);
        using var deleteStale = await SendAsync(host.Writer, HttpMethod.Delete, $"{ToolsPath}/systemctl", null, stale, ct);
        using var withFresh = await SendAsync(host.Writer, HttpMethod.Put, $"{ToolsPath}/systemctl", Json(next), fresh, ct);
        using var withStar = await SendAsync(host.Writer, HttpMethod.Patch, $"{ToolsPath}/systemctl/enable", null, "*", ct);

        Assert.NotEqual(stale, fresh);
        await AssertProblemAsync(withStale, HttpStatusCode.PreconditionFailed, ct);
        await AssertProblemAsync(deleteStale, HttpStatusCode.PreconditionFailed, ct);
        await ReadJsonAsync(withFresh, HttpStatusCode.OK, ct);
        await ReadJsonAsync(withStar, HttpStatusCode.OK, ct);
        Assert.Equal("1.1.0", S((await host.GetToolAsync("systemctl", ct)).Document, "version"));
    }

    [Fact]
    public async Task When_the_catalog_requires_If_Match_a_write_without_it_is_a_428()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?> { ["Catalog:RequireIfMatch"] = "true" });
        using (var created = await host.Writer.PostAsync(ToolsPath, Yaml(CatalogYaml("systemctl")), ct))
        {
            await ReadJsonAsync(created, HttpStatusCode.Created, ct);
        }
        var (_, etag) = await host.GetToolAsync("systemctl", ct);
        var next = await host.NextVersionAsync("systemctl", "1.1.0", ct);

        using var put = await host.Writer.PutAsync($"{ToolsPath}/systemctl", Json(next), ct);
        using var disable = await host.Writer.PatchAsync($"{ToolsPath}/systemctl/disable", null, ct);
        using var delete = await host.Writer.DeleteAsync($"{ToolsPath}/systemctl", ct);
        using var rollback = await host.Writer.PostAsync($"{ToolsPath}/systemctl/rollback", Json("""{"version":"1.0.0"}"""), ct);
        var revision = await host.RevisionAsync(ct);
        using var withIfMatch = await SendAsync(host.Writer, HttpMethod.Put, $"{ToolsPath}/systemctl", Json(next), etag, ct);

        foreach (var response in (HttpResponseMessage[])[put, disable, delete, rollback])
        {
            await AssertProblemAsync(response, (HttpStatusCode)428, ct);
        }
        Assert.Equal(1, revision);
        await ReadJsonAsync(withIfMatch, HttpStatusCode.OK, ct);
    }

    [Fact]
    public async Task Put_with_a_tool_name_other_than_the_url_is_a_400_naming_tool_name()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig");
        var next = await host.NextVersionAsync("systemctl", "1.1.0", ct);

        using var response = await host.Writer.PutAsync($"{ToolsPath}/dig", Json(next), ct);

        Assert.Contains("tool_name", ErrorPaths(await AssertProblemAsync(response, HttpStatusCode.BadRequest, ct)));
        Assert.Equal("1.2.0", S((await host.GetToolAsync("dig", ct)).Document, "version"));
    }

    [Fact]
    public async Task A_deleted_tool_is_gone_from_reads_until_it_is_restored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl", "dig");
        var (before, etag) = await host.GetToolAsync("systemctl", ct);

        using var delete = await host.Writer.DeleteAsync($"{ToolsPath}/systemctl?reason=retired", ct);
        using var read = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl", ct);
        using var list = await host.Anonymous.GetAsync(ToolsPath, ct);
        using var put = await host.Writer.PutAsync($"{ToolsPath}/systemctl", Json(before.DeepClone().AsObject().Also(d => d["version"] = "9.0.0")), ct);
        using var post = await host.Writer.PostAsync(ToolsPath, Yaml(CatalogYaml("systemctl")), ct);
        using var restore = await host.Writer.PostAsync($"{ToolsPath}/systemctl/restore", null, ct);
        using var restoreAgain = await host.Writer.PostAsync($"{ToolsPath}/systemctl/restore", null, ct);

        await ReadJsonAsync(delete, HttpStatusCode.OK, ct);
        await AssertProblemAsync(read, HttpStatusCode.NotFound, ct);
        Assert.Equal(["dig"], (await ReadJsonAsync(list, HttpStatusCode.OK, ct))["items"]!.AsArray().Select(i => S(i!, "name")));
        await AssertProblemAsync(put, HttpStatusCode.Conflict, ct);
        await AssertProblemAsync(post, HttpStatusCode.Conflict, ct);
        await ReadJsonAsync(restore, HttpStatusCode.OK, ct);
        await AssertProblemAsync(restoreAgain, HttpStatusCode.Conflict, ct);
        var (after, etagAfter) = await host.GetToolAsync("systemctl", ct);
        Assert.True(JsonNode.DeepEquals(before, after));
        Assert.Equal(etag, etagAfter);
        var actions = await host.AuditActionsAsync("systemctl", ct);
        Assert.Equal(["restored", "deleted", "created"], actions.Select(a => a.Action));
        Assert.Equal("retired", actions[1].Reason);
    }

    [Fact]
    public async Task Purging_needs_the_admin_role_and_removes_the_tool_with_its_history()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");

        using var byWriter = await host.Writer.DeleteAsync($"{ToolsPath}/systemctl?purge=true", ct);
        using var stillThere = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl", ct);
        using var byAdmin = await host.Admin.DeleteAsync($"{ToolsPath}/systemctl?purge=true", ct);
        using var versions = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/versions", ct);
        using var restore = await host.Admin.PostAsync($"{ToolsPath}/systemctl/restore", null, ct);
        using var recreate = await host.Writer.PostAsync(ToolsPath, Yaml(CatalogYaml("systemctl")), ct);

        await AssertProblemAsync(byWriter, HttpStatusCode.Forbidden, ct);
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
        await ReadJsonAsync(byAdmin, HttpStatusCode.OK, ct);
        await AssertProblemAsync(versions, HttpStatusCode.NotFound, ct);
        await AssertProblemAsync(restore, HttpStatusCode.NotFound, ct);
        await ReadJsonAsync(recreate, HttpStatusCode.Created, ct);
        Assert.Contains(await host.AuditActionsAsync("systemctl", ct), a => a.Action == "purged" && a.Actor == AdminName);
    }

    [Fact]
    public async Task Enable_disable_and_status_change_what_is_served_without_a_new_version()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");

        using var disable = await host.Writer.PatchAsync($"{ToolsPath}/systemctl/disable", Json("""{"reason":"flaky"}"""), ct);
        var disabled = (await host.GetToolAsync("systemctl", ct)).Document;
        using var enable = await host.Writer.PatchAsync($"{ToolsPath}/systemctl/enable", null, ct);
        using var status = await host.Writer.PatchAsync($"{ToolsPath}/systemctl/status", Yaml("status: deprecated\nreason: use systemd-run\n"), ct);
        using var noReason = await host.Writer.PatchAsync($"{ToolsPath}/systemctl/status", Json("""{"status":"testing"}"""), ct);
        using var unknownStatus = await host.Writer.PatchAsync($"{ToolsPath}/systemctl/status", Json("""{"status":"retired","reason":"x"}"""), ct);
        using var unknownTool = await host.Writer.PatchAsync($"{ToolsPath}/nope/disable", null, ct);

        await ReadJsonAsync(disable, HttpStatusCode.OK, ct);
        Assert.False(disabled["enabled"]!.GetValue<bool>());
        await ReadJsonAsync(enable, HttpStatusCode.OK, ct);
        await ReadJsonAsync(status, HttpStatusCode.OK, ct);
        Assert.Contains("reason", ErrorPaths(await AssertProblemAsync(noReason, HttpStatusCode.BadRequest, ct)));
        Assert.Contains("status", ErrorPaths(await AssertProblemAsync(unknownStatus, HttpStatusCode.BadRequest, ct)));
        await AssertProblemAsync(unknownTool, HttpStatusCode.NotFound, ct);
        var current = (await host.GetToolAsync("systemctl", ct)).Document;
        Assert.Equal(("deprecated", true, "1.0.0"), (S(current, "status"), current["enabled"]!.GetValue<bool>(), S(current, "version")));
        using var deprecated = await host.Anonymous.GetAsync($"{ToolsPath}?status=deprecated", ct);
        Assert.Single((await ReadJsonAsync(deprecated, HttpStatusCode.OK, ct))["items"]!.AsArray());
        var actions = await host.AuditActionsAsync("systemctl", ct);
        Assert.Equal(["status_changed", "enabled", "disabled", "created"], actions.Select(a => a.Action));
        Assert.Equal(("use systemd-run", "flaky"), (actions[0].Reason, actions[2].Reason));
        using var versions = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/versions", ct);
        Assert.Single((await ReadJsonAsync(versions, HttpStatusCode.OK, ct)).AsArray());
    }

    [Fact]
    public async Task Rollback_creates_a_new_version_with_the_old_content_and_never_rewrites_history()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "systemctl");
        var next = await host.NextVersionAsync("systemctl", "1.1.0", ct, d => d["description"] = "A worse version.");
        using (var put = await host.Writer.PutAsync($"{ToolsPath}/systemctl", Json(next), ct))
        {
            await ReadJsonAsync(put, HttpStatusCode.OK, ct);
        }
        using var historyBefore = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/versions", ct);
        var before = (await ReadJsonAsync(historyBefore, HttpStatusCode.OK, ct)).AsArray();

        using var rollback = await host.Writer.PostAsync($"{ToolsPath}/systemctl/rollback", Json("""{"version":"1.0.0","reason":"1.1.0 broke"}"""), ct);
        using var unknown = await host.Writer.PostAsync($"{ToolsPath}/systemctl/rollback", Json("""{"version":"0.1.0"}"""), ct);
        using var noVersion = await host.Writer.PostAsync($"{ToolsPath}/systemctl/rollback", Json("""{"version":""}"""), ct);

        var body = await ReadJsonAsync(rollback, HttpStatusCode.OK, ct);
        var newVersion = S(body, "version");
        Assert.NotEqual("1.0.0", newVersion);
        Assert.StartsWith("1.0.0", newVersion, StringComparison.Ordinal);
        var (current, _) = await host.GetToolAsync("systemctl", ct);
        using var targetResponse = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/versions/1.0.0", ct);
        var target = (await ReadJsonAsync(targetResponse, HttpStatusCode.OK, ct)).AsObject();
        Assert.Equal(newVersion, S(current, "version"));
        current.Remove("version");
        target.Remove("version");
        Assert.True(JsonNode.DeepEquals(target, current), "the rolled-back content differs from the target's");
        using var historyAfter = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/versions", ct);
        var after = (await ReadJsonAsync(historyAfter, HttpStatusCode.OK, ct)).AsArray();
        Assert.Equal([newVersion, "1.1.0", "1.0.0"], after.Select(v => S(v!, "version")));
        Assert.True(JsonNode.DeepEquals(before[0]!["contentHash"], after[1]!["contentHash"]));
        Assert.True(JsonNode.DeepEquals(before[1]!["contentHash"], after[2]!["contentHash"]));
        Assert.True(JsonNode.DeepEquals(before[0]!["createdAt"], after[1]!["createdAt"]));
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, ct);
        Assert.Contains("version", ErrorPaths(await AssertProblemAsync(noVersion, HttpStatusCode.BadRequest, ct)));
        var entry = (await host.AuditActionsAsync("systemctl", ct))[0];
        Assert.Equal(("rolled_back", WriterName, "1.1.0 broke", newVersion), (entry.Action, entry.Actor, entry.Reason, entry.Version));
        Assert.Contains(entry.Diff!["changes"]!.AsArray(), c => S(c!, "path") == "description");
    }

    [Fact]
    public async Task Validate_reports_problems_by_path_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var bad = CatalogYaml("dig").Replace("platform: network", "platform: amiga", StringComparison.Ordinal);

        using var valid = await host.Writer.PostAsync($"{ToolsPath}/validate", Yaml(CatalogYaml("systemctl")), ct);
        using var invalid = await host.Writer.PostAsync($"{ToolsPath}/validate", Yaml(bad), ct);
        using var multi = await host.Writer.PostAsync($"{ToolsPath}/validate", Yaml(CatalogYaml("systemctl") + "\n---\n" + bad), ct);

        var ok = await ReadJsonAsync(valid, HttpStatusCode.OK, ct);
        Assert.True(ok["valid"]!.GetValue<bool>());
        Assert.Equal("systemctl", S(ok["documents"]![0]!, "tool"));
        var report = await ReadJsonAsync(invalid, HttpStatusCode.OK, ct);
        Assert.False(report["valid"]!.GetValue<bool>());
        Assert.Contains(report["documents"]![0]!["problems"]!.AsArray(), p => S(p!, "path") == "platform");
        Assert.Equal([true, false], (await ReadJsonAsync(multi, HttpStatusCode.OK, ct))["documents"]!.AsArray().Select(d => d!["valid"]!.GetValue<bool>()));
        Assert.Equal(0, await host.RevisionAsync(ct));
        using var list = await host.Anonymous.GetAsync(ToolsPath, ct);
        Assert.Empty((await ReadJsonAsync(list, HttpStatusCode.OK, ct))["items"]!.AsArray());
    }
}
