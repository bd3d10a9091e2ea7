using System.Buffers;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Catalog.Yaml;

public static partial class YamlReader
{
    // Line breaks YamlDotNet also breaks on (NEL, LS, PS; CR only before LF is read here), tabs (whose rules differ by
    // place), the byte order mark and every character YAML does not allow unescaped (C0 and C1 controls, DEL, U+FFFE,
    // U+FFFF): a text holding one goes to the general reader.
    private static readonly SearchValues<char> OutsideBlockSubset = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(c => c is not ('\n' or '\r')).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c),
            '\u2028', '\u2029', '\uFEFF', '\uFFFE', '\uFFFF']);

    /// <summary>
    /// Reads the text when it is written in the block style tool files use (maps, lists, one-line plain and quoted
    /// scalars, literal and folded blocks, one-line flow lists and maps, comments, "---" between documents) straight
    /// into nodes, several times faster than YamlDotNet's tokens and events: reading was most of an import's CPU.
    /// Anything else (anchors, tags, multi-line plain or quoted scalars or flow collections, tabs, a CR alone) returns null
    /// before a node is kept, and the general reader reads the whole text, so its results and messages stay the reference.
    /// </summary>
    internal static List<YamlNode>? TryReadBlockSubset(string text, string file, List<CatalogProblem> problems, YamlLimits limits)
    {
        if (text.AsSpan().ContainsAny(OutsideBlockSubset) || HasLoneCarriageReturn(text))
        {
            return null;
        }
        var documentProblems = new List<CatalogProblem>();
        try
        {
            var documents = new BlockSubsetReader(text).ReadDocuments(file, documentProblems, limits);
            if (documents is not null)
            {
                problems.AddRange(documentProblems);
            }
            return documents;
        }
        catch (LimitExceededException)
        {
            // A limit reached before the text left the subset: the general reader says which comes first.
            return null;
        }
    }

    /// <summary>Files saved on Windows end their lines with CR LF, which the subset reads; a CR alone is a break it does not.</summary>
    private static bool HasLoneCarriageReturn(string text)
    {
        for (var cr = text.IndexOf('\r'); cr >= 0; cr = text.IndexOf('\r', cr + 1))
        {
            if (cr + 1 == text.Length || text[cr + 1] != '\n')
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A cursor over the text's lines. Every method returns false as soon as the text leaves the subset; on success it
    /// leaves the cursor on the next line holding content (not blank, not only a comment) or at the end.
    /// </summary>
    private sealed partial class BlockSubsetReader(string text)
    {
        // Each nesting level costs a few stack frames; the builder's depth limit (64 by default) normally stops far earlier.
        private const int MaxNesting = 128;

        private DocumentBuilder _document = null!;
        private int _lineStart;
        private int _lineEnd;
        private int _nextLineStart;
        private int _line;
        private int _pos;
        private int _nesting;

        private bool AtEnd => _lineStart >= text.Length;
        private int Indent => _pos - _lineStart;
        private SourceMark Mark => new(_line, _pos - _lineStart + 1);

        public List<YamlNode>? ReadDocuments(string file, List<CatalogProblem> problems, YamlLimits limits)
        {
            var documents = new List<YamlNode>();
            var expandedBytes = new ExpandedBytes(limits.ExpandedByteLimit);
            NextLine();
            SkipToContent();
            while (!AtEnd)
            {
                if (IsDocumentStart())
                {
                    NextLine();
                    SkipToContent();
                }
                if (AtEnd || IsColumnZeroMarker())
                {
                    return null;
                }
                _document = new DocumentBuilder(file, problems, limits, expandedBytes);
                if (!Node(parentIndent: -1) || !(AtEnd || IsDocumentStart()))
                {
                    return null;
                }
                documents.Add(_document.Root!);
            }
            return documents.Count == 0 ? null : documents;
        }

        /// <summary>A map or a list starting at the cursor, more indented than its parent.</summary>
        private bool Node(int parentIndent)
        {
            if (Indent <= parentIndent || IsColumnZeroMarker() || ++_nesting > MaxNesting)
            {
                return false;
            }
            var read = IsEntry() ? Sequence(Indent) : Map(Indent);
            _nesting--;
            return read;
        }

        /// <param name="firstKey">The first key when the caller has scanned it already (a map opening a list entry).</param>
        private bool Map(int indent, Token? firstKey = null)
        {
            _document.Open(Mark, isMap: true);
            while (true)
            {
                if (!KeyAndValue(indent, firstKey) || Continues(indent) is not { } more)
                {
                    return false;
                }
                if (!more)
                {
                    break;
                }
                firstKey = null;
                if (IsEntry())
                {
                    // A list entry where the map's next key should be.
                    return false;
                }
            }
            _document.Close();
            return true;
        }

        private bool KeyAndValue(int indent, Token? scanned)
        {
            var keyMark = Mark;
            if ((scanned ?? ScanScalar(flow: false)) is not { IsKey: true } key || key.End - _pos > 1000)
            {
                // YAML caps an implicit key at 1,024 characters.
                return false;
            }
            AddScalar(keyMark, key);
            _pos = key.End + 1;
            SkipSpaces();
            if (!AtLineEndOrComment())
            {
                return InlineValue(indent);
            }
            var emptyMark = new SourceMark(_line, key.End - _lineStart + 2);
            NextLine();
            SkipToContent();
            if (!AtEnd && Indent > indent)
            {
                return Node(indent);
            }
            if (!AtEnd && Indent == indent && IsEntry())
            {
                // A list may sit at its key's own indentation.
                return Sequence(indent);
            }
            _document.Scalar(emptyMark, ScalarKind.Null, "null");
            return true;
        }

        private bool Sequence(int indent)
        {
            _document.Open(Mark, isMap: false);
            while (true)
            {
                _pos++;
                SkipSpaces();
                if (!Entry(indent) || Continues(indent) is not { } more)
                {
                    return false;
                }
                if (!more || !IsEntry())
                {
                    // A line at this indentation that is not an entry belongs to the map around a list at its key's
                    // indentation; anywhere else the caller finds it misplaced.
                    break;
                }
            }
            _document.Close();
            return true;
        }

        private bool Entry(int indent)
        {
            if (AtLineEndOrComment())
            {
                NextLine();
                SkipToContent();
                return !AtEnd && Node(indent);
            }
            var isList = IsEntry();
            var key = isList ? null : ScanScalar(flow: false);
            if (isList || key is { IsKey: true })
            {
                // "- key: value" or "- - item": a map or list whose next entries line up with this first one.
                if (++_nesting > MaxNesting)
                {
                    return false;
                }
                var read = isList ? Sequence(Indent) : Map(Indent, key);
                _nesting--;
                return read;
            }
            return InlineValue(indent);
        }

        /// <summary>
        /// After a value: true when the next content line continues the block at <paramref name="indent"/>, false when
        /// the block ends there, null when the line is more indented than the block (a continued plain scalar, or an error).
        /// </summary>
        private bool? Continues(int indent)
        {
            if (AtEnd || Indent < indent || IsDocumentStart())
            {
                return false;
            }
            return Indent == indent && !IsColumnZeroMarker() ? true : null;
        }

        private bool IsEntry() => text[_pos] == '-' && SpaceOrLineEndAfter(_pos);

        /// <summary>Whether a space or the line's end follows <paramref name="at"/>: what makes "-" an entry and ":" a key's end.</summary>
        private bool SpaceOrLineEndAfter(int at) => at + 1 == _lineEnd || text[at + 1] == ' ';

        private bool IsDocumentStart() => _pos == _lineStart && _lineEnd - _lineStart >= 3 && string.CompareOrdinal(text, _lineStart, "---", 0, 3) == 0
            && text.AsSpan(_lineStart + 3, _lineEnd - _lineStart - 3).TrimEnd(' ').IsEmpty;

        /// <summary>"---" with more on its line, "...", or a directive: document syntax the subset leaves to YamlDotNet.</summary>
        private bool IsColumnZeroMarker() => _pos == _lineStart && (text[_pos] == '%'
            || (_lineEnd - _lineStart >= 3 && (string.CompareOrdinal(text, _lineStart, "---", 0, 3) == 0 || string.CompareOrdinal(text, _lineStart, "...", 0, 3) == 0)));

        private bool AtLineEndOrComment() => _pos == _lineEnd || text[_pos] == '#';

        private void SkipSpaces() => _pos = SpacesEnd(_pos);

        /// <summary>Where the run of spaces from <paramref name="from"/> ends on the current line.</summary>
        private int SpacesEnd(int from)
        {
            while (from < _lineEnd && text[from] == ' ')
            {
                from++;
            }
            return from;
        }

        /// <summary>Moves to the next line; its end is before its line break, CR LF or LF.</summary>
        private void NextLine()
        {
            _lineStart = _nextLineStart;
            _line++;
            var end = _lineStart < text.Length ? text.IndexOf('\n', _lineStart) : -1;
            (_lineEnd, _nextLineStart) = end < 0 ? (text.Length, text.Length + 1) : (end, end + 1);
            if (_lineEnd > _lineStart && text[_lineEnd - 1] == '\r')
            {
                _lineEnd--;
            }
            _pos = _lineStart;
        }

        /// <summary>Moves to the first line, from the cursor's, with content; blank and comment-only lines are skipped.</summary>
        private void SkipToContent()
        {
            while (!AtEnd)
            {
                _pos = _lineStart;
                SkipSpaces();
                if (_pos < _lineEnd && text[_pos] != '#')
                {
                    return;
                }
                NextLine();
            }
        }
    }
}
