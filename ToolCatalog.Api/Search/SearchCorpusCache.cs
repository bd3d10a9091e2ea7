using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Search;

/// <summary>
/// The search corpus of the snapshot being served, rebuilt when the snapshot changes (a few milliseconds for the
/// whole catalog), so a tool written a moment ago is found by its keywords before it is embedded.
/// </summary>
public sealed class SearchCorpusCache(SnapshotStore loader)
{
    private readonly Lock _gate = new();
    private volatile SearchCorpus? _corpus;

    public SearchCorpus Current
    {
        get
        {
            var snapshot = loader.Current;
            var corpus = _corpus;
            if (corpus is not null && ReferenceEquals(corpus.Snapshot, snapshot))
            {
                return corpus;
            }
            lock (_gate)
            {
                if (_corpus is { } built && ReferenceEquals(built.Snapshot, snapshot))
                {
                    return built;
                }
                return _corpus = SearchCorpus.Build(snapshot, SentenceModel.Name);
            }
        }
    }
}
