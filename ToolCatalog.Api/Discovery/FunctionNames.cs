using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Discovery;

/// <summary>Where an exported function comes from: the tool (at the served version), capability and pattern.</summary>
public sealed record FunctionOrigin(string FunctionName, string Tool, string Version, string Capability, string Pattern);

/// <summary>
/// Function names for exported patterns. Every LLM API allows [a-zA-Z0-9_-] and at most 64 characters, so a name is
/// <c>tool__capability__pattern</c> when that is safe and unambiguous, and otherwise a cleaned prefix plus 8 hex
/// characters of a SHA-256 over the three parts: names never collide in practice, and <see cref="FunctionNameIndex"/>
/// maps each back to its origin.
/// </summary>
public static class FunctionNames
{
    public const int MaxLength = 64;

    public static string For(string tool, string capability, string pattern)
    {
        var raw = $"{tool}__{capability}__{pattern}";
        var clean = new string(raw.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());
        // "__" inside a part would let two different triples join to the same text; a cleaned character ('.') would too.
        var unambiguous = !tool.Contains("__", StringComparison.Ordinal) && !capability.Contains("__", StringComparison.Ordinal)
            && !pattern.Contains("__", StringComparison.Ordinal);
        if (unambiguous && clean == raw && clean.Length <= MaxLength)
        {
            return clean;
        }
        // Unambiguous long names keep the hash they always had (of the joined text); the others hash the parts apart.
        var hashed = unambiguous ? raw : $"{tool}\n{capability}\n{pattern}";
        var suffix = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hashed)))[..8];
        return clean[..Math.Min(clean.Length, MaxLength - 9)] + "_" + suffix;
    }
}

/// <summary>
/// Every function name the served catalog exports, mapped to its origin. Built once per snapshot (snapshots are
/// immutable and swapped whole on reload), so a name resolves exactly, hashed or not, against what is served now.
/// </summary>
public sealed class FunctionNameIndex
{
    private static readonly ConditionalWeakTable<CatalogSnapshot, FunctionNameIndex> BySnapshot = new();

    private readonly Dictionary<string, List<FunctionOrigin>> _origins;

    private FunctionNameIndex(CatalogSnapshot snapshot)
    {
        _origins = new Dictionary<string, List<FunctionOrigin>>(StringComparer.Ordinal);
        foreach (var tool in snapshot.Ordered)
        {
            foreach (var capability in tool.Document.Capabilities)
            {
                foreach (var pattern in capability.Patterns)
                {
                    var name = FunctionNames.For(tool.Name, capability.Name, pattern.Name);
                    if (!_origins.TryGetValue(name, out var list))
                    {
                        _origins[name] = list = [];
                    }
                    list.Add(new FunctionOrigin(name, tool.Name, tool.Version, capability.Name, pattern.Name));
                }
            }
        }
    }

    public static FunctionNameIndex Of(CatalogSnapshot snapshot) => BySnapshot.GetValue(snapshot, s => new FunctionNameIndex(s));

    /// <summary>The origins of a name: none when the catalog does not export it, more than one only on a hash collision.</summary>
    public IReadOnlyList<FunctionOrigin> Resolve(string functionName) =>
        _origins.TryGetValue(functionName, out var origins) ? origins : [];
}
