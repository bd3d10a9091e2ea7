using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog;

namespace ToolCatalog.Api.Tests.Caching;

/// <summary>A snapshot derived from another by a few tools equals one built whole from the same tools.</summary>
public sealed class SnapshotSwapTests
{
    private static ServedTool Served(string name, string version, long changeRevision, bool enabled = true) => new()
    {
        Document = ToolParser.ParseFile(Replicas.Tool(name, version), name + ".yaml").Tool!,
        Status = "active",
        Enabled = enabled,
        UpdatedAt = DateTime.UnixEpoch,
        ChangeRevision = changeRevision,
    };

    private static CatalogSnapshot Whole(IEnumerable<ServedTool> tools, long revision) =>
        new(tools, revision, SnapshotSource.Database, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Replacing_removing_and_adding_tools_gives_the_snapshot_a_whole_build_of_the_result_gives()
    {
        var tools = new[] { "delta", "alpha", "echo", "charlie", "bravo" }.Select((n, i) => Served(n, "1.0.0", i + 1)).ToList();
        var before = Whole(tools, 5);
        var updated = Served("charlie", "1.1.0", 6);
        var added = new[] { Served("aardvark", "1.0.0", 7), Served("delta-two", "1.0.0", 8), Served("zulu", "1.0.0", 9) };
        var stateOnly = Served("echo", "1.0.0", 10, enabled: false); // an incoming tool replaces its namesake even when not named

        var after = before.With(new HashSet<string>(["charlie", "bravo"], StringComparer.Ordinal), [updated, stateOnly, .. added], 10,
            SnapshotSource.Database, DateTimeOffset.UnixEpoch);

        var expected = Whole([tools[0], tools[1], updated, stateOnly, .. added], 10);
        Assert.Equal(expected.Ordered.Select(t => t.Name), after.Ordered.Select(t => t.Name));
        Assert.All(expected.Ordered, t => Assert.Same(t, after.Find(t.Name)));
        Assert.Null(after.Find("bravo"));
        Assert.Equal(expected.ContentKey, after.ContentKey);
        Assert.NotEqual(before.ContentKey, after.ContentKey);
        Assert.Equal(["alpha", "bravo", "charlie", "delta", "echo"], before.Ordered.Select(t => t.Name)); // the old one is untouched
    }

    [Fact]
    public void What_a_swap_changed_is_counted_among_the_tools_it_touched_or_among_all()
    {
        var before = Whole([Served("one", "1.0.0", 1), Served("two", "1.0.0", 2), Served("three", "1.0.0", 3)], 3);
        var after = before.With(new HashSet<string>(["two", "three", "four"], StringComparer.Ordinal),
            [Served("two", "2.0.0", 4), Served("four", "1.0.0", 5)], 5, SnapshotSource.Database, DateTimeOffset.UnixEpoch);

        var touched = ReloadOutcome.Compare(before, after, new HashSet<string>(["two", "three", "four"], StringComparer.Ordinal));
        var all = ReloadOutcome.Compare(before, after, null);

        Assert.Equal(new ReloadOutcome(Added: 1, Updated: 1, Removed: 1, Total: 3, Revision: 5), touched);
        Assert.Equal(touched, all);
    }
}
