namespace ToolCatalog.Api.Selection;

/// <summary>Configuration of <c>POST /api/v1/select</c> (section <c>Selection</c>).</summary>
public sealed class SelectionOptions
{
    public const string Section = "Selection";

    /// <summary>Environments a request may name; the first is the default when a request names none.</summary>
    public string[]? Environments { get; set; }

    /// <summary>
    /// Words that make a query choose a preference mode, per mode (fast, accurate, thorough, cheap, simple). A mode not
    /// configured keeps its default list; configured lists replace the default for that mode.
    /// </summary>
    public Dictionary<string, string[]>? ModeKeywords { get; set; }

    public static readonly string[] DefaultEnvironments = ["production", "staging", "development"];

    /// <summary>The environments in effect (configured, else the defaults).</summary>
    public IReadOnlyList<string> EffectiveEnvironments => Environments is { Length: > 0 } configured ? configured : DefaultEnvironments;

    public bool IsValid(out string? error)
    {
        if (EffectiveEnvironments.Any(string.IsNullOrWhiteSpace))
        {
            error = "Selection:Environments must not hold empty names";
            return false;
        }
        var unknown = (ModeKeywords?.Keys ?? Enumerable.Empty<string>()).Where(k => !PreferenceModes.Keyworded.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        error = unknown.Count > 0 ? $"Selection:ModeKeywords: unknown mode(s) {string.Join(", ", unknown)} (use {string.Join(", ", PreferenceModes.Keyworded)})" : null;
        return error is null;
    }
}
