using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Catalog.Yaml;

/// <summary>
/// Reads YAML text into <see cref="YamlNode"/> data from parser events, without recursion, so that deep nesting,
/// alias bombs ("billion laughs"), duplicate keys and oversized input are reported as problems instead of
/// exhausting the stack or memory.
/// </summary>
public static partial class YamlReader
{
    /// <summary>Parses every document in the text (a multi-document stream yields several).</summary>
    public static IReadOnlyList<YamlNode> ReadAll(string text, string file, List<CatalogProblem> problems, YamlLimits? limits = null)
    {
        limits ??= YamlLimits.Default;
        var documents = new List<YamlNode>();
        if (System.Text.Encoding.UTF8.GetByteCount(text) > limits.MaxBytes)
        {
            problems.Add(CatalogProblem.Limit(file, SourceMark.None, "", $"file is larger than {limits.MaxBytes / 1024} KiB"));
            return documents;
        }
        // Fix: a leading byte order mark (allowed by YAML) was read as part of the first key.
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }
        // Fix: YamlDotNet treats a NUL as the end of the stream, silently dropping the rest of the file, and accepts lone
        // surrogates (undecodable input) that cannot be written back as UTF-8. Both are rejected with their position.
        if (FindInvalidCharacter(text) is { } invalid)
        {
            problems.Add(CatalogProblem.Error(file, invalid.Mark, "", invalid.Message));
            return documents;
        }
        return TryReadBlockSubset(text, file, problems, limits) ?? ReadWithParser(text, file, problems, limits);
    }

    /// <summary>The general reader: YamlDotNet's parser, for every YAML construct and every syntax error's message.</summary>
    internal static IReadOnlyList<YamlNode> ReadWithParser(string text, string file, List<CatalogProblem> problems, YamlLimits limits)
    {
        var documents = new List<YamlNode>();
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            var expandedBytes = new ExpandedBytes(limits.ExpandedByteLimit);
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var root = ReadDocument(parser, new DocumentBuilder(file, problems, limits, expandedBytes));
                parser.Consume<DocumentEnd>();
                if (root is not null)
                {
                    documents.Add(root);
                }
            }
            parser.Consume<StreamEnd>();
        }
        catch (YamlException ex)
        {
            // Syntax, semantic and anchor errors of the scanner and parser all derive from YamlException.
            var mark = ex.Start.Line > 0 ? new SourceMark((int)ex.Start.Line, (int)ex.Start.Column) : MarkOf(parser);
            problems.Add(CatalogProblem.Error(file, mark, "", "not valid YAML: " + ex.Message));
        }
        catch (LimitExceededException ex)
        {
            problems.Add(CatalogProblem.Limit(file, ex.Mark, "", ex.Message));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            // Fix: a few malformed streams make YamlDotNet fail outside its own exception type; these escaped as a 500.
            problems.Add(CatalogProblem.Error(file, MarkOf(parser), "", "not valid YAML: " + ex.Message));
        }
        return documents;
    }

    private static SourceMark MarkOf(Parser parser)
    {
        try
        {
            return parser.Current is { } current ? new SourceMark((int)current.Start.Line, (int)current.Start.Column) : new SourceMark(1, 1);
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            return new SourceMark(1, 1);
        }
    }

    private static (SourceMark Mark, string Message)? FindInvalidCharacter(string text)
    {
        var (line, column) = (1, 1);
        for (var i = 0; i < text.Length; i++, column++)
        {
            var c = text[i];
            if (c == '\n')
            {
                (line, column) = (line + 1, 0);
            }
            else if (c == '\0')
            {
                return (new SourceMark(line, column), "file contains a NUL character (U+0000): it is not a text file; inside a double-quoted string write it as \\0");
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return (new SourceMark(line, column), $"text is not valid Unicode: lone surrogate U+{(int)c:X4} (was the file saved as UTF-8?)");
            }
        }
        return null;
    }

    private static (ScalarKind, string) ResolveTagged(Scalar scalar) => scalar.Tag.Value switch
    {
        "tag:yaml.org,2002:str" => (ScalarKind.String, scalar.Value),
        _ => ScalarResolver.ResolvePlain(scalar.Value),
    };

    /// <summary>Collects the children of one open map or sequence.</summary>
    private sealed class Builder(SourceMark mark, bool isMap, string? anchor)
    {
        private readonly List<YamlNode> _items = [];

        public string? Anchor { get; } = anchor;
        public int Size { get; private set; } = 1;
        public long Bytes { get; private set; }

        public void Add(YamlNode node, int size, long bytes)
        {
            _items.Add(node);
            Size += size;
            Bytes += bytes;
        }

        public YamlNode Build(string file, List<CatalogProblem> problems)
        {
            if (!isMap)
            {
                return new YamlSequence(mark, _items);
            }
            var entries = new List<KeyValuePair<string, YamlNode>>(_items.Count / 2);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < _items.Count; i += 2)
            {
                if (_items[i] is not YamlScalar key)
                {
                    problems.Add(CatalogProblem.Error(file, _items[i].Mark, "", "map keys must be plain text, not maps or lists"));
                    continue;
                }
                var name = key.Kind == ScalarKind.Null ? "" : key.Text;
                if (!seen.Add(name))
                {
                    problems.Add(CatalogProblem.Error(file, key.Mark, "", $"duplicate key '{name}'"));
                    continue;
                }
                entries.Add(new(name, _items[i + 1]));
            }
            return new YamlMap(mark, entries);
        }
    }

    /// <summary>
    /// Bytes of scalar text read so far in the stream, aliases counted at the size they expand to: node counts alone let
    /// a 500 KiB anchor repeated a thousand times through (few nodes, half a gigabyte of text).
    /// </summary>
    private sealed class ExpandedBytes(long limit)
    {
        private long _total;

        public void Add(long bytes, SourceMark mark)
        {
            _total += bytes;
            if (_total > limit)
            {
                throw new LimitExceededException(mark, $"text expands to more than {limit / 1024:N0} KiB (anchors and aliases included)");
            }
        }
    }

    private sealed class LimitExceededException(SourceMark mark, string message) : Exception(message)
    {
        public SourceMark Mark { get; } = mark;
    }
}
