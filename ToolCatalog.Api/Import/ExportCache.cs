using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Text;
using Npgsql;

namespace ToolCatalog.Api.Import;

/// <summary>
/// The export (a zip of YAML files, or a JSON array) computed once per catalog revision and format: rendering every
/// tool as YAML costs about half a second of CPU, and the route is anonymous. Concurrent requests for the same revision
/// share one computation; a new revision replaces the entry, so at most one body per format is held.
/// </summary>
public sealed class ExportCache(CatalogExporter exporter, NpgsqlDataSource dataSource, IMeterFactory meters)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Revision, Task<byte[]> Body)> _latest = new(StringComparer.Ordinal);
    private readonly Counter<long> _renders = meters.Create("ToolCatalog.Export").CreateCounter<long>("toolcatalog.export.renders",
        description: "Export bodies rendered, by format: one per catalog revision when the cache works");

    public async Task<byte[]> GetAsync(string format, CancellationToken cancellationToken)
    {
        var revision = await CurrentRevisionAsync(cancellationToken);
        Task<byte[]> body;
        lock (_gate)
        {
            if (!_latest.TryGetValue(format, out var entry) || entry.Revision != revision || entry.Body.IsFaulted || entry.Body.IsCanceled)
            {
                _renders.Add(1, new KeyValuePair<string, object?>("format", format));
                // Shared by every waiting request, so no single caller's cancellation may stop it.
                entry = (revision, format == "json" ? JsonAsync(CancellationToken.None) : ZipAsync(CancellationToken.None));
                _latest[format] = entry;
            }
            body = entry.Body;
        }
        return await body.WaitAsync(cancellationToken);
    }

    private async Task<long> CurrentRevisionAsync(CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT revision FROM catalog_state");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<byte[]> JsonAsync(CancellationToken cancellationToken) =>
        Encoding.UTF8.GetBytes(await exporter.JsonArrayAsync(cancellationToken));

    private async Task<byte[]> ZipAsync(CancellationToken cancellationToken)
    {
        var tools = await exporter.CurrentAsync(cancellationToken);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var tool in tools)
            {
                var entry = zip.CreateEntry(tool.RelativePath, CompressionLevel.Fastest);
                await using var stream = await entry.OpenAsync(cancellationToken);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(tool.ToYaml()), cancellationToken);
            }
        }
        return buffer.ToArray();
    }
}
