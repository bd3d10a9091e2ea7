using System.Text.Json;
using System.Text.Json.Serialization;
using ToolCatalog.Api.Selection;
using ToolCatalog.Api.Snapshot;
using ToolCatalog.Catalog;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Vocabulary;
using ToolCatalog.Testing;
using static ToolCatalog.Api.Tests.Selection.SelectionFixtures;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>
/// The engine ranks on numbers alone and explains only what it shows: for many generated requests, over the catalog
/// folder and over patterns built to hit every rule's edge (failing expressions, missing variables, ties), its response
/// is byte for byte the one the plain full evaluation gives (<see cref="ReferenceSelection"/>), and the lean
/// measurement of every single candidate agrees with its explanation.
/// </summary>
public sealed class LeanScoringTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Over_the_catalog_folder_the_decision_equals_the_full_evaluation(int seed)
    {
        var parsed = await CatalogDirectory.LoadAsync(RepoPaths.Catalog, TestContext.Current.CancellationToken);
        var snapshot = SnapshotOf(parsed.Where(p => p.Tool is not null).Select(p => (p.Tool!, p.Tool!.Status, p.Tool.Enabled)), 11);

        AssertSameDecisions(snapshot, new Random(seed), requests: 150);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Over_edge_case_patterns_the_decision_equals_the_full_evaluation(int seed) =>
        AssertSameDecisions(EdgeCaseSnapshot(), new Random(seed), requests: 300);

    private static void AssertSameDecisions(CatalogSnapshot snapshot, Random random, int requests)
    {
        var vocabulary = CapabilityVocabulary.BuiltIn;
        var index = SelectionIndex.Of(snapshot, vocabulary);
        var patterns = index.ByCapability.Values.SelectMany(p => p).ToArray();
        var generator = new RequestGenerator(random, index, patterns.SelectMany(p => p.Variables).Distinct().Order().ToArray());
        var (ranked, excluded) = (0, 0);
        for (var i = 0; i < requests; i++)
        {
            var request = generator.Next();
            var (query, errors) = Reader().Read(request);
            Assert.True(query is not null, string.Join("; ", errors));
            var context = JsonSerializer.Serialize(request, Json);

            var expected = JsonSerializer.Serialize(ReferenceSelection.Decide(snapshot, query, vocabulary), Json);
            var actual = JsonSerializer.Serialize(SelectionEngine.Decide(snapshot, query, vocabulary), Json);
            Assert.True(expected == actual, $"request {context}\nexpected {expected}\nactual   {actual}");
            AssertStrongestAndWeakest(SelectionEngine.Decide(snapshot, query, vocabulary));

            foreach (var pattern in patterns)
            {
                var measured = CandidateEvaluator.TryMeasure(pattern, query, new ResolvedVariables(), out var time, out var cost);
                var explained = CandidateEvaluator.Explain(pattern, query, new ResolvedVariables());
                Assert.True(measured == !explained.Excluded, $"{pattern.Tool} {pattern.Pattern} for {context}");
                if (measured)
                {
                    Assert.Equal((explained.TimeMs, explained.Cost), (time, cost));
                    Assert.Equal(FeatureScoring.Score(explained, query.Mode.Weights).Score, FeatureScoring.ScoreOf(pattern, time, cost, query.Mode.Weights));
                }
                (ranked, excluded) = measured ? (ranked + 1, excluded) : (ranked, excluded + 1);
            }
        }
        // The generated requests must exercise both outcomes, or the comparison proves little.
        Assert.True(ranked > requests && excluded > requests, $"ranked {ranked}, excluded {excluded}");
    }

    /// <summary>The justification names the ends of the features ordered by contribution, then name (ties are common).</summary>
    private static void AssertStrongestAndWeakest(SelectResponse response)
    {
        foreach (var candidate in response.Candidates)
        {
            var ordered = candidate.Features.OrderByDescending(f => f.Contribution).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
            Assert.Contains($"strongest on {ordered[0].Name} (", candidate.Justification, StringComparison.Ordinal);
            Assert.Contains($"weakest on {ordered[^1].Name} (", candidate.Justification, StringComparison.Ordinal);
        }
    }

    /// <summary>Patterns for every rule's edge: estimates that fail, variables without a value, each policy limit, ties.</summary>
    private static CatalogSnapshot EdgeCaseSnapshot()
    {
        var plain = new TestPattern("plain", "1000", "2");
        var patterns = new[]
        {
            plain,
            plain with { Name = "twin" },
            new TestPattern("per_item", "200 * N + 50", "0.01 * N", Complexity: 0.55) { MaxNImmediate = 100, MaxCost = 3 },
            new TestPattern("per_megabyte", "size_mb / N * 40", "size_mb / 100", Accuracy: null) { BackgroundIf = "size_mb > 500" },
            new TestPattern("per_host", "sqrt(hosts - 5) * 900", "log(hosts)", Completeness: null) { MaxExecutionTime = 20_000, ProductionSafe = true },
            new TestPattern("paged", "pages * 700 + rows", "1.5") { BackgroundIf = "rows / pages > 40", ProductionSafe = false },
            new TestPattern("declared", "depth * 300", "depth / 4", 0.9, 0.95, 1.0)
            {
                Inputs = new Dictionary<string, double?> { ["depth"] = 3 }, RequiresApproval = true, MaxCost = 1,
            },
            new TestPattern("undeclared_default", "window * 10 + 100", "0.2")
            {
                Inputs = new Dictionary<string, double?> { ["window"] = null }, MaxExecutionTime = 2_000,
            },
            new TestPattern("slow", "90000", "9", 1.0, 0.2, 0.3) { MaxNImmediate = 1 },
            new TestPattern("free", "60", "0", 0.0, 1.0, 1.0) { ProductionSafe = true },
        };
        return SnapshotOf([
            (Tool("alpha", "linux", [("backup", patterns), ("diagnostics", patterns[..5])]), "active", true),
            (Tool("beta", "windows", [("backup", patterns[3..])]), "active", true),
            (Tool("gamma", "multi-platform", [("backup", [plain, plain with { Name = "twin" }]), ("jobs", patterns[5..])]), "active", true),
            (Tool("delta", "linux", [("diagnostics", patterns[4..8])]), "active", true),
            (Tool("omega", "linux", [("backup", patterns)]), "active", false),
        ], 5);
    }

    /// <summary>Random but valid requests: capabilities (known, aliases, unknown), variables, modes or weights, constraints.</summary>
    private sealed class RequestGenerator(Random random, SelectionIndex index, string[] variables)
    {
        private static readonly double[] Values = [0, 0.5, 1, 2, 7, 50, 120, 1_000, 40_000, 1e6, -5, 1e300];
        private static readonly string?[] Queries = [null, "find it quickly", "a thorough and accurate check", "cheap please", "simple", "anything"];

        public SelectRequest Next()
        {
            var names = index.CapabilityNames.Concat(index.CapabilityNames.SelectMany(n => index.Vocabulary.Find(n)?.Aliases ?? []))
                .Append("no_such_capability").ToArray();
            var weighted = random.Next(4) == 0;
            return new SelectRequest
            {
                Capabilities = Enumerable.Range(0, random.Next(1, 5)).Select(_ => names[random.Next(names.Length)]).ToList(),
                Query = Queries[random.Next(Queries.Length)],
                Mode = weighted || random.Next(3) == 0 ? null : PreferenceModes.All[random.Next(PreferenceModes.All.Count)],
                Weights = weighted ? Weights() : null,
                Variables = variables.Where(_ => random.Next(3) > 0).ToDictionary(v => v, _ => Values[random.Next(Values.Length)]),
                Environment = random.Next(4) == 0 ? null : SelectionOptions.DefaultEnvironments[random.Next(SelectionOptions.DefaultEnvironments.Length)],
                Platform = random.Next(3) == 0 ? CatalogRules.Platforms[random.Next(CatalogRules.Platforms.Length)] : null,
                Constraints = random.Next(2) == 0 ? null : new SelectConstraints
                {
                    MaxCost = random.Next(3) == 0 ? Values[random.Next(1, 8)] : null,
                    MaxTimeMs = random.Next(3) == 0 ? Values[random.Next(2, 10)] : null,
                    RequireProductionSafe = random.Next(3) == 0 ? random.Next(2) == 0 : null,
                },
                TopK = random.Next(4) == 0 ? null : random.Next(1, 51),
            };
        }

        /// <summary>Five twentieths that sum to one.</summary>
        private FeatureWeights Weights()
        {
            var parts = new int[5];
            for (var i = 0; i < 20; i++)
            {
                parts[random.Next(5)]++;
            }
            return new FeatureWeights(parts[0] / 20.0, parts[1] / 20.0, parts[2] / 20.0, parts[3] / 20.0, parts[4] / 20.0);
        }
    }
}
