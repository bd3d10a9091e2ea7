using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Catalog.Yaml;

public static partial class YamlReader
{
    private static YamlNode? ReadDocument(IParser parser, DocumentBuilder document)
    {
        while (!(parser.Current is DocumentEnd))
        {
            var evt = parser.Current ?? throw new YamlException("unexpected end of stream");
            parser.MoveNext();
            Add(document, evt);
        }
        return document.Root;
    }

    private static void Add(DocumentBuilder document, ParsingEvent evt)
    {
        var mark = new SourceMark((int)evt.Start.Line, (int)evt.Start.Column);
        switch (evt)
        {
            case Scalar scalar:
                var (kind, value) = scalar.IsQuotedImplicit || scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded
                    ? (ScalarKind.String, scalar.Value)
                    : scalar.Tag.IsEmpty || scalar.Tag.Value == "?" ? ScalarResolver.ResolvePlain(scalar.Value) : ResolveTagged(scalar);
                document.Scalar(mark, kind, value, scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value);
                break;
            case SequenceStart sequence:
                document.Open(mark, isMap: false, sequence.Anchor.IsEmpty ? null : sequence.Anchor.Value);
                break;
            case MappingStart map:
                document.Open(mark, isMap: true, map.Anchor.IsEmpty ? null : map.Anchor.Value);
                break;
            case SequenceEnd or MappingEnd:
                document.Close();
                break;
            case AnchorAlias alias:
                document.Alias(mark, alias.Value.Value);
                break;
            default:
                throw new YamlException(evt.Start, evt.End, $"unexpected {evt.GetType().Name}");
        }
    }

    /// <summary>
    /// One document's tree, built without recursion from the calls of a reader (YamlDotNet's events, or the block
    /// subset's own scanner), counting every node and byte an alias expands to, so a deep or "billion laughs" document
    /// stops at its limit instead of exhausting memory. Both readers share it, so limits, duplicate keys and key text
    /// are judged the same whichever one read the file.
    /// </summary>
    private sealed class DocumentBuilder(string file, List<CatalogProblem> problems, YamlLimits limits, ExpandedBytes expandedBytes)
    {
        private readonly Dictionary<string, Completed> _anchors = new(StringComparer.Ordinal);
        private readonly Stack<Builder> _open = new();
        private int _nodes;

        public YamlNode? Root { get; private set; }

        private readonly record struct Completed(YamlNode Node, int Size, long Bytes);

        public void Scalar(SourceMark mark, ScalarKind kind, string value, string? anchor = null)
        {
            _nodes++;
            var bytes = System.Text.Encoding.UTF8.GetByteCount(value);
            expandedBytes.Add(bytes, mark);
            CheckNodes(mark);
            Attach(new Completed(new YamlScalar(mark, kind, value), 1, bytes), anchor);
        }

        public void Open(SourceMark mark, bool isMap, string? anchor = null)
        {
            _nodes++;
            if (_open.Count >= limits.MaxDepth)
            {
                throw new LimitExceededException(mark, $"nesting deeper than {limits.MaxDepth} levels");
            }
            CheckNodes(mark);
            _open.Push(new Builder(mark, isMap, anchor));
        }

        public void Close()
        {
            var done = _open.Pop();
            Attach(new Completed(done.Build(file, problems), done.Size, done.Bytes), done.Anchor);
        }

        public void Alias(SourceMark mark, string name)
        {
            if (!_anchors.TryGetValue(name, out var target))
            {
                throw new LimitExceededException(mark, $"alias *{name} refers to no anchor");
            }
            // An alias costs what it expands to: this is what stops a "billion laughs" file.
            _nodes += target.Size;
            expandedBytes.Add(target.Bytes, mark);
            CheckNodes(mark);
            Attach(target, null);
        }

        private void CheckNodes(SourceMark mark)
        {
            if (_nodes > limits.MaxNodes)
            {
                throw new LimitExceededException(mark, $"document expands to more than {limits.MaxNodes:N0} nodes (anchors and aliases included)");
            }
        }

        private void Attach(Completed node, string? anchor)
        {
            if (anchor is not null)
            {
                _anchors[anchor] = node;
            }
            if (_open.Count == 0)
            {
                Root = node.Node;
            }
            else
            {
                _open.Peek().Add(node.Node, node.Size, node.Bytes);
            }
        }
    }
}
