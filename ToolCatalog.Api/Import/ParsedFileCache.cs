using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Import;

/// <summary>
/// Remembers what each valid imported file parsed to (its tool, content hash and warnings), keyed by the SHA-256 of its
/// name and bytes, so a file imported again byte for byte is not parsed and validated again when this replica serves
/// that very content: the served document stands in for it. Parsing is most of what re-importing an unchanged catalog
/// costs (YAML reading dominates), and the served document with the same content hash is the same canonical document.
/// Whether the file really is unchanged is still decided by the import's transaction against PostgreSQL.
/// </summary>
public sealed class ParsedFileCache(SnapshotStore snapshots)
{
    /// <summary>Two full imports' worth; past it the memory starts over (a hit only saves time, a miss parses).</summary>
    private const int MaxEntries = 2 * ImportBody.MaxDocuments;

    private sealed record Remembered(string Tool, string ContentHash, IReadOnlyList<CatalogProblem> Problems, ValidationSettings Settings);

    private readonly ConcurrentDictionary<string, Remembered> _files = new(StringComparer.Ordinal);

    /// <summary>The file as parsed before, when its bytes are known and this replica serves its content; otherwise null.</summary>
    public ParsedTool? Find(string file, byte[] bytes, ValidationSettings settings)
    {
        if (!_files.TryGetValue(Key(file, bytes), out var known) || known.Settings != settings
            || snapshots.Current.Find(known.Tool) is not { } served || served.Document.ContentHash != known.ContentHash)
        {
            return null;
        }
        return new ParsedTool(file, 0, served.Document, known.Problems);
    }

    /// <summary>Remembers a file that parsed to a valid tool (invalid files are parsed again, so they report afresh).</summary>
    public void Remember(string file, byte[] bytes, ValidationSettings settings, ParsedTool parsed)
    {
        if (parsed.Tool is not { } tool || parsed.Problems.Any(p => p.Severity == ProblemSeverity.Error))
        {
            return;
        }
        if (_files.Count >= MaxEntries)
        {
            _files.Clear();
        }
        _files[Key(file, bytes)] = new Remembered(tool.Name, tool.ContentHash, parsed.Problems, settings);
    }

    private static string Key(string file, byte[] bytes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(file));
        hash.AppendData([0]);
        hash.AppendData(bytes);
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
