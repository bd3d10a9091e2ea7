using System.Collections.Concurrent;
using Npgsql;

namespace ToolCatalog.Api.Search;

/// <summary>
/// The pattern embeddings this replica holds, by text hash, and their table in PostgreSQL. Every replica reads the
/// rows added since its last read (the identity column is the cursor); the replica that embeds adds its own rows at
/// once. Vectors are never recomputed on start: a replica loads what is stored.
/// </summary>
public sealed class EmbeddingStore(NpgsqlDataSource dataSource)
{
    private readonly ConcurrentDictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private long _lastId;
    private int _version;

    /// <summary>Changes whenever vectors are added: search results cached under it never hide a new embedding.</summary>
    public int Version => Volatile.Read(ref _version);

    public int Count => _vectors.Count;

    public float[]? Find(string textHash) => _vectors.GetValueOrDefault(textHash);

    public bool Contains(string textHash) => _vectors.ContainsKey(textHash);

    /// <summary>The texts of a corpus not embedded yet: the backlog.</summary>
    public List<(string Hash, string Text)> Missing(SearchCorpus corpus) => corpus.Texts.Where(t => !Contains(t.Hash)).ToList();

    /// <summary>Reads the rows stored since the last read (all of them the first time); returns how many were new.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        const string sql = "SELECT id, text_hash, vector FROM search_embeddings WHERE id > @last ORDER BY id";
        await _readGate.WaitAsync(cancellationToken);
        try
        {
            await using var cmd = dataSource.CreateCommand(sql);
            cmd.Parameters.Add(new NpgsqlParameter<long>("last", _lastId));
            var added = 0;
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                _lastId = reader.GetInt64(0);
                if (_vectors.TryAdd(reader.GetString(1), reader.GetFieldValue<float[]>(2)))
                {
                    added++;
                }
            }
            if (added > 0)
            {
                Interlocked.Increment(ref _version);
            }
            return added;
        }
        finally
        {
            _readGate.Release();
        }
    }

    /// <summary>
    /// Stores new embeddings (a hash already stored is left alone) and holds them here at once. Written on the
    /// connection that holds the embedding lock: when that session ends its writes have ended too, so the next holder's
    /// rows get higher ids that commit later, and the id cursor of the readers never skips a row.
    /// </summary>
    public async Task SaveAsync(NpgsqlConnection lockConnection, string model, IReadOnlyList<(string TextHash, float[] Vector)> embeddings, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(lockConnection);
        foreach (var (hash, vector) in embeddings)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO search_embeddings (text_hash, model, vector) VALUES (@hash, @model, @vector)
                ON CONFLICT (text_hash) DO NOTHING
                """);
            command.Parameters.Add(new NpgsqlParameter<string>("hash", hash));
            command.Parameters.Add(new NpgsqlParameter<string>("model", model));
            command.Parameters.Add(new NpgsqlParameter<float[]>("vector", vector));
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        foreach (var (hash, vector) in embeddings)
        {
            _vectors.TryAdd(hash, vector);
        }
        Interlocked.Increment(ref _version);
    }
}
