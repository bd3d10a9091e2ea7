using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;
using ToolCatalog.Testing;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>Import with upgrade=true: legacy shapes and values outside the vocabulary import whole, and export back value by value.</summary>
public sealed class UpgradeImportTests(CatalogInfrastructure infra)
{
    private static readonly string Legacy = Path.Combine(RepoPaths.Root, "tests", "ToolCatalog.Catalog.Tests", "Upgrade", "legacy");

    private static List<(string Path, string Text)> LegacyFiles() =>
        Directory.EnumerateFiles(Legacy, "*.yaml", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(Legacy, f).Replace('\\', '/'), File.ReadAllText(f))).ToList();

    /// <summary>Where each value of old/dig.yaml lives after the upgrade; the test checks this list covers every source value.</summary>
    private static readonly (string From, string To)[] DigMapping =
    [
        ("tool.name", "tool_name"), ("tool.version", "version"), ("tool.description", "description"), ("tool.platform", "platform"),
        ("tool.category", "category"), ("tool.maintainer", "maintainer"),
        ("tool.capability.name", "capabilities.dns_query"),
        ("tool.capability.description", "capabilities.dns_query.description"),
        ("tool.pattern.name", "capabilities.dns_query.patterns.single_lookup"),
        ("tool.pattern.description", "capabilities.dns_query.patterns.single_lookup.description"),
        ("tool.pattern.typical_use_cases", "capabilities.dns_query.patterns.single_lookup.typical_use_cases"),
        ("tool.pattern.time_estimate_ms", "capabilities.dns_query.patterns.single_lookup.time_estimate_ms"),
        ("tool.pattern.cost_estimate", "capabilities.dns_query.patterns.single_lookup.cost_estimate"),
        ("tool.pattern.complexity_score", "capabilities.dns_query.patterns.single_lookup.complexity_score"),
        ("tool.inputs[0].name", "capabilities.dns_query.patterns.single_lookup.required_inputs[0].name"),
        ("tool.inputs[0].type", "capabilities.dns_query.patterns.single_lookup.required_inputs[0].type"),
        ("tool.inputs[0].required", "capabilities.dns_query.patterns.single_lookup.required_inputs"),
        ("tool.inputs[0].description", "capabilities.dns_query.patterns.single_lookup.required_inputs[0].description"),
        ("tool.inputs[1].name", "capabilities.dns_query.patterns.single_lookup.optional_inputs[0].name"),
        ("tool.inputs[1].type", "capabilities.dns_query.patterns.single_lookup.optional_inputs[0].type"),
        ("tool.inputs[1].required", "capabilities.dns_query.patterns.single_lookup.optional_inputs"),
        ("tool.inputs[1].default", "capabilities.dns_query.patterns.single_lookup.optional_inputs[0].default"),
        ("tool.inputs[2].name", "capabilities.dns_query.patterns.single_lookup.optional_inputs[1].name"),
        ("tool.inputs[2].type", "capabilities.dns_query.patterns.single_lookup.optional_inputs[1].type"),
        ("tool.inputs[2].required", "capabilities.dns_query.patterns.single_lookup.optional_inputs"),
        ("tool.inputs[2].default", "capabilities.dns_query.patterns.single_lookup.optional_inputs[1].default"),
        ("tool.policy.approval_required", "capabilities.dns_query.patterns.single_lookup.policy.requires_approval"),
        ("tool.policy.timeout_seconds", "capabilities.dns_query.patterns.single_lookup.policy.max_execution_time"),
        ("tool.policy.production_safe", "capabilities.dns_query.patterns.single_lookup.policy.production_safe"),
    ];

    [Fact]
    public async Task A_folder_of_every_legacy_shape_and_a_canonical_file_imports_with_no_rejected_file_and_exports_every_value()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var files = LegacyFiles().Append(("linux/systemctl.yaml", CatalogYaml("systemctl"))).ToList();

        using var response = await host.Writer.PostAsync($"{ToolsPath}/import?upgrade=true", ImportExportRoutesTests.ZipContent(Zip(files)), ct);

        var report = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        var outcomes = report["files"]!.AsArray().ToDictionary(f => S(f!, "tool"), f => S(f!, "outcome"));
        Assert.Equal(["dig", "du", "lsof", "ntpq", "ping", "ping_windows", "systemctl"], outcomes.Keys.Order(StringComparer.Ordinal));
        Assert.All(outcomes.Values, o => Assert.Equal("Added", o));
        var digProblems = report["files"]!.AsArray().Single(f => S(f!, "tool") == "dig")!["problems"]!.AsArray();
        Assert.Contains(digProblems, p => S(p!, "severity") == "Warning" && S(p!, "path").EndsWith("policy.timeout_seconds", StringComparison.Ordinal)
            && p!["line"]!.GetValue<int>() == 33 && S(p!, "message").StartsWith("upgraded (converted)", StringComparison.Ordinal));
        var lsofProblems = report["files"]!.AsArray().Single(f => S(f!, "tool") == "lsof")!["problems"]!.AsArray();
        Assert.Contains(lsofProblems, p => S(p!, "path") == "category" && S(p!, "message").Contains("vocabulary", StringComparison.Ordinal));

        var exported = await ExportAsync(host, ct);
        Assert.Equal("linux/ping.yaml windows/ping_windows.yaml", string.Join(' ', exported.Keys.Where(k => k.Contains("ping", StringComparison.Ordinal)).Order(StringComparer.Ordinal)));
        Assert.Empty(YamlDataComparer.Differences(Read(CatalogYaml("systemctl")), exported["linux/systemctl.yaml"]));
        var dig = Read(File.ReadAllText(Path.Combine(Legacy, "old", "dig.yaml")));
        Assert.Empty(Uncovered(dig, DigMapping));
        Assert.Empty(MovedDifferences(dig, exported["network/dig.yaml"], DigMapping));
    }

    [Fact]
    public async Task The_moved_value_comparison_reports_a_value_lost_on_the_way()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        using var response = await host.Writer.PostAsync($"{ToolsPath}/import?upgrade=true", ImportExportRoutesTests.ZipContent(Zip([("old/dig.yaml", File.ReadAllText(Path.Combine(Legacy, "old", "dig.yaml")))])), ct);
        await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        var exported = (YamlMap)(await ExportAsync(host, ct))["network/dig.yaml"];

        var withoutMaintainer = new YamlMap(exported.Mark, exported.Entries.Where(e => e.Key != "maintainer").ToList());

        Assert.Equal(["tool.maintainer -> maintainer: missing"], MovedDifferences(Read(File.ReadAllText(Path.Combine(Legacy, "old", "dig.yaml"))), withoutMaintainer, DigMapping));
    }

    [Fact]
    public async Task Without_upgrade_legacy_files_are_rejected_and_a_broken_file_says_why_with_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var files = LegacyFiles().Append(("x/nameless.yaml", "description: nobody named this tool\n")).Append(("x/broken.yaml", "tool_name: [unclosed\n")).ToList();

        using var strict = await host.Writer.PostAsync($"{ToolsPath}/import?dryRun=true", ImportExportRoutesTests.ZipContent(Zip(files)), ct);
        using var upgraded = await host.Writer.PostAsync($"{ToolsPath}/import?dryRun=true&upgrade=true", ImportExportRoutesTests.ZipContent(Zip(files)), ct);

        var strictReport = await ReadJsonAsync(strict, HttpStatusCode.OK, ct);
        Assert.True(strictReport["files"]!.AsArray().Count(f => S(f!, "outcome") == "Invalid") >= 5);
        var report = (await ReadJsonAsync(upgraded, HttpStatusCode.OK, ct))["files"]!.AsArray();
        var invalid = report.Where(f => S(f!, "outcome") == "Invalid").ToDictionary(f => S(f!, "file"), f => S(f!["problems"]![0]!, "message"));
        Assert.Equal(["x/broken.yaml", "x/nameless.yaml"], invalid.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("not valid YAML", invalid["x/broken.yaml"], StringComparison.Ordinal);
        Assert.StartsWith("no name at all", invalid["x/nameless.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_served_schema_carries_the_configured_vocabulary_that_strict_writes_accept()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?> { ["Catalog:Vocabularies:Categories:0"] = "storage" });

        using var schemaResponse = await host.Anonymous.GetAsync("/schemas/tool.json", ct);
        var schema = await ReadJsonAsync(schemaResponse, HttpStatusCode.OK, ct);
        var storage = CatalogYaml("systemctl").Replace("category: system", "category: storage", StringComparison.Ordinal);
        using var created = await host.Writer.PostAsync(ToolsPath, Yaml(storage), ct);
        using var refused = await host.Writer.PostAsync(ToolsPath, Yaml(storage.Replace("category: storage", "category: asset", StringComparison.Ordinal)), ct);

        Assert.Equal([.. CatalogRules.Categories, "storage"], schema["properties"]!["category"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("'asset' is not one of: system", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, YamlNode>> ExportAsync(ApiTestHost host, CancellationToken ct)
    {
        using var response = await host.Anonymous.GetAsync($"{ToolsPath}/export", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(ct), ZipArchiveMode.Read);
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            result[entry.FullName] = Read(await reader.ReadToEndAsync(ct));
        }
        return result;
    }

    private static YamlNode Read(string text) => YamlReader.ReadAll(text, "t", []).Single();

    private static YamlNode? At(YamlNode node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            var key = part.Split('[')[0];
            node = (node as YamlMap)?[key]!;
            foreach (var index in part.Split('[').Skip(1).Select(i => int.Parse(i.TrimEnd(']'), System.Globalization.CultureInfo.InvariantCulture)))
            {
                node = node is YamlSequence s && index < s.Items.Count ? s.Items[index] : null!;
            }
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>
    /// Each mapped source value at its new place: equal as data, or converted exactly as the upgrade documents
    /// (text booleans, seconds to ms, a name become a key, required: become list membership).
    /// </summary>
    private static List<string> MovedDifferences(YamlNode source, YamlNode exported, (string From, string To)[] mapping)
    {
        var differences = new List<string>();
        foreach (var (from, to) in mapping)
        {
            var expectedNode = At(source, from)!;
            var expected = expectedNode as YamlScalar ?? new YamlScalar(SourceMark.None, ScalarKind.Null, "");
            var actual = At(exported, to);
            var same = (from.Split('.')[^1], actual) switch
            {
                (_, null) => false,
                ("name", YamlMap) when !to.EndsWith(".name", StringComparison.Ordinal) => true, // the name is the key
                ("required", YamlSequence) => to.EndsWith(expected.Text == "true" ? "required_inputs" : "optional_inputs", StringComparison.Ordinal),
                ("timeout_seconds", YamlScalar ms) => ms.AsNumber == expected.AsNumber * 1000,
                ("default" or "approval_required", YamlScalar { Kind: ScalarKind.Bool } b) when expected.Kind == ScalarKind.String => b.Text == expected.Text,
                ("version", YamlScalar v) => v.Text == expected.Text,
                _ => YamlDataComparer.Differences(expectedNode, actual).Count == 0,
            };
            if (!same)
            {
                differences.Add($"{from} -> {to}: {(actual is null ? "missing" : "differs")}");
            }
        }
        return differences;
    }

    /// <summary>Source values the mapping does not name: a mapping that skips a value could not see it lost.</summary>
    private static List<string> Uncovered(YamlNode source, (string From, string To)[] mapping)
    {
        var paths = new List<string>();
        void Walk(YamlNode node, string path)
        {
            switch (node)
            {
                case YamlMap map:
                    foreach (var (key, value) in map.Entries)
                    {
                        Walk(value, path.Length == 0 ? key : $"{path}.{key}");
                    }
                    break;
                case YamlSequence seq when seq.Items.All(i => i is YamlMap):
                    for (var i = 0; i < seq.Items.Count; i++)
                    {
                        Walk(seq.Items[i], $"{path}[{i}]");
                    }
                    break;
                default:
                    paths.Add(path);
                    break;
            }
        }
        Walk(source, "");
        return paths.Except(mapping.Select(m => m.From), StringComparer.Ordinal).ToList();
    }
}
