using ToolCatalog.Testing;

namespace ToolCatalog.Monitoring.Tests;

/// <summary>An API replica for the end-to-end test: the shared <see cref="ApiProcess"/> plus what Prometheus checks need.</summary>
internal sealed class ApiReplica : IAsyncDisposable
{
    private readonly ApiProcess _api;

    public int Port => _api.Port;
    public string Target => _api.Target;
    public HttpClient Client => _api.Client;
    public string Output => _api.Output;

    private ApiReplica(ApiProcess api) => _api = api;

    /// <summary>
    /// Copies the built API (bin/&lt;Configuration&gt;/net10.0) to <paramref name="directory"/> and returns the copy's
    /// ToolCatalog.Api.dll: the replicas then run a snapshot that a concurrent build of the repository cannot replace under them.
    /// </summary>
    public static string CopyBuild(string directory)
    {
        var source = Path.GetDirectoryName(MonitoringFiles.ApiAssembly)!;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return Path.Combine(directory, Path.GetFileName(MonitoringFiles.ApiAssembly));
    }

    public static ApiReplica Start(string name, string apiAssembly, string database, string redis, string cachePrefix, string adminKey, string marker) =>
        new(ApiProcess.Start(name, apiAssembly, database, redis, cachePrefix, adminKey,
            new Dictionary<string, string?> { [EndToEndTests.MarkerVariable] = marker }));

    /// <summary>Waits until /health answers 200: migrations applied and a catalog loaded from PostgreSQL.</summary>
    public Task WaitHealthyAsync(TimeSpan deadline, CancellationToken cancellationToken) => _api.WaitHealthyAsync(deadline, cancellationToken);

    /// <summary>This replica's own /metrics text.</summary>
    public async Task<string> MetricsAsync(CancellationToken cancellationToken) => await Client.GetStringAsync("/metrics", cancellationToken);

    /// <summary>Whether /metrics has a sample line of <paramref name="metric"/> with every given label="value", optionally with a value.</summary>
    public async Task<bool> HasSampleAsync(string metric, IEnumerable<string> labels, string? value, CancellationToken cancellationToken)
    {
        var text = await MetricsAsync(cancellationToken);
        var wanted = labels.ToList();
        return text.Split('\n').Any(line =>
            line.StartsWith(metric + "{", StringComparison.Ordinal)
            && wanted.All(l => line.Contains(l, StringComparison.Ordinal))
            && (value is null || line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0] == value));
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();
}
