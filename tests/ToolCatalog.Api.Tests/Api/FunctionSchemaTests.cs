using System.Text.Json.Nodes;
using ToolCatalog.Api.Discovery;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// Every function definition the export produces for the shipped catalog (OpenAI, Anthropic and MCP formats) holds a
/// JSON Schema that a JavaScript validator accepts: each is compiled for real by Ajv 2020 in strict mode
/// (tests/js/compile-schemas.mjs). Built in-process with the export code, so no server is needed.
/// </summary>
public sealed class FunctionSchemaTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("function-schemas-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Every_exported_function_definition_of_the_catalog_compiles_under_Ajv_2020_strict()
    {
        var ct = TestContext.Current.CancellationToken;
        var schemas = new JsonObject();
        foreach (var path in CatalogDirectory.EnumerateFiles(RepoPaths.Catalog))
        {
            var parsed = ToolParser.ParseFile(await File.ReadAllTextAsync(path, ct), path);
            Assert.True(parsed.IsValid, path);
            var tool = new ServedTool { Document = parsed.Tool!, Status = parsed.Tool!.Status, Enabled = parsed.Tool.Enabled, UpdatedAt = DateTime.UnixEpoch, ChangeRevision = 1 };
            foreach (var format in FunctionExport.Formats)
            {
                foreach (var function in FunctionExport.Export(tool, format))
                {
                    var (name, schema) = format switch
                    {
                        "openai" => (function!["function"]!["name"]!.GetValue<string>(), function["function"]!["parameters"]!),
                        "anthropic" => (function!["name"]!.GetValue<string>(), function["input_schema"]!),
                        _ => (function!["name"]!.GetValue<string>(), function["inputSchema"]!),
                    };
                    schemas[$"{format} {tool.Name} {name}"] = schema.DeepClone();
                }
            }
        }
        // The check must be able to fail: a .NET-only pattern in a copy of a real schema has to be refused.
        const string Planted = "planted: a .NET-only inline flag";
        var planted = schemas.First().Value!.DeepClone();
        planted["properties"]!.AsObject()["planted"] = new JsonObject { ["type"] = "string", ["pattern"] = "(?i)select" };
        schemas[Planted] = planted;

        var file = Path.Combine(_folder, "schemas.json");
        await File.WriteAllTextAsync(file, schemas.ToJsonString(), ct);
        var results = (await ReaderScripts.NodeAsync("compile-schemas.mjs", [file], ct)).AsObject();

        Assert.Equal(schemas.Count, results.Count);
        Assert.Contains("Invalid regular expression", results[Planted]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        var refused = results.Where(r => r.Key != Planted && r.Value is not null).Select(r => $"{r.Key}: {r.Value}").ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {results.Count - 1} schemas refused by Ajv:\n{string.Join('\n', refused.Take(30))}");
        Assert.True(results.Count > 600, $"only {results.Count} schemas");
    }
}
