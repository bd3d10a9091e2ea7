using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Tools;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Vocabulary;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// A list page built from the snapshot's orders and groups is the page a walk over every tool gives: same tools, same
/// total, same "more follows", for thousands of filter, prefix, cursor and limit combinations over the shipped catalog
/// (mixed-case names, several platforms, categories and states), both for a snapshot built whole and for one a series of
/// writes carried its orders and groups into.
/// </summary>
public sealed class ListPageTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_page_from_the_orders_and_groups_is_the_page_a_walk_over_every_tool_gives(bool builtByWrites)
    {
        var ct = TestContext.Current.CancellationToken;
        var whole = await CatalogWithVariedStatesAsync(ct);
        var snapshot = builtByWrites ? ByWrites(whole) : whole;
        var names = snapshot.Ordered.Select(t => t.Name).ToArray();
        var random = new Random(17);
        // Each filter is left out two times in three, so that combinations still match tools.
        string? Any(params string?[] values) => random.Next(3) == 0 ? values[random.Next(values.Length)] : null;
        var checkedQueries = 0;
        for (var i = 0; i < 4000; i++)
        {
            var text = random.Next(6) == 0 ? names.Where((_, n) => n % 3 == i % 3).ToHashSet(StringComparer.Ordinal) : null;
            var query = new ToolQuery(Any(null, null, "linux", "windows", "network", "nowhere"), Any(null, null, "system", "network", "storage"),
                Any(null, null, "active", "deprecated"), random.Next(6) switch { 0 => true, 1 => false, _ => null }, Any(null, null, null, "linux", "dns"),
                Any(null, null, null, CapabilityVocabulary.BuiltIn.MatchKey("dns_lookup")), Any(null, null, "g", "Ge", "get-", "DI", "k", "zz", "é", names[random.Next(names.Length)]),
                text is null ? null : "some words", random.Next(4) switch { 0 => 1, 1 => 7, 2 => 50, _ => 500 },
                random.Next(2) == 0 ? null : new[] { names[random.Next(names.Length)], "Get-Q", "m", "zzz" }[random.Next(4)], false, CapabilityVocabulary.BuiltIn);

            var (page, total, hasMore) = ToolQuery.Page(query, snapshot, text);

            Assert.True(Same(WalkEveryTool(query, whole, text), page, total, hasMore), $"another page for {query}");
            checkedQueries += total > 0 ? 1 : 0;
        }
        Assert.True(checkedQueries > 2000, $"only {checkedQueries} of the queries matched anything");
    }

    private static bool Same((List<string> Page, int Total, bool HasMore) expected, List<ServedTool> page, int total, bool hasMore) =>
        expected.Page.SequenceEqual(page.Select(t => t.Name)) && expected.Total == total && expected.HasMore == hasMore;

    /// <summary>What the list did before it had indexes: every tool filtered, counted, and paged in name order.</summary>
    private static (List<string> Page, int Total, bool HasMore) WalkEveryTool(ToolQuery query, CatalogSnapshot snapshot, IReadOnlySet<string>? text)
    {
        var page = new List<string>();
        var total = 0;
        foreach (var tool in snapshot.Ordered.Where(t => query.Matches(t, text)))
        {
            total++;
            if (page.Count <= query.Limit && (query.After is null || string.CompareOrdinal(tool.Name, query.After) > 0))
            {
                page.Add(tool.Name);
            }
        }
        var hasMore = page.Count > query.Limit;
        return (hasMore ? page[..^1] : page, total, hasMore);
    }

    /// <summary>
    /// The same tools as <paramref name="whole"/>, reached through writes: every tool first added in a state the whole
    /// catalog does not have it in (another status, the other enabled value), a few at a time, a third of them removed,
    /// then each put back as it is in the whole catalog.
    /// </summary>
    private static CatalogSnapshot ByWrites(CatalogSnapshot whole)
    {
        var random = new Random(5);
        var snapshot = CatalogSnapshot.Empty;
        var revision = 0L;
        CatalogSnapshot Write(IEnumerable<ServedTool> tools, IEnumerable<string>? removed = null) =>
            snapshot.With(new HashSet<string>(removed ?? [], StringComparer.Ordinal), tools, ++revision, SnapshotSource.Database, DateTimeOffset.UnixEpoch);
        foreach (var chunk in whole.Ordered.OrderBy(_ => random.Next()).Chunk(7))
        {
            snapshot = Write(chunk.Select(t => new ServedTool
            {
                Document = t.Document, Status = t.Status == "active" ? "deprecated" : "active", Enabled = !t.Enabled, UpdatedAt = t.UpdatedAt, ChangeRevision = 1,
            }));
        }
        foreach (var chunk in whole.Ordered.Where((_, i) => i % 3 == 0).Chunk(5))
        {
            snapshot = Write([], chunk.Select(t => t.Name));
        }
        foreach (var chunk in whole.Ordered.OrderBy(_ => random.Next()).Chunk(11))
        {
            snapshot = Write(chunk);
        }
        return snapshot;
    }

    /// <summary>The shipped catalog, every third tool disabled and every fifth deprecated, so states vary independently of files.</summary>
    private static async Task<CatalogSnapshot> CatalogWithVariedStatesAsync(CancellationToken ct)
    {
        var parsed = await CatalogDirectory.LoadAsync(RepoPaths.Catalog, ct);
        var tools = parsed.Where(p => p.Tool is not null).Select((p, i) => new ServedTool
        {
            Document = p.Tool!, Status = i % 5 == 0 ? "deprecated" : "active", Enabled = i % 3 != 0, UpdatedAt = DateTime.UnixEpoch, ChangeRevision = 1,
        });
        return new CatalogSnapshot(tools, 1, SnapshotSource.Files, DateTimeOffset.UnixEpoch);
    }
}
