using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Catalog.Yaml;

public static partial class YamlReader
{
    private static YamlNode? ReadDocument(IParser parser, string file, List<CatalogProblem> problems, YamlLimits limits, ExpandedBytes expandedBytes)
    {
        var document = new DocumentBuilder(file, problems, limits, expandedBytes);
        while (!(parser.Current is DocumentEnd))
        {
            var evt = parser.Current ?? throw new YamlException("unexpected end of stream");
            parser.MoveNext();
            document.Add(evt);
        }
        return document.Root;
    }

    /// <summary>
    /// One document's tree, built from its events with an explicit stack (no recursion), counting every node and byte
    /// an alias expands to, so a deep or "billion laughs" document stops at its limit instead of exhausting memory.
    /// </summary>
    private sealed class DocumentBuilder(string file, List<CatalogProblem> problems, YamlLimits limits, ExpandedBytes expandedBytes)
    {
        private readonly Dictionary<string, Completed> _anchors = new(StringComparer.Ordinal);
        private readonly Stack<Builder> _open = new();
        private int _nodes;

        public YamlNode? Root { get; private set; }

        private readonly record struct Completed(YamlNode Node, int Size, long Bytes);

        public void Add(ParsingEvent evt)
        {
            var mark = new SourceMark((int)evt.Start.Line, (int)evt.Start.Column);
            var (completed, anchor) = Complete(evt, mark);
            if (_nodes > limits.MaxNodes)
            {
                throw new LimitExceededException(mark, $"document expands to more than {limits.MaxNodes:N0} nodes (anchors and aliases included)");
            }
            if (completed is not { } node)
            {
                return;
            }
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

        /// <summary>The node this event completes (a scalar, an alias, the end of a collection) and its anchor; none for a start.</summary>
        private (Completed? Node, string? Anchor) Complete(ParsingEvent evt, SourceMark mark)
        {
            switch (evt)
            {
                case Scalar scalar:
                    _nodes++;
                    var (kind, value) = scalar.IsQuotedImplicit || scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded
                        ? (ScalarKind.String, scalar.Value)
                        : scalar.Tag.IsEmpty || scalar.Tag.Value == "?" ? ScalarResolver.ResolvePlain(scalar.Value) : ResolveTagged(scalar);
                    var bytes = System.Text.Encoding.UTF8.GetByteCount(scalar.Value);
                    expandedBytes.Add(bytes, mark);
                    return (new Completed(new YamlScalar(mark, kind, value), 1, bytes), scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value);
                case SequenceStart sequence:
                    Open(mark, isMap: false, sequence.Anchor);
                    return (null, null);
                case MappingStart map:
                    Open(mark, isMap: true, map.Anchor);
                    return (null, null);
                case SequenceEnd or MappingEnd:
                    var done = _open.Pop();
                    return (new Completed(done.Build(file, problems), done.Size, done.Bytes), done.Anchor);
                case AnchorAlias alias:
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        throw new LimitExceededException(mark, $"alias *{alias.Value.Value} refers to no anchor");
                    }
                    // An alias costs what it expands to: this is what stops a "billion laughs" file.
                    _nodes += target.Size;
                    expandedBytes.Add(target.Bytes, mark);
                    return (target, null);
                default:
                    throw new YamlException(evt.Start, evt.End, $"unexpected {evt.GetType().Name}");
            }
        }

        private void Open(SourceMark mark, bool isMap, AnchorName anchor)
        {
            _nodes++;
            if (_open.Count >= limits.MaxDepth)
            {
                throw new LimitExceededException(mark, $"nesting deeper than {limits.MaxDepth} levels");
            }
            _open.Push(new Builder(mark, isMap, anchor.IsEmpty ? null : anchor.Value));
        }
    }
}
