using System.IO.Compression;

namespace ToolCatalog.Generator.Api;

/// <summary>Builds the zip the import route takes: each file under its path relative to the catalog folder.</summary>
public static class CatalogZip
{
    public static byte[] Create(IEnumerable<(string RelativePath, byte[] Content)> files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                var entry = zip.CreateEntry(ToEntryName(path), CompressionLevel.Fastest);
                using var stream = entry.Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Zip entry names use '/' whatever the platform; the API reports files by these names.</summary>
    public static string ToEntryName(string relativePath) => relativePath.Replace('\\', '/');
}
