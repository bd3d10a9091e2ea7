using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;
using ToolCatalog.Generator.Templates;
using ToolCatalog.Testing;

namespace ToolCatalog.Generator.Tests;

/// <summary>
/// Rendered templates read as the same data in PyYAML (YAML 1.1) and js-yaml 4 as in the product, including values
/// set with --set that look like booleans, dates or numbers to some reader (see docs/catalog-format.md).
/// </summary>
public sealed class TemplateReadersTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("template-readers-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Every_rendered_template_reads_the_same_in_PyYAML_and_js_yaml()
    {
        var ct = TestContext.Current.CancellationToken;
        var product = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var template in TemplateRenderer.All)
        {
            foreach (var (variant, settings) in (List<(string, Dictionary<string, string>)>)[
                ("plain", []),
                ("risky", new() { ["author"] = "Yes", ["metadata.reviewed"] = "2024-03-02", ["metadata.flag"] = "on", ["metadata.window"] = "1:20", ["metadata.ratio"] = "1e3" }),
            ])
            {
                var rendered = TemplateRenderer.Render(template, "sample_tool", settings, new DateOnly(2025, 6, 30));
                var name = $"{template.Name}-{variant}.yaml";
                await File.WriteAllTextAsync(Path.Combine(_folder, name), rendered.Yaml, ct);
                var problems = new List<CatalogProblem>();
                product[name] = Assert.Single(YamlReader.ReadAll(rendered.Yaml, name, problems));
                Assert.Empty(problems);
            }
        }

        var failures = new List<string>();
        foreach (var (reader, readings) in new Dictionary<string, JsonNode>
        {
            ["PyYAML"] = await ReaderScripts.PyYamlAsync(_folder, ct),
            ["js-yaml"] = await ReaderScripts.NodeAsync("yaml-to-json.mjs", [_folder], ct),
        })
        {
            foreach (var (name, reading) in product)
            {
                failures.AddRange(ReaderAgreement.Differences(reading, readings[name]).Select(d => $"{reader} {name}: {d}"));
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(10, product.Count);
    }
}
