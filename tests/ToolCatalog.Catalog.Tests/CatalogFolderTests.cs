using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

using static ToolCatalog.Catalog.Tests.ToolTexts;

namespace ToolCatalog.Catalog.Tests;

/// <summary>The shipped catalog/ folder: valid, large enough, and lossless through the codec.</summary>
public sealed class CatalogFolderTests
{
    [Fact]
    public async Task Every_catalog_file_is_valid_and_there_are_at_least_200_tools()
    {
        var results = await CatalogDirectory.LoadAsync(RepoPaths.Catalog, TestContext.Current.CancellationToken);

        var errors = results.SelectMany(r => r.Errors).Select(p => p.ToString()).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors));
        Assert.True(results.Count(r => r.IsValid) >= 200, $"only {results.Count(r => r.IsValid)} tools");
        // Every platform folder is used.
        Assert.Equal(CatalogRules.Platforms.Order(), results.Select(r => r.Tool!.Platform).Distinct().Order());
    }

    [Fact]
    public async Task Every_catalog_file_survives_yaml_to_json_to_yaml_as_the_same_data()
    {
        var ct = TestContext.Current.CancellationToken;
        var failures = new List<string>();
        var checkedFiles = 0;
        foreach (var path in CatalogDirectory.EnumerateFiles(RepoPaths.Catalog))
        {
            var text = await File.ReadAllTextAsync(path, ct);
            var parsed = ToolParser.ParseFile(text, path);
            Assert.True(parsed.IsValid, path);

            var exported = YamlWriter.Write(YamlJson.FromJson(parsed.Tool!.ToJsonObject()));

            var differences = YamlDataComparer.Differences(ReadOne(text), ReadOne(exported));
            failures.AddRange(differences.Select(d => $"{Path.GetRelativePath(RepoPaths.Catalog, path)}: {d}"));
            checkedFiles++;
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(50)));
        Assert.True(checkedFiles >= 200);
    }
}
