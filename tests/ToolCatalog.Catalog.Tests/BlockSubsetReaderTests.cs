using System.Text;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// The reader's fast path for block-style files against YamlDotNet's parser: whatever the fast path accepts must give
/// the same nodes (kinds, text, line and column) and the same problems; whatever it declines YamlDotNet reads. Checked
/// on every catalog file, on hand-written cases of each construct, and on tens of thousands of mutated files.
/// </summary>
public sealed class BlockSubsetReaderTests
{
    private const int Seed = 20_261_207;
    private const int Mutations = 20_000;

    private static readonly string[] SubsetTokens =
    [
        "|", "|-", "|+", ">", ">-", ">+", "- ", ": ", ":", "\n", "\n  ", "\n    ", "\n- ", " #", "#", "'", "''", "\"", "\\n",
        "\\u00e9", "\\x41", "\\q", "[", "]", ", ", "{}", "[]", "{", "---\n", "...", "-", "~", "null", "1.5", "0x1F", "+1",
        "true", "key: ", "  ", " ", "\u00e9", "\U0001F600", "a", "%", "&", "*", "!", "?", "@",
    ];

    [Fact]
    public void Every_catalog_file_is_read_by_the_fast_path_as_YamlDotNet_reads_it()
    {
        var files = CatalogDirectory.EnumerateFiles(RepoPaths.Catalog).ToList();

        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            // The same file saved with Windows line ends too.
            foreach (var variant in (string[])[text, text.Replace("\n", "\r\n", StringComparison.Ordinal)])
            {
                var (accepted, difference) = Compare(variant);
                Assert.True(accepted, $"{file} left the block subset");
                Assert.Null(difference);
            }
        }
        Assert.True(files.Count > 200, $"only {files.Count} catalog files");
    }

    [Theory]
    [InlineData("name: x   # comment\nempty:\nafter: 1\n")]
    [InlineData("# leading comment\n---\na: 1\n")]
    [InlineData("a:\n- 1\n-  'two'\n- key: v\n  k2: \"q\\tx\"\nb: 2\n")]
    [InlineData("a:\n  list:\n    - 1\n    - [a, \"b\", 'c', -1, x y]\n  e: []\n  m: {}\n")]
    [InlineData("lit: |\n  line1\n   line2\n\n  line3\n\nfold: >-\n  a\n  b\n\n  c\nkeep: |+\n  k\n\n\nnext: 1\n")]
    [InlineData("- |\n  in a list\n- >\n  folded\n  text\n- key: |\n    under a key\n")]
    [InlineData("a: 'it''s'\nb: \"\\\"\\\\\\/\\0\\a\\b\\n\\v\\f\\r\\e\\ \\N\\_\\L\\P\\x41\\u00e9\"\n")]
    [InlineData("\"quoted key\": 1\n'single': 2\n3: three\ntrue: t\nnull: n\n~: tilde\n")]
    [InlineData("url: http://example.com/a#b\ntime: 12:30\ncmd: kubectl get pods -o jsonpath={.items[*]}\nneg: -5\nflag: --force\n")]
    [InlineData("a: 1\n---\nb: 2\n---\n- c\n")]
    [InlineData("a:\n  b:\n    c:\n      d: deep\n  e: 1\nf: 2\n")]
    [InlineData("emoji: \U0001F600 caf\u00e9\nkey with spaces: value with spaces   \n")]
    [InlineData("a: 1\na: 2\n")]
    [InlineData("a: |\n  x\n# comment after the block\nb: >\n\n  leading blank\n")]
    [InlineData("  indented: root\n  second: 1\n")]
    [InlineData("a: # a comment where the value would be\nb: 1\n")]
    [InlineData("schema: { type: object, items: { type: string, enum: [a, 'b'] }, \"q\": [] }\nnext: 1\n")]
    [InlineData("rows:\n  - - 2025-01-10 09:59:00\n    - [1, 2]\n  - - - deep\n")]
    [InlineData("- {a: 1}\n- [x, {y: z}]\n")]
    [InlineData("a: b\r\nc: |\r\n  x\r\n\r\n  y  \r\nd: >-\r\n  e\r\n  f\r\n")]
    public void A_construct_of_the_subset_reads_as_YamlDotNet_reads_it(string text)
    {
        var (accepted, difference) = Compare(text);
        Assert.True(accepted);
        Assert.Null(difference);
    }

    [Theory]
    [InlineData("a: &x 1\nb: *x\n")]
    [InlineData("a: !!str 1\n")]
    [InlineData("a: plain\n  continued\n")]
    [InlineData("a: 'quoted\n  continued'\n")]
    [InlineData("a:\tb\n")]
    [InlineData("a: b\rc: d\n")]
    [InlineData("{\"a\": 1}")]
    [InlineData("a: [b: 1]\n")]
    [InlineData("a: {b, c: 1}\n")]
    [InlineData("a: [b, c,]\n")]
    [InlineData("a: [b,\n  c]\n")]
    [InlineData("a: |2\n   x\n")]
    [InlineData("a: >\n  x\n    more indented\n")]
    [InlineData("a: |\n  no final line break")]
    [InlineData("%YAML 1.2\n---\na: 1\n")]
    [InlineData("a: 1\n...\n")]
    [InlineData("? a\n: b\n")]
    [InlineData("a: b: c\n")]
    [InlineData("a: 1\n b: 2\n")]
    [InlineData("- a\nb: 1\n")]
    [InlineData("plain scalar\n")]
    [InlineData("")]
    [InlineData("a: \"\\q\"\n")]
    public void Anything_else_is_left_to_YamlDotNet(string text)
    {
        var (accepted, difference) = Compare(text);
        Assert.False(accepted);
        Assert.Null(difference);
    }

    [Fact]
    public void Mutated_files_read_the_same_whichever_reader_takes_them()
    {
        var random = new Random(Seed);
        var seeds = FuzzTests.SeedDocuments();
        string[] tokens = [.. SubsetTokens, .. FuzzTests.YamlTokens];
        var (accepted, failures) = (0, new List<string>());

        for (var i = 0; i < Mutations; i++)
        {
            var seed = seeds[random.Next(seeds.Count)];
            var text = FuzzTests.Mutate(i % 4 == 0 ? seed.Replace("\n", "\r\n", StringComparison.Ordinal) : seed, random, tokens);
            var (taken, difference) = Compare(text);
            accepted += taken ? 1 : 0;
            if (difference is not null)
            {
                failures.Add($"#{i}: {difference}\n--- input ---\n{text}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} differences; first:\n{string.Join("\n\n", failures.Take(3))}");
        // Most mutations keep a file inside the subset; if few did, this test would check little.
        Assert.True(accepted > Mutations / 4, $"the fast path took only {accepted} of {Mutations} mutated files");
    }

    /// <summary>
    /// Whether the fast path took the text, and how its reading differs from YamlDotNet's (null when it does not; a text
    /// it declined is read by YamlDotNet alone, so it only must not leave problems behind).
    /// </summary>
    private static (bool Accepted, string? Difference) Compare(string text)
    {
        var fastProblems = new List<CatalogProblem>();
        if (YamlReader.TryReadBlockSubset(text, "f.yaml", fastProblems, YamlLimits.Default) is not { } fast)
        {
            return (false, fastProblems.Count == 0 ? null : "declined but left problems behind");
        }
        var parserProblems = new List<CatalogProblem>();
        var parser = YamlReader.ReadWithParser(text, "f.yaml", parserProblems, YamlLimits.Default);
        var (expected, actual) = (Dump(parser, parserProblems), Dump(fast, fastProblems));
        return (true, expected == actual ? null : $"YamlDotNet read:\n{expected}\nthe fast path read:\n{actual}");
    }

    private static string Dump(IReadOnlyList<YamlNode> documents, List<CatalogProblem> problems)
    {
        var text = new StringBuilder();
        foreach (var document in documents)
        {
            Dump(document, text);
            text.Append('\n');
        }
        problems.ForEach(p => text.Append(p).Append('\n'));
        return text.ToString();
    }

    private static void Dump(YamlNode node, StringBuilder text)
    {
        text.Append('@').Append(node.Mark).Append(' ');
        switch (node)
        {
            case YamlScalar scalar:
                text.Append(scalar.Kind).Append(" \"").Append(scalar.Text.Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
                break;
            case YamlSequence sequence:
                text.Append('[');
                sequence.Items.ToList().ForEach(item => Dump(item, text.Append(' ')));
                text.Append(" ]");
                break;
            case YamlMap map:
                text.Append('{');
                map.Entries.ToList().ForEach(entry => Dump(entry.Value, text.Append(' ').Append(entry.Key).Append(':')));
                text.Append(" }");
                break;
        }
    }
}
