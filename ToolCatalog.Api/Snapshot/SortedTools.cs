namespace ToolCatalog.Api.Snapshot;

/// <summary>
/// Tool arrays kept sorted from one snapshot to the next. A change of k tools costs k binary searches and one copy of
/// the references, not a sort: at 10,229 tools and 20 writes a second, sorting and indexing the catalog again on every
/// swap took over a third of a replica's CPU.
/// </summary>
public static class SortedTools
{
    public static readonly IComparer<ServedTool> ByName = Comparer<ServedTool>.Create(static (a, b) => string.CompareOrdinal(a.Name, b.Name));

    /// <summary>Case-insensitive name order, ties in ordinal order: the names that start with a prefix, in any case, are one range of it.</summary>
    public static readonly IComparer<ServedTool> ByFoldedName = Comparer<ServedTool>.Create(static (a, b) =>
    {
        var folded = string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);
        return folded != 0 ? folded : string.CompareOrdinal(a.Name, b.Name);
    });

    public static ServedTool[] Sort(IEnumerable<ServedTool> tools, IComparer<ServedTool> order)
    {
        var sorted = tools.ToArray();
        Array.Sort(sorted, order);
        return sorted;
    }

    /// <summary>
    /// <paramref name="sorted"/> without <paramref name="gone"/> (tools it holds) and with <paramref name="added"/> in
    /// their places; an added tool takes the place of a gone one of its name.
    /// </summary>
    public static ServedTool[] Edit(ServedTool[] sorted, IComparer<ServedTool> order, IEnumerable<ServedTool> gone, IEnumerable<ServedTool> added)
    {
        var skips = gone.Select(t => Array.BinarySearch(sorted, t, order)).Where(at => at >= 0).Distinct().Order().ToArray();
        var inserts = Sort(added, order);
        var insertAt = inserts.Select(t => Array.BinarySearch(sorted, t, order) is var at && at >= 0 ? at : ~at).ToArray();
        var result = new ServedTool[sorted.Length - skips.Length + inserts.Length];
        var (from, to, skip, insert) = (0, 0, 0, 0);
        while (true)
        {
            var nextInsert = insert < inserts.Length ? insertAt[insert] : int.MaxValue;
            var nextSkip = skip < skips.Length ? skips[skip] : int.MaxValue;
            var kept = Math.Min(Math.Min(nextInsert, nextSkip), sorted.Length) - from;
            Array.Copy(sorted, from, result, to, kept);
            (from, to) = (from + kept, to + kept);
            if (nextInsert == from)
            {
                result[to++] = inserts[insert++];
            }
            else if (nextSkip == from)
            {
                (from, skip) = (from + 1, skip + 1);
            }
            else
            {
                return result;
            }
        }
    }

    /// <summary>Binary search: the first position in [0, count) where <paramref name="before"/> no longer holds (it holds for a prefix of the positions).</summary>
    public static int FirstNotBefore(int count, Func<int, bool> before)
    {
        var (low, high) = (0, count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = before(middle) ? (middle + 1, high) : (low, middle);
        }
        return low;
    }
}
