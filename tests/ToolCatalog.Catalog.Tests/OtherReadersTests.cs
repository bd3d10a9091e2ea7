using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// Files written by the product read as the same data under other YAML readers, run for real: PyYAML (YAML 1.1,
/// tests/python/yaml_to_json.py) and js-yaml 4 (YAML 1.2 plus timestamps, tests/js/yaml-to-json.mjs). Every file of
/// catalog/ is exported the way the API and the generator export it, next to generated documents holding every risky
/// scalar as a string, a key, a list item and a nested value, and numbers, booleans and nulls in every spelling.
/// </summary>
public sealed class OtherReadersTests : IDisposable
{
    // Text with characters that YAML 1.1 and 1.2 treat differently (NEL, LS, PS are line breaks only in 1.1) or
    // that force quoting or escaping.
    private static readonly string[] SpecialCharacters =
    [
        "line\u2028separator", "para\u2029separator", "next\u0085line", "tab\tinside", "  leading", "trailing  ", "multi\nline\n",
        "#hash", "key: value", "- dash", "'single'", "\"double\"", "😀 emoji", "\uFEFFbom", "a, b", "[x]", "{y}", "*star", "&amp", "!bang",
        "%pct", "@at", "`tick", "|pipe", ">gt", "? what", "ends:", "crlf\r\nline", "back\\slash",
    ];

    private const string NumbersBooleansNulls = """
        integers: [0, -0, 7, +7, 007, 0x1F, 0o17, 123456789012345678901234567890, -9007199254740993]
        floats: [1.0, 1e3, 1E3, 1.0e3, 1.5E-3, -2.5e10, 5., .5, -.5, 0.1, 1e-7, 6.02214076e23, 00.5, -0.0]
        special: [.inf, -.inf, +.inf, .nan, .Inf, -.INF, .NaN]
        flags: [true, false, True, FALSE]
        nothing: [null, ~, Null, NULL, ]
        "1": integer-like key
        "yes": { "on": [ "off", { "2024-03-02": 1.0e3 } ] }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("other-readers-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Every_exported_catalog_file_and_every_edge_case_reads_the_same_in_PyYAML_and_js_yaml()
    {
        var ct = TestContext.Current.CancellationToken;
        var written = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var path in CatalogDirectory.EnumerateFiles(RepoPaths.Catalog))
        {
            var parsed = ToolParser.ParseFile(await File.ReadAllTextAsync(path, ct), path);
            Assert.True(parsed.IsValid, path);
            var name = "catalog/" + Path.GetRelativePath(RepoPaths.Catalog, path).Replace('\\', '/');
            written[name] = await WriteAsync(name, YamlJson.FromJson(parsed.Tool!.ToJsonObject()), ct);
        }
        var strings = PortableScalarsTests.TypedByAReader.Concat(PortableScalarsTests.TextToEveryReader).Concat(SpecialCharacters).ToList();
        for (var i = 0; i < strings.Count; i++)
        {
            var name = $"edge/string-{i:D3}.yaml";
            written[name] = await WriteAsync(name, StringDocument(strings[i]), ct);
        }
        written["edge/numbers.yaml"] = await WriteAsync("edge/numbers.yaml", ToolTexts.ReadOne(NumbersBooleansNulls), ct);

        var readers = new Dictionary<string, JsonNode>
        {
            ["PyYAML"] = await ReaderScripts.PyYamlAsync(_folder, ct),
            ["js-yaml"] = await ReaderScripts.NodeAsync("yaml-to-json.mjs", [_folder], ct),
        };

        var failures = new List<string>();
        foreach (var (reader, readings) in readers)
        {
            Assert.Equal(written.Keys.Order(StringComparer.Ordinal), readings.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
            foreach (var (name, product) in written)
            {
                failures.AddRange(ReaderAgreement.Differences(product, readings[name]).Select(d => $"{reader} {name}: {d}"));
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} differences:\n{string.Join('\n', failures.Take(60))}");
        Assert.True(written.Count > 200 + strings.Count);
    }

    // Writes the document as the product exports it and returns the product's own reading of the written file, after
    // checking that reading holds the same data as the document.
    private async Task<YamlNode> WriteAsync(string name, YamlNode document, CancellationToken ct)
    {
        var text = YamlWriter.Write(document);
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text, ct);
        var reading = ToolTexts.ReadOne(text);
        var differences = YamlDataComparer.Differences(document, reading);
        Assert.True(differences.Count == 0, $"{name} does not read back as written:\n{string.Join('\n', differences)}\n--- written ---\n{text}");
        return reading;
    }

    private static YamlMap StringDocument(string value)
    {
        YamlScalar Text(string s) => new(SourceMark.None, ScalarKind.String, s);
        var entries = new List<KeyValuePair<string, YamlNode>>
        {
            new("value", Text(value)),
            new("list", new YamlSequence(SourceMark.None, [Text(value), Text("plain")])),
            new("nested", new YamlMap(SourceMark.None, [new("inner", new YamlSequence(SourceMark.None, [new YamlMap(SourceMark.None, [new("deep", Text(value))])]))])),
        };
        if (value is not ("value" or "list" or "nested"))
        {
            entries.Add(new(value, Text("as a key")));
        }
        return new YamlMap(SourceMark.None, entries);
    }
}
