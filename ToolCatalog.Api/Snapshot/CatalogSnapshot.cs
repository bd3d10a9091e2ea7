namespace ToolCatalog.Api.Snapshot;

/// <summary>Where a snapshot came from: the database (normal) or the YAML folder (fallback, service degraded).</summary>
public enum SnapshotSource
{
    Empty,
    Database,
    Files,
}

/// <summary>A tool's field the snapshot groups its tools by.</summary>
public enum ToolField
{
    Platform,
    Category,
    Status,
    Enabled,
}

/// <summary>
/// An immutable, read-only view of the whole catalog, with its tools in name order, in case-insensitive name order and
/// grouped by platform, category, status and enabled value, so a lookup, a list page or a name prefix costs about what
/// it returns. Reloads build a new one and swap it in, so readers never wait and never see half a reload. A write swaps
/// in a copy that differs in its tools alone (<see cref="With"/>): every order and group is carried over with the few
/// changed tools edited in, at the cost of copying references rather than sorting and grouping the catalog again.
/// </summary>
public sealed class CatalogSnapshot
{
    public static readonly CatalogSnapshot Empty = new([], 0, SnapshotSource.Empty, DateTimeOffset.MinValue);

    private readonly ServedTool[] _ordered;
    private readonly ServedTool[] _byFoldedName;
    private readonly Dictionary<(ToolField, string), ServedTool[]> _groups;
    private string? _contentKey;

    /// <summary>All tools in name order (ordinal): the stable order lists and cursors rely on.</summary>
    public IReadOnlyList<ServedTool> Ordered => _ordered;

    public int Count => _ordered.Length;

    public long Revision { get; }

    /// <summary>
    /// A hash of what every tool is at (name, last change, content, state). Search entries are keyed by it, not by
    /// <see cref="Revision"/>: a replica can claim a revision while a change from another replica below it is still on
    /// its way, and an entry built then must not be taken for the complete catalog at that revision (here or, via Redis,
    /// on another replica). Replicas serving equal content share entries; any difference makes new keys. Computed on
    /// first use from each tool's own digest: a write that nobody searches after pays nothing for it.
    /// </summary>
    public string ContentKey => _contentKey ??= ComputeContentKey(_ordered);

    public SnapshotSource Source { get; }
    public DateTimeOffset LoadedAt { get; }

    public CatalogSnapshot(IEnumerable<ServedTool> tools, long revision, SnapshotSource source, DateTimeOffset loadedAt)
        : this(SortedTools.Sort(tools, SortedTools.ByName), revision, source, loadedAt)
    {
    }

    private CatalogSnapshot(ServedTool[] ordered, long revision, SnapshotSource source, DateTimeOffset loadedAt)
        : this(ordered, SortedTools.Sort(ordered, SortedTools.ByFoldedName), GroupsOf(ordered), revision, source, loadedAt)
    {
    }

    private CatalogSnapshot(ServedTool[] ordered, ServedTool[] byFoldedName, Dictionary<(ToolField, string), ServedTool[]> groups,
        long revision, SnapshotSource source, DateTimeOffset loadedAt)
    {
        _ordered = ordered;
        _byFoldedName = byFoldedName;
        _groups = groups;
        Revision = revision;
        Source = source;
        LoadedAt = loadedAt;
    }

    /// <summary>
    /// This snapshot with the <paramref name="replaced"/> tools taken out and <paramref name="incoming"/> put in (an
    /// incoming tool replaces the one of its name).
    /// </summary>
    public CatalogSnapshot With(IReadOnlySet<string> replaced, IEnumerable<ServedTool> incoming, long revision, SnapshotSource source,
        DateTimeOffset loadedAt)
    {
        var added = incoming.ToArray();
        var gone = replaced.Concat(added.Select(t => t.Name)).Distinct(StringComparer.Ordinal).Select(Find).OfType<ServedTool>().ToArray();
        return new CatalogSnapshot(SortedTools.Edit(_ordered, SortedTools.ByName, gone, added),
            SortedTools.Edit(_byFoldedName, SortedTools.ByFoldedName, gone, added), EditGroups(gone, added), revision, source, loadedAt);
    }

    /// <summary>The tool of this name (ordinal), found by binary search of the name order (allocating nothing: reads call it per request).</summary>
    public ServedTool? Find(string name) => _ordered.AsSpan().BinarySearch(new NameKey(name)) is var at and >= 0 ? _ordered[at] : null;

    /// <summary>The tools whose <paramref name="field"/> is <paramref name="value"/> (enabled: "true" or "false"), in name order.</summary>
    public IReadOnlyList<ServedTool> ToolsWith(ToolField field, string value) => _groups.GetValueOrDefault((field, value)) ?? [];

    /// <summary>The tools whose name starts with <paramref name="prefix"/>, compared case-insensitively (ASCII), in case-insensitive name order.</summary>
    public IReadOnlyList<ServedTool> NamedWithPrefix(string prefix)
    {
        int Order(int i) => string.Compare(_byFoldedName[i].Name, 0, prefix, 0, prefix.Length, StringComparison.OrdinalIgnoreCase);
        var start = SortedTools.FirstNotBefore(_byFoldedName.Length, i => Order(i) < 0);
        return new ArraySegment<ServedTool>(_byFoldedName, start, SortedTools.FirstNotBefore(_byFoldedName.Length, i => Order(i) <= 0) - start);
    }

    /// <summary>The groups a tool with these values belongs to, or a query for them asks for; a null value names none.</summary>
    public static IEnumerable<(ToolField Field, string Value)> Fields(string? platform, string? category, string? status, bool? enabled)
    {
        if (platform is not null)
        {
            yield return (ToolField.Platform, platform);
        }
        if (category is not null)
        {
            yield return (ToolField.Category, category);
        }
        if (status is not null)
        {
            yield return (ToolField.Status, status);
        }
        if (enabled is { } e)
        {
            yield return (ToolField.Enabled, e ? "true" : "false");
        }
    }

    private static IEnumerable<(ToolField, string)> FieldsOf(ServedTool tool) =>
        Fields(tool.Document.Platform, tool.Document.Category, tool.Status, tool.Enabled);

    private static Dictionary<(ToolField, string), ServedTool[]> GroupsOf(ServedTool[] ordered) =>
        ordered.SelectMany(tool => FieldsOf(tool).Select(key => (key, tool)))
            .GroupBy(p => p.key, p => p.tool)
            .ToDictionary(g => g.Key, g => g.ToArray());

    /// <summary>The groups with <paramref name="gone"/> taken out and <paramref name="added"/> put in; groups neither touches are shared.</summary>
    private Dictionary<(ToolField, string), ServedTool[]> EditGroups(ServedTool[] gone, ServedTool[] added)
    {
        var leaving = gone.SelectMany(tool => FieldsOf(tool).Select(key => (key, tool))).ToLookup(p => p.key, p => p.tool);
        var joining = added.SelectMany(tool => FieldsOf(tool).Select(key => (key, tool))).ToLookup(p => p.key, p => p.tool);
        var groups = new Dictionary<(ToolField, string), ServedTool[]>(_groups);
        foreach (var key in leaving.Select(g => g.Key).Union(joining.Select(g => g.Key)))
        {
            var tools = SortedTools.Edit(_groups.GetValueOrDefault(key) ?? [], SortedTools.ByName, leaving[key], joining[key]);
            if (tools.Length > 0)
            {
                groups[key] = tools;
            }
            else
            {
                groups.Remove(key);
            }
        }
        return groups;
    }

    private readonly struct NameKey(string name) : IComparable<ServedTool>
    {
        public int CompareTo(ServedTool? other) => string.CompareOrdinal(name, other?.Name);
    }

    private static string ComputeContentKey(ServedTool[] tools)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var tool in tools)
        {
            hash.AppendData(tool.ContentDigest);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..20];
    }
}
