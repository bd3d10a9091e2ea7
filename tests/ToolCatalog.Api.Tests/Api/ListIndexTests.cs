using ToolCatalog.Api.Snapshot;
using ToolCatalog.Api.Tools;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Vocabulary;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// A list page built from the snapshot's indexes is the page a walk over every tool gives: same tools, same total, same
/// "more follows", for thousands of filter, prefix, cursor and limit combinations over the shipped catalog (mixed-case
/// names, several platforms, categories and states).
/// </summary>
public sealed class ListIndexTests
{
    [Fact]
    public async Task Every_page_from_the_indexes_is_the_page_a_walk_over_every_tool_gives()
    {
        var ct = TestContext.Current.CancellationToken;
        var snapshot = await CatalogWithVariedStatesAsync(ct);
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

            var (page, total, hasMore) = ToolQuery.Page(query, snapshot, text, ListIndex.Of(snapshot));
            var (walked, walkedTotal, walkedMore) = ToolQuery.Page(query, snapshot, text, index: null);

            var expected = WalkEveryTool(query, snapshot, text);
            Assert.True(Same(expected, page, total, hasMore), $"the index gives another page for {query}");
            Assert.True(Same(expected, walked, walkedTotal, walkedMore), $"the walk gives another page for {query}");
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
