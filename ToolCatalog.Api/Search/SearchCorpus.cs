using System.Security.Cryptography;
using System.Text;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Search;

/// <summary>
/// One pattern as search sees it: the unit both rankings score, carrying the texts of its tool and capability too, so
/// a request that names the tool and one that describes the job both land on the pattern that does it. For the
/// sentence model it has several texts, each an index into <see cref="SearchCorpus.Texts"/>: one composed of all it
/// says (<see cref="Composed"/>) and short focused ones (<see cref="Focused"/>: its description, each use case).
/// </summary>
public sealed record SearchDocument(
    string Tool,
    string Capability,
    string Pattern,
    string Platform,
    string Description,
    IReadOnlyList<string> UseCases,
    int Composed,
    int[] Focused);

/// <summary>The searchable documents of one catalog snapshot, composed once per snapshot.</summary>
public sealed class SearchCorpus
{
    private SearchCorpus(CatalogSnapshot snapshot, IReadOnlyList<SearchDocument> documents, IReadOnlyList<(string Hash, string Text)> texts)
    {
        Snapshot = snapshot;
        Documents = documents;
        Keywords = KeywordIndex.Build(snapshot, documents);
        Texts = texts;
    }

    /// <summary>Each distinct text to embed once, with its hash; documents refer to them by index.</summary>
    public IReadOnlyList<(string Hash, string Text)> Texts { get; }

    public CatalogSnapshot Snapshot { get; }
    public IReadOnlyList<SearchDocument> Documents { get; }
    public KeywordIndex Keywords { get; }

    public static SearchCorpus Build(CatalogSnapshot snapshot, string model)
    {
        var documents = new List<SearchDocument>();
        var texts = new List<(string Hash, string Text)>();
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        int Text(string text)
        {
            var hash = HashOf(model, text);
            if (!indexOf.TryGetValue(hash, out var index))
            {
                indexOf[hash] = index = texts.Count;
                texts.Add((hash, text));
            }
            return index;
        }
        foreach (var tool in snapshot.Ordered)
        {
            foreach (var capability in tool.Document.Capabilities)
            {
                foreach (var pattern in capability.Patterns)
                {
                    var composed = Text(EmbeddingText(tool, capability.Name, capability.Description, pattern));
                    var focused = FocusedTexts(tool.Name, pattern).Select(Text).Distinct().ToArray();
                    documents.Add(new SearchDocument(tool.Name, capability.Name, pattern.Name, tool.Document.Platform, pattern.Description,
                        pattern.UseCases, composed, focused));
                }
            }
        }
        return new SearchCorpus(snapshot, documents, texts);
    }

    /// <summary>
    /// Short texts that each say one thing: the pattern's description (with its tool and name) and each use case.
    /// MiniLM pools every word piece into one vector, so in the composed text the job a request describes is diluted
    /// by everything else the pattern says; a short text embeds its one meaning sharply, and costs little to embed.
    /// </summary>
    private static IEnumerable<string> FocusedTexts(string tool, Catalog.PatternInfo pattern)
    {
        yield return $"{Words(tool)} {Words(pattern.Name)}: {pattern.Description}";
        foreach (var useCase in pattern.UseCases)
        {
            yield return useCase;
        }
    }

    /// <summary>
    /// The composed text of a pattern: the job first (pattern, its use cases), then what the tool is, with names turned
    /// into words. The model reads at most 256 word pieces, so the most specific text comes first and the tool's
    /// general description, shared by all its patterns, last.
    /// </summary>
    private static string EmbeddingText(ServedTool tool, string capability, string capabilityDescription, Catalog.PatternInfo pattern)
    {
        var document = tool.Document;
        var text = new StringBuilder()
            .Append(Words(tool.Name)).Append(": ").Append(Words(pattern.Name)).Append(". ").Append(pattern.Description);
        if (pattern.UseCases.Count > 0)
        {
            text.Append(" Used to ").Append(string.Join("; ", pattern.UseCases)).Append('.');
        }
        text.Append(' ').Append(Words(capability)).Append(": ").Append(capabilityDescription)
            .Append(' ').Append(document.Description);
        if (document.Tags.Count > 0)
        {
            text.Append(" Tags: ").Append(string.Join(", ", document.Tags)).Append('.');
        }
        text.Append(" Platform: ").Append(document.Platform).Append('.');
        return text.ToString();
    }

    private static string Words(string name) => name.Replace('_', ' ').Replace('-', ' ');

    /// <summary>
    /// The key of a stored embedding: the model and the exact text. Equal text from any tool or version shares it, so it
    /// is embedded once; another model makes other keys.
    /// </summary>
    public static string HashOf(string model, string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + text)));
}
