using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Hardening;

/// <summary>
/// Imports of broken or oversized input: archives the zip reader cannot read are a 400 naming the entry, every
/// document meets the one-document limit of POST /tools (413 naming it), and nothing is written either way.
/// </summary>
public sealed class ZipImportTests(EmptyCatalogHost fixture) : IClassFixture<EmptyCatalogHost>
{
    private const string Entry = "linux/systemctl.yaml";

    public static TheoryData<string> BrokenArchives => [
        "bzip2", "lzma", "encrypted", "corrupt-deflate", "central-directory-offset", "local-header-offset", "understated-size", "checksum",
    ];

    [Theory]
    [MemberData(nameof(BrokenArchives))]
    public async Task An_archive_the_reader_cannot_read_is_a_400_naming_the_entry(string breakage)
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        var before = await host.RevisionAsync(ct);

        using var response = await host.Writer.PostAsync($"{ToolsPath}/import", ZipBody(Broken(breakage)), ct);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, ct);
        var path = Assert.Single(ErrorPaths(problem));
        Assert.Equal(breakage == "central-directory-offset" ? "" : Entry, path);
        Assert.Equal(before, await host.RevisionAsync(ct));
    }

    [Fact]
    public async Task A_document_over_1_MiB_is_413_naming_it_in_a_zip_a_YAML_stream_and_a_JSON_array()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        var before = await host.RevisionAsync(ct);
        var small = CatalogYaml("dig");
        // Valid tools whose source is over 1 MiB: padding in comments (YAML) or whitespace (JSON) counts like any byte.
        var big = CatalogYaml("systemctl") + "\n#" + new string('p', 3 * 1024 * 1024) + "\n";
        var bigJson = "{\"tool_name\": \"x\"" + new string(' ', 3 * 1024 * 1024) + "}";

        using var zip = await host.Writer.PostAsync($"{ToolsPath}/import", ZipBody(Zip([("network/dig.yaml", small), (Entry, big)])), ct);
        using var yaml = await host.Writer.PostAsync($"{ToolsPath}/import", Yaml(small + "\n---\n" + big), ct);
        using var json = await host.Writer.PostAsync($"{ToolsPath}/import", Json("[{\"tool_name\": \"y\"}, " + bigJson + "]"), ct);

        Assert.Equal([Entry], ErrorPaths(await AssertProblemAsync(zip, HttpStatusCode.RequestEntityTooLarge, ct)));
        Assert.Equal(["body#1"], ErrorPaths(await AssertProblemAsync(yaml, HttpStatusCode.RequestEntityTooLarge, ct)));
        Assert.Equal(["body[1]"], ErrorPaths(await AssertProblemAsync(json, HttpStatusCode.RequestEntityTooLarge, ct)));
        Assert.Equal(before, await host.RevisionAsync(ct));
    }

    [Fact]
    public async Task An_entry_smaller_than_its_headers_state_is_imported_as_it_inflates()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        const string name = "size_overstated";
        var text = CatalogYaml("systemctl").Replace("tool_name: systemctl", $"tool_name: {name}", StringComparison.Ordinal);

        using var response = await host.Writer.PostAsync($"{ToolsPath}/import", ZipBody(Broken("overstated-size", text)), ct);

        var report = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Equal(1, report["added"]!.GetValue<int>());
        var (document, _) = await host.GetToolAsync(name, ct);
        var parsed = ToolCatalog.Catalog.ToolParser.ParseFile(text, "x").Tool!;
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(parsed.CanonicalJson), document),
            "the stored document is not the whole entry");
    }

    private static ByteArrayContent ZipBody(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    /// <summary>A one-entry archive, deflated, with one field of its headers changed the way <paramref name="breakage"/> says.</summary>
    private static byte[] Broken(string breakage, string? text = null)
    {
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                using var stream = zip.CreateEntry(Entry, CompressionLevel.Optimal).Open();
                stream.Write(Encoding.UTF8.GetBytes(text ?? CatalogYaml("systemctl")));
            }
            bytes = buffer.ToArray();
        }
        var local = 0;
        var central = IndexOf(bytes, [0x50, 0x4b, 0x01, 0x02]);
        var end = IndexOf(bytes, [0x50, 0x4b, 0x05, 0x06]);
        var data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(local + 28));
        switch (breakage)
        {
            case "bzip2" or "lzma":
                var method = (ushort)(breakage == "bzip2" ? 12 : 14);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(local + 8), method);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(central + 10), method);
                break;
            case "encrypted":
                bytes[local + 6] |= 1;
                bytes[central + 8] |= 1;
                break;
            case "corrupt-deflate":
                // BFINAL=1 with block type 3, which deflate reserves: no decoder accepts it.
                bytes[data] = 0xFF;
                bytes[data + 1] = 0xFF;
                break;
            case "central-directory-offset":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(end + 16), 0x7FFF_FFF0);
                break;
            case "overstated-size":
                var stated = 2 * BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(local + 22));
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 22), stated);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central + 24), stated);
                break;
            case "understated-size":
                // The reader stops inflating at the size the headers state: without a checksum test, a tool loses its tail.
                var understated = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(local + 22)) / 2;
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 22), understated);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central + 24), understated);
                break;
            case "checksum":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 14), ~BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(local + 14)));
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central + 16), ~BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(central + 16)));
                break;
            case "local-header-offset":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central + 42), (uint)(central - 10));
                break;
        }
        return bytes;
    }

    private static int IndexOf(byte[] bytes, byte[] signature)
    {
        var index = bytes.AsSpan().LastIndexOf(signature);
        Assert.True(index >= 0, "signature not found");
        return index;
    }
}
