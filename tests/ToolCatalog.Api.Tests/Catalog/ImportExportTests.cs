using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using ToolCatalog.Api.Import;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Catalog;

/// <summary>YAML -> PostgreSQL -> YAML with nothing lost, and imports that are idempotent and all-or-nothing.</summary>
public sealed class ImportExportTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task The_whole_catalog_survives_import_and_export_with_nothing_lost()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        var files = await CatalogDirectory.LoadAsync(RepoPaths.Catalog, ct);

        var clock = Stopwatch.StartNew();
        var report = await Importer(host).ImportAsync(files, "test", dryRun: false, Api, ct);
        TestContext.Current.SendDiagnosticMessage($"imported {report.Added} tools in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(files.Count, report.Added);
        var exportRoot = Directory.CreateTempSubdirectory("toolcatalog-export-").FullName;
        try
        {
            var exported = await host.Factory.Services.GetRequiredService<CatalogExporter>().CurrentAsync(ct);
            Assert.Equal(files.Count, exported.Count);
            foreach (var tool in exported)
            {
                var path = Path.Combine(exportRoot, tool.RelativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, tool.ToYaml(), ct);
            }

            var failures = new List<string>();
            foreach (var file in files)
            {
                var exportedPath = Path.Combine(exportRoot, file.File);
                Assert.True(File.Exists(exportedPath), $"not exported to the same place: {file.File}");
                var differences = YamlDataComparer.Differences(
                    ReadOne(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Catalog, file.File), ct)),
                    ReadOne(await File.ReadAllTextAsync(exportedPath, ct)));
                failures.AddRange(differences.Select(d => $"{file.File}: {d}"));
            }
            Assert.True(failures.Count == 0, string.Join('\n', failures.Take(50)));
        }
        finally
        {
            Directory.Delete(exportRoot, recursive: true);
        }
    }

    [Fact]
    public async Task Importing_the_same_files_again_creates_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        var db = Database(host);
        var files = new[] { Parse(Systemctl, "linux/systemctl.yaml"), Parse(Systemctl.Replace("tool_name: systemctl", "tool_name: systemctl2"), "linux/systemctl2.yaml") };
        var importer = Importer(host);

        var first = await importer.ImportAsync(files, "test", false, Api, ct);
        var second = await importer.ImportAsync(files, "test", false, Api, ct);

        Assert.Equal(2, first.Added);
        Assert.Equal(2, second.Unchanged);
        Assert.Equal(first.Revision, second.Revision);
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM tool_versions", ct));
    }

    [Fact]
    public async Task Changed_content_needs_a_new_version_and_then_becomes_current()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        var db = Database(host);
        var importer = Importer(host);
        await importer.ImportAsync([Parse(Systemctl, "linux/systemctl.yaml")], "test", false, Api, ct);

        var edited = Systemctl.Replace("complexity_score: 0.3", "complexity_score: 0.4");
        var sameVersion = await importer.ImportAsync([Parse(edited, "linux/systemctl.yaml")], "test", false, Api, ct);
        var bumped = await importer.ImportAsync([Parse(edited.Replace("version: \"1.0.0\"", "version: \"1.1.0\""), "linux/systemctl.yaml")], "test", false, Api, ct);

        var rejected = Assert.Single(sameVersion.Files);
        Assert.Equal(ImportOutcome.Invalid, rejected.Outcome);
        Assert.Contains(rejected.Problems, p => p.Path == "version" && p.Message.Contains("immutable", StringComparison.Ordinal));
        Assert.Equal(ImportOutcome.NewVersion, Assert.Single(bumped.Files).Outcome);
        Assert.Equal("1.1.0", await db.ScalarAsync<string>("SELECT version FROM tool_versions WHERE is_current", ct));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM tool_versions", ct));
        Assert.Equal(0.4m, await db.ScalarAsync<decimal>(
            """
            SELECT (p.value->>'complexity_score')::numeric
            FROM tool_versions v, jsonb_each(v.source::jsonb->'capabilities') AS c, jsonb_each(c.value->'patterns') AS p
            WHERE v.is_current AND p.key = 'restart_service'
            """, ct));
        // The columns statistics and ad-hoc SQL read are the stored document's own values.
        var tool = Parse(Systemctl, "linux/systemctl.yaml").Tool!;
        Assert.Equal($"{tool.Platform}|{tool.Category}|{string.Join(',', tool.Tags)}|{tool.Capabilities.Count}|{tool.Capabilities.Sum(c => c.Patterns.Count)}",
            await db.ScalarAsync<string>(
                "SELECT concat_ws('|', platform, category, array_to_string(tags, ','), capability_count, pattern_count) FROM tool_versions WHERE is_current", ct));
    }

    [Fact]
    public async Task An_imported_new_version_is_written_like_a_PUT_with_its_audit_diff_and_the_latest_served_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        var db = Database(host);
        var importer = Importer(host);
        await importer.ImportAsync([Parse(Systemctl, "linux/systemctl.yaml")], "test", false, Api, ct);
        // An operator pinned the first version as the default; a new version serves the latest again.
        await db.ScalarAsync<int>("UPDATE tools SET default_version = '1.0.0' RETURNING 1", ct);

        var edited = Systemctl.Replace("complexity_score: 0.3", "complexity_score: 0.4").Replace("version: \"1.0.0\"", "version: \"1.1.0\"");
        await importer.ImportAsync([Parse(edited, "linux/systemctl.yaml")], "test", false, Api, ct);

        Assert.Equal("none", await db.ScalarAsync<string>("SELECT coalesce(default_version, 'none') FROM tools", ct));
        var diff = JsonNode.Parse(await db.ScalarAsync<string>("SELECT diff::text FROM audit_log WHERE action = 'updated'", ct))!;
        Assert.Equal("1.0.0", diff["from"]!.GetValue<string>());
        Assert.Equal("1.1.0", diff["to"]!.GetValue<string>());
        Assert.Contains(diff["changes"]!.AsArray(), c => c!["path"]!.GetValue<string>().EndsWith("complexity_score", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_files_are_reported_and_the_good_ones_are_still_imported()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        var db = Database(host);
        var bad = Systemctl.Replace("tool_name: systemctl", "tool_name: broken_tool").Replace("complexity_score: 0.3", "complexity_score: 3");
        var files = new[]
        {
            Parse(bad, "linux/broken_tool.yaml"),
            Parse("- just\n- a list\n", "linux/list.yaml"),
            Parse(Systemctl, "linux/systemctl.yaml"),
        };

        var report = await Importer(host).ImportAsync(files, "test", false, Api, ct);

        Assert.Equal([ImportOutcome.Invalid, ImportOutcome.Invalid, ImportOutcome.Added], report.Files.Select(f => f.Outcome));
        Assert.Contains(report.Files[0].Problems, p => p.Path == "capabilities.service_management.patterns.restart_service.complexity_score");
        Assert.Equal(["systemctl"], await ListAsync(db, "SELECT name FROM tools", ct));
    }

    [Fact]
    public async Task A_dry_run_reports_the_outcome_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        var db = Database(host);

        var report = await Importer(host).ImportAsync([Parse(Systemctl, "linux/systemctl.yaml")], "test", dryRun: true, Api, ct);

        Assert.Equal(1, report.Added);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM tools", ct));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT revision FROM catalog_state", ct));
    }

    [Fact]
    public async Task Every_change_gets_its_own_revision_in_the_change_feed_and_the_audit_log()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        var db = Database(host);
        var files = Enumerable.Range(1, 3)
            .Select(i => Parse(Systemctl.Replace("tool_name: systemctl", $"tool_name: tool{i}"), $"linux/tool{i}.yaml")).ToList();

        var report = await Importer(host).ImportAsync(files, "alice", false, Api, ct);

        Assert.Equal(3, report.Revision);
        Assert.Equal(["1:tool1:created", "2:tool2:created", "3:tool3:created"],
            (await ListAsync(db, "SELECT revision || ':' || tool_name || ':' || action FROM catalog_changes ORDER BY revision", ct)).Order());
        Assert.Equal(["alice"], await ListAsync(db, "SELECT DISTINCT actor FROM audit_log", ct));
    }

    [Fact]
    public async Task The_json_export_is_an_array_of_the_stored_documents_in_key_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiTestHost.StartAsync(infra, ct);
        var db = Database(host);
        await Importer(host).ImportAsync([Parse(Systemctl, "linux/systemctl.yaml")], "test", false, Api, ct);

        var json = await host.Factory.Services.GetRequiredService<CatalogExporter>().JsonArrayAsync(ct);

        var document = Assert.Single(JsonNode.Parse(json)!.AsArray())!.AsObject();
        Assert.Equal(["tool_name", "version", "description"], document.Select(p => p.Key).Take(3));
        Assert.Equal("1.0.0", document["version"]!.GetValue<string>());
    }

    private const string Api = ToolCatalog.Api.Reload.ReloadTriggers.Api;

    private static CatalogImporter Importer(ApiTestHost host) => host.Factory.Services.GetRequiredService<CatalogImporter>();

    private static NpgsqlDataSource Database(ApiTestHost host) => host.Factory.Services.GetRequiredService<NpgsqlDataSource>();

    private static readonly string Systemctl = File.ReadAllText(Path.Combine(RepoPaths.Catalog, "linux", "systemctl.yaml"));

    private static ParsedTool Parse(string text, string file) => CatalogDirectory.ParseFile(text, file);

    private static YamlNode ReadOne(string text)
    {
        var problems = new List<CatalogProblem>();
        var docs = YamlReader.ReadAll(text, "x.yaml", problems);
        Assert.Empty(problems);
        return Assert.Single(docs);
    }

    private static async Task<List<string>> ListAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(reader.GetString(0));
        }
        return list;
    }
}
