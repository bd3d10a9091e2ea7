using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>Request bodies the tests send: catalog files as they are in the repository, YAML, JSON and zips.</summary>
public sealed partial class ApiTestHost
{
    /// <summary>The YAML file of a tool in the repository's catalog folder.</summary>
    public static string CatalogFile(string tool) =>
        Directory.EnumerateFiles(RepoPaths.Catalog, tool + ".yaml", SearchOption.AllDirectories).Single();

    public static string CatalogYaml(string tool) => File.ReadAllText(CatalogFile(tool));

    public static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    public static byte[] Zip(IEnumerable<(string Path, string Text)> files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, text) in files)
            {
                using var stream = zip.CreateEntry(path.Replace('\\', '/')).Open();
                stream.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        return buffer.ToArray();
    }
}
