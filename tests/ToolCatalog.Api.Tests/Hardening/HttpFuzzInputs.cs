using System.IO.Compression;
using System.Text;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;
using ToolCatalog.Testing;

namespace ToolCatalog.Api.Tests.Hardening;

/// <summary>One generated request: where it goes, with which key, and what it carries.</summary>
public sealed record FuzzRequest(string Kind, HttpMethod Method, string Path, string? ContentType, byte[]? Body, bool Write,
    IReadOnlyList<(string Name, string Value)> Headers)
{
    public string Describe() =>
        $"{Kind}: {Method} {Path} [{ContentType ?? "no type"}] {(Body is null ? "" : Convert.ToBase64String(Body.AsSpan(0, Math.Min(Body.Length, 600))))}";
}

/// <summary>
/// Generates requests from the seed corpus (tests/fuzz-corpus/http) with a caller's <see cref="Random"/>: the same seed
/// gives the same sequence.
/// </summary>
public sealed class HttpFuzzInputs
{
    public const string EstimatePath = "/api/v1/tools/chmod/capabilities/file_management/patterns/set_file_mode/estimate";
    private const string Significant = "[]{}:,-?|>&*!%@`'\"#\n\t \\\u00a0\u2028\ufeff\u0085.~=01eE+";
    private static readonly string[] Params = ["limit", "view", "platform", "category", "status", "enabled", "tag", "capability", "name", "q", "cursor"];

    private readonly List<string> _tools;
    private readonly List<string> _snippets;
    private readonly List<string> _expressions;
    private readonly List<string> _queries;
    private readonly List<string> _contentTypes;
    private int _names;

    public HttpFuzzInputs()
    {
        var root = Path.Combine(RepoPaths.Root, "tests", "fuzz-corpus", "http");
        _tools = Directory.GetFiles(root, "tool-*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        _snippets = File.ReadAllText(Path.Combine(root, "snippets.yaml")).Split("\n%%%\n").ToList();
        _expressions = Lines(Path.Combine(root, "expressions.txt"));
        _queries = Lines(Path.Combine(root, "queries.txt"));
        _contentTypes = Lines(Path.Combine(root, "content-types.txt"));
    }

    private static List<string> Lines(string path) => File.ReadAllLines(path).Where(l => l.Length > 0).ToList();

    public FuzzRequest Next(Random random) => random.Next(10) switch
    {
        0 or 1 => Body(random, "yaml", Mutate(random, Pick(random, _tools)), "application/yaml"),
        2 => Body(random, "snippet", Mutate(random, Pick(random, _snippets) + "\n" + Pick(random, _snippets)), "application/yaml"),
        3 or 4 => Body(random, "json", Mutate(random, ToJson(Renamed(random, Pick(random, _tools)))), "application/json"),
        5 => Body(random, "expression", WithExpression(random, Renamed(random, Pick(random, _tools))), random.Next(2) == 0 ? "application/yaml" : "application/json"),
        6 => Zip(random),
        7 => Estimate(random),
        _ => Query(random),
    };

    private FuzzRequest Body(Random random, string kind, string text, string contentType)
    {
        var type = random.Next(8) == 0 ? Pick(random, _contentTypes) : contentType;
        if (type == "application/json" && kind is "expression")
        {
            text = ToJson(text);
        }
        var (method, path, write) = random.Next(4) switch
        {
            0 => (HttpMethod.Post, "/api/v1/tools/validate", false),
            1 => (HttpMethod.Post, "/api/v1/tools", true),
            2 => (HttpMethod.Put, "/api/v1/tools/" + (random.Next(2) == 0 ? "chmod" : $"fz{_names}"), true),
            _ => (HttpMethod.Post, "/api/v1/tools/import" + (random.Next(2) == 0 ? "?dryRun=true" : ""), true),
        };
        return new(kind, method, path, type == "-" ? null : type, Encoding.UTF8.GetBytes(text), write, Headers(random));
    }

    private FuzzRequest Zip(Random random)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                var text = Renamed(random, Pick(random, _tools));
                var name = random.Next(3) == 0 ? $"x/{i}.yml" : $"linux/{NameOf(text)}.yaml";
                using var stream = zip.CreateEntry(name, random.Next(2) == 0 ? CompressionLevel.NoCompression : CompressionLevel.Optimal).Open();
                stream.Write(Encoding.UTF8.GetBytes(random.Next(2) == 0 ? text : Mutate(random, text)));
            }
        }
        var bytes = buffer.ToArray();
        for (var flips = random.Next(3) == 0 ? 0 : random.Next(1, 6); flips > 0; flips--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }
        return new("zip", HttpMethod.Post, "/api/v1/tools/import" + (random.Next(2) == 0 ? "?dryRun=true" : ""), "application/zip", bytes, true, Headers(random));
    }

    private FuzzRequest Estimate(Random random)
    {
        var values = new[] { "1", "0", "-1", "1e308", "-1e308", "1e-320", "NaN", "\"10\"", "null", "true", "[]", "{}", "99999999999999999999999" };
        var keys = new[] { "files", "N", "mode", "path", "", "__proto__", "files\u0000" };
        var pairs = Enumerable.Range(0, random.Next(4)).Select(_ => $"\"{Pick(random, keys)}\": {Pick(random, values)}");
        var json = "{\"variables\": {" + string.Join(", ", pairs) + "}}";
        var text = random.Next(3) == 0 ? Mutate(random, json) : json;
        return new("estimate", HttpMethod.Post, EstimatePath, random.Next(6) == 0 ? Pick(random, _contentTypes) : "application/json",
            Encoding.UTF8.GetBytes(text), false, Headers(random));
    }

    private FuzzRequest Query(Random random)
    {
        string query;
        if (random.Next(2) == 0)
        {
            query = Pick(random, _queries);
        }
        else
        {
            var parts = Enumerable.Range(0, random.Next(1, 5)).Select(_ =>
                Uri.EscapeDataString(Pick(random, Params)) + "=" + Uri.EscapeDataString(RandomText(random, random.Next(2) == 0 ? 8 : 320)));
            query = string.Join('&', parts);
        }
        var path = random.Next(3) == 0 ? "/api/v1/search" : "/api/v1/tools";
        return new("query", HttpMethod.Get, path + "?" + query, null, null, false, Headers(random));
    }

    private static IReadOnlyList<(string, string)> Headers(Random random) => random.Next(4) switch
    {
        0 => [("If-Match", RandomText(random, 20))],
        1 => [("If-None-Match", "\"" + RandomText(random, 10) + "\""), ("X-Catalog-Trigger", RandomText(random, 6))],
        _ => [],
    };

    /// <summary>A tool under a fresh name, so a create that passes validation stores something new.</summary>
    private string Renamed(Random random, string tool) =>
        random.Next(3) == 0 ? tool : ReplaceLine(tool, "tool_name:", $"tool_name: fz{Interlocked.Increment(ref _names)}");

    private string WithExpression(Random random, string tool)
    {
        var expression = string.Join(Pick(random, [" + ", " * ", " / ", " - ", " ", " > ", ")", "("]),
            Enumerable.Range(0, random.Next(1, 6)).Select(_ => Pick(random, _expressions)));
        var field = Pick(random, ["time_estimate_ms:", "cost_estimate:", "requires_background_if:"]);
        return ReplaceLine(tool, field, $"{field} \"{expression.Replace("\"", "", StringComparison.Ordinal)}\"");
    }

    private static string ReplaceLine(string text, string startsWith, string replacement)
    {
        var lines = text.Split('\n');
        var index = Array.FindIndex(lines, l => l.TrimStart().StartsWith(startsWith, StringComparison.Ordinal));
        if (index >= 0)
        {
            var indent = lines[index][..(lines[index].Length - lines[index].TrimStart().Length)];
            lines[index] = indent + replacement;
        }
        return string.Join('\n', lines);
    }

    private static string NameOf(string yaml) =>
        yaml.Split('\n').FirstOrDefault(l => l.StartsWith("tool_name:", StringComparison.Ordinal))?["tool_name:".Length..].Trim() ?? "x";

    /// <summary>The YAML as JSON text, through the catalog's own reader (the way a client's JSON would look).</summary>
    public static string ToJson(string yaml)
    {
        var problems = new List<CatalogProblem>();
        var documents = YamlReader.ReadAll(yaml, "seed", problems);
        return documents.Count == 1 ? YamlJson.ToJson(documents[0])?.ToJsonString() ?? "null" : "{}";
    }

    public static string Mutate(Random random, string text)
    {
        var builder = new StringBuilder(text);
        for (var n = random.Next(1, 5); n > 0; n--)
        {
            var at = builder.Length == 0 ? 0 : random.Next(builder.Length);
            var span = Math.Min(builder.Length - at, random.Next(1, 40));
            switch (random.Next(6))
            {
                case 0:
                    builder.Insert(at, Significant[random.Next(Significant.Length)]);
                    break;
                case 1:
                    builder.Remove(at, span);
                    break;
                case 2:
                    builder.Insert(at, builder.ToString(at, span));
                    break;
                case 3:
                    builder.Length = at;
                    break;
                case 4:
                    builder.Insert(at, new string(' ', random.Next(1, 5)) + "\n");
                    break;
                default:
                    builder.Insert(at, RandomText(random, random.Next(1, 12)));
                    break;
            }
        }
        return builder.ToString();
    }

    private static string RandomText(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(4) switch
            {
                0 => Significant[random.Next(Significant.Length)],
                1 => (char)random.Next(0x20, 0x7f),
                2 => (char)random.Next(0xa0, 0x3000),
                _ => (char)random.Next('a', 'z' + 1),
            };
        }
        return new string(chars);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>
    /// Finding 4 (library part): the YAML reader lets some parser exceptions escape, which the routes answer with 500.
    /// That is fixed in ToolCatalog.Catalog separately; until then the inputs that make the library throw are counted
    /// and skipped here, and once the library is fixed none are.
    /// </summary>
    public static string? LibraryThrows(FuzzRequest request)
    {
        if (request.Body is null || request.Kind is "estimate")
        {
            return null;
        }
        var texts = request.Kind == "zip" ? ZipTexts(request.Body) : [Encoding.UTF8.GetString(request.Body)];
        foreach (var text in texts)
        {
            try
            {
                ToolParser.ParseDocuments(text, "body", new YamlLimits(16 * 1024 * 1024, 64, 5_000_000));
            }
            catch (Exception ex)
            {
                return $"finding 4 (YAML reader lets {ex.GetType().Name} escape): {ex.Message}";
            }
        }
        return null;
    }

    /// <summary>The texts of the entries the zip reader can read (an unreadable archive is the API's 400, not a library bug).</summary>
    private static List<string> ZipTexts(byte[] bytes)
    {
        var texts = new List<string>();
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                using var reader = new StreamReader(entry.Open());
                texts.Add(reader.ReadToEnd());
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IOException or ArgumentException)
        {
            // Entries read so far are still checked.
        }
        return texts;
    }
}
