using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Expressions;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// Generated bad input: thousands of mutated tool documents (seeded from catalog/ and tests/fuzz-corpus/) and mutated
/// expressions, each through the reader, validator, writer and expression evaluator. Nothing may throw, and every error
/// must say where (a line or a path). The seed is fixed, so a failure reproduces; its input is printed.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20_261_206;
    private const int Documents = 3_000;
    private const int Expressions = 3_000;

    internal static readonly string[] YamlTokens =
    [
        "[", "]", "{", "}", ":", ": ", "- ", "-", ",", "? ", "&a ", "*a", "&b ", "*b", "<<: *a\n", "...\n", "---\n", "!!str ", "!!int ", "!x ",
        "%YAML 1.2\n", "|", "|-", ">+", "|2\n", "\"", "'", "#", "\t", "\n", "\n  ", "\r", "@", "`", "!", "\\", "\\u12", "\"\\x", "1e-20000",
        "0x", "0o9", ".inf", ".nan", "~", "null", "true", "N+N+N", "((((", "))))", "\u00e9", "\U0001F600", "\uFFFE", "%",
    ];

    private static readonly string[] ExpressionTokens =
    [
        "N", "+", "-", "*", "/", "%", "(", ")", ",", "max(", "min(", "log(", "sqrt(", "not ", " and ", " or ", ">", ">=", "==", "!=", "<>",
        "1e308", "1e400", "0", "0.5", ".5", "5.", "99999999999999999999", "'x'", "\"y\"", "[N]", "#2025-01-01#", "&&", "||", "!", "~", "?", ":",
        "if(", "Pow(", "in", "@", "$", " ", "1e", "1e+", "N N", "2147483647",
    ];

    [Fact]
    public void Mutated_documents_never_throw_and_every_error_says_where()
    {
        var random = new Random(Seed);
        var seeds = SeedDocuments();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < Documents; i++)
        {
            var text = Mutate(seeds[random.Next(seeds.Count)], random, YamlTokens);
            try
            {
                CheckDocument(text, failures);
            }
            catch (Exception ex)
            {
                failures.Add($"#{i}: {ex.GetType().Name}: {ex.Message}\n--- input ---\n{Excerpt(text)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures in {clock.Elapsed}; first:\n{string.Join("\n\n", failures.Take(5))}");
    }

    [Fact]
    public void Mutated_expressions_never_throw_and_a_value_is_always_finite()
    {
        var random = new Random(Seed);
        var seeds = SeedExpressions();
        var variables = EstimateExpression.StandardVariables.ToDictionary(v => v, _ => 10.0, StringComparer.Ordinal);
        var failures = new List<string>();

        for (var i = 0; i < Expressions; i++)
        {
            var text = Mutate(seeds[random.Next(seeds.Count)], random, ExpressionTokens);
            try
            {
                EstimateExpression.Check(text, new HashSet<string>(StringComparer.Ordinal));
                var result = EstimateExpression.Evaluate(text, variables);
                if (result.Ok ? !double.IsFinite(result.Value) : string.IsNullOrEmpty(result.Error))
                {
                    failures.Add($"#{i}: '{text}' gave {result}");
                }
            }
            catch (Exception ex)
            {
                failures.Add($"#{i}: '{text}' threw {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures; first:\n{string.Join('\n', failures.Take(10))}");
    }

    [Theory]
    [InlineData("a: [b\nc: d")]
    [InlineData("...\na: b")]
    [InlineData("a: b\n...\nc: d")]
    [InlineData("%YAML 1.2\n%YAML 1.2\n---\na: b")]
    [InlineData("a: !<tag:%ZZ> b")]
    [InlineData("&a [*a]")]
    public void Malformed_yaml_that_escaped_the_reader_is_a_located_error(string text)
    {
        var problems = new List<CatalogProblem>();

        YamlReader.ReadAll(text, "bad.yaml", problems);
        var result = ToolParser.ParseFile(text, "bad.yaml");

        Assert.False(result.IsValid);
        Assert.All(result.Errors, e => Assert.True(e.Line > 0 || e.Path.Length > 0, e.ToString()));
    }

    /// <summary>Reader + validator; for each valid tool, its expressions, and the writer's round trip.</summary>
    private static void CheckDocument(string text, List<string> failures)
    {
        foreach (var parsed in ToolParser.ParseDocuments(text, "fuzz.yaml"))
        {
            foreach (var error in parsed.Errors.Where(e => e.Line <= 0 && e.Path.Length == 0))
            {
                failures.Add($"error without a place: {error}\n--- input ---\n{Excerpt(text)}");
            }
            if (parsed.Tool is not { } tool)
            {
                continue;
            }
            foreach (var pattern in tool.Capabilities.SelectMany(c => c.Patterns))
            {
                var variables = EstimateExpression.StandardVariables.ToDictionary(v => v, _ => 10.0, StringComparer.Ordinal);
                EstimateExpression.Evaluate(pattern.TimeEstimateMs, variables);
                EstimateExpression.Evaluate(pattern.CostEstimate, variables);
            }
            var written = YamlWriter.Write(YamlJson.FromJson(tool.ToJsonObject()));
            var again = ToolParser.ParseFile(written, "again.yaml");
            if (again.Tool?.ContentHash != tool.ContentHash)
            {
                failures.Add($"written and read again, the tool changed: {string.Join("; ", again.Errors)}\n--- input ---\n{Excerpt(text)}");
            }
        }
    }

    internal static string Mutate(string text, Random random, string[] tokens)
    {
        var result = new StringBuilder(text);
        for (var step = random.Next(1, 5); step > 0; step--)
        {
            var at = result.Length == 0 ? 0 : random.Next(result.Length);
            var span = Math.Min(random.Next(1, 24), result.Length - at);
            switch (random.Next(6))
            {
                case 0:
                    result.Insert(at, tokens[random.Next(tokens.Length)]);
                    break;
                case 1:
                    result.Remove(at, span);
                    break;
                case 2:
                    result.Insert(at, result.ToString(at, span));
                    break;
                case 3:
                    result.Remove(at, Math.Min(1, span)).Insert(at, tokens[random.Next(tokens.Length)]);
                    break;
                case 4:
                    result.Length = at;
                    break;
                default:
                    result.Insert(at, new string(' ', random.Next(1, 4)));
                    break;
            }
        }
        return result.ToString();
    }

    internal static List<string> SeedDocuments()
    {
        var corpus = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "fuzz-corpus"))
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal));
        var seeds = CatalogDirectory.EnumerateFiles(RepoPaths.Catalog).Concat(corpus).Select(File.ReadAllText).ToList();
        // The catalog's JSON form too: the API takes JSON bodies through the same reader.
        seeds.AddRange(seeds.Take(20).Select(t => ToolParser.ParseDocuments(t, "seed.yaml")[0].Tool?.CanonicalJson).OfType<string>());
        Assert.True(seeds.Count > 230, $"only {seeds.Count} seeds");
        return seeds;
    }

    private static List<string> SeedExpressions()
    {
        var expressions = new List<string>();
        foreach (var tool in CatalogDirectory.EnumerateFiles(RepoPaths.Catalog).Select(f => ToolParser.ParseFile(File.ReadAllText(f), f).Tool).OfType<ToolDocument>())
        {
            expressions.AddRange(tool.Capabilities.SelectMany(c => c.Patterns).SelectMany(p => (string[])[p.TimeEstimateMs, p.CostEstimate]));
            expressions.AddRange(JsonNodes(tool.ToJsonObject()).Select(n => n["requires_background_if"]).OfType<JsonValue>().Select(v => v.ToString()));
        }
        return expressions.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<JsonObject> JsonNodes(JsonObject tool) =>
        tool["capabilities"]!.AsObject().SelectMany(c => c.Value!["patterns"]!.AsObject()).Select(p => p.Value!["policy"]).OfType<JsonObject>();

    private static string Excerpt(string text) => text.Length > 600 ? text[..600] + "…" : text;
}
