using System.Security.Cryptography;
using System.Text;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Search;

/// <summary>
/// One pattern as search sees it: the unit both rankings score, carrying the texts of its tool and capability too, so
/// a request that names the tool and one that describes the job both land on the pattern that does it.
/// </summary>
public sealed record SearchDocument(
    string Tool,
    string Capability,
    string Pattern,
    string Platform,
    string Description,
    IReadOnlyList<string> UseCases,
    string EmbeddingText,
    string TextHash);

/// <summary>The searchable documents of one catalog snapshot, composed once per snapshot.</summary>
public sealed class SearchCorpus
{
    private SearchCorpus(CatalogSnapshot snapshot, IReadOnlyList<SearchDocument> documents)
    {
        Snapshot = snapshot;
        Documents = documents;
        Keywords = KeywordIndex.Build(snapshot, documents);
        Texts = documents.DistinctBy(d => d.TextHash).Select(d => (d.TextHash, d.EmbeddingText)).ToArray();
    }

    /// <summary>Each distinct text to embed once, with its hash.</summary>
    public IReadOnlyList<(string Hash, string Text)> Texts { get; }

    public CatalogSnapshot Snapshot { get; }
    public IReadOnlyList<SearchDocument> Documents { get; }
    public KeywordIndex Keywords { get; }

    public static SearchCorpus Build(CatalogSnapshot snapshot, string model)
    {
        var documents = new List<SearchDocument>();
        foreach (var tool in snapshot.Ordered)
        {
            var document = tool.Document;
            foreach (var capability in document.Capabilities)
            {
                foreach (var pattern in capability.Patterns)
                {
                    var text = EmbeddingText(tool, capability.Name, capability.Description, pattern);
                    documents.Add(new SearchDocument(tool.Name, capability.Name, pattern.Name, document.Platform, pattern.Description,
                        pattern.UseCases, text, HashOf(model, text)));
                }
            }
        }
        return new SearchCorpus(snapshot, documents);
    }

    /// <summary>
    /// What the sentence model reads for a pattern: the job first (pattern, its use cases), then what the tool is, with
    /// names turned into words. The model reads at most 256 word pieces, so the most specific text comes first and
    /// the tool's general description, shared by all its patterns, last.
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
