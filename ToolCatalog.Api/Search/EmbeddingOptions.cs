using System.ComponentModel.DataAnnotations;

namespace ToolCatalog.Api.Search;

public sealed class EmbeddingOptions
{
    public const string Section = "Search:Embeddings";

    /// <summary>Off: no model is loaded and search ranks by keywords only (semantic mode returns nothing).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a replica reads new stored vectors and the embedding worker looks for unembedded patterns.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Texts per model call: large enough to use the CPU well, small enough to persist progress often.</summary>
    [Range(1, 256)]
    public int BatchSize { get; set; } = 32;

    /// <summary>Query embeddings kept (least recently used evicted).</summary>
    [Range(0, 1_000_000)]
    public int QueryCacheSize { get; set; } = 4096;
}
