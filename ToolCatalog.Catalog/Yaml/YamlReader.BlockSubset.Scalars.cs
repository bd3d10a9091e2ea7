using System.Text;

namespace ToolCatalog.Catalog.Yaml;

public static partial class YamlReader
{
    private sealed partial class BlockSubsetReader
    {
        /// <summary>A one-line scalar: its text, where it ends (at the ':' when it is a key) and whether it was quoted.</summary>
        private readonly record struct Token(string Value, bool Quoted, int End, bool IsKey);

        private bool InlineValue(int indent)
        {
            switch (text[_pos])
            {
                case '|' or '>':
                    return BlockScalar(indent);
                case '[' or '{':
                    return FlowCollection() && EndOfValueLine();
            }
            if (ScanScalar(flow: false) is not { IsKey: false } value)
            {
                return false;
            }
            AddScalar(Mark, value);
            _pos = value.End;
            return EndOfValueLine();
        }

        /// <summary>After a one-line value only spaces and a comment may follow; then the cursor moves to the next content.</summary>
        private bool EndOfValueLine()
        {
            var valueEnd = _pos;
            SkipSpaces();
            if (_pos < _lineEnd && (text[_pos] != '#' || _pos == valueEnd))
            {
                return false;
            }
            NextLine();
            SkipToContent();
            return true;
        }

        private void AddScalar(SourceMark mark, Token token)
        {
            var (kind, value) = token.Quoted ? (ScalarKind.String, token.Value) : ScalarResolver.ResolvePlain(token.Value);
            _document.Scalar(mark, kind, value);
        }

        private Token? ScanScalar(bool flow)
        {
            var quoted = text[_pos] switch
            {
                '\'' => SingleQuoted(),
                '"' => DoubleQuoted(),
                _ => ((string, int)?)null,
            };
            if (quoted is not { } scalar)
            {
                return Plain(flow);
            }
            var (value, end) = scalar;
            var after = SpacesEnd(end);
            var isKey = after < _lineEnd && text[after] == ':' && SpaceOrLineEndAfter(after);
            return new Token(value, Quoted: true, isKey ? after : end, isKey);
        }

        /// <summary>A plain scalar on one line; it ends at ": " (a key), " #" (a comment), the line's end or, in a flow collection, its punctuation.</summary>
        private Token? Plain(bool flow)
        {
            var first = text[_pos];
            if ("[]{},#&*!|>'\"%@`?:".Contains(first) || (first == '-' && SpaceOrLineEndAfter(_pos)))
            {
                return null;
            }
            var last = _pos;
            for (var i = _pos; i < _lineEnd; i++)
            {
                var c = text[i];
                if (c == ':' && SpaceOrLineEndAfter(i))
                {
                    return new Token(text[_pos..(last + 1)], Quoted: false, i, IsKey: true);
                }
                if (c == ':' && flow)
                {
                    // "a:b" in a flow collection reads differently across YAML versions.
                    return null;
                }
                if ((c == '#' && text[i - 1] == ' ') || (flow && c is ',' or '[' or ']' or '{' or '}'))
                {
                    break;
                }
                if (c != ' ')
                {
                    last = i;
                }
            }
            return new Token(text[_pos..(last + 1)], Quoted: false, last + 1, IsKey: false);
        }

        private (string, int)? SingleQuoted()
        {
            StringBuilder? unescaped = null;
            var start = _pos + 1;
            for (var i = start; ;)
            {
                var quote = text.IndexOf('\'', i, _lineEnd - i);
                if (quote < 0)
                {
                    return null;
                }
                if (quote + 1 < _lineEnd && text[quote + 1] == '\'')
                {
                    (unescaped ??= new()).Append(text, start, quote + 1 - start);
                    i = start = quote + 2;
                    continue;
                }
                return (unescaped is null ? text[start..quote] : unescaped.Append(text, start, quote - start).ToString(), quote + 1);
            }
        }

        private (string, int)? DoubleQuoted()
        {
            StringBuilder? unescaped = null;
            var start = _pos + 1;
            for (var i = start; ;)
            {
                var stop = text.AsSpan(i, _lineEnd - i).IndexOfAny('"', '\\');
                if (stop < 0)
                {
                    // Ends on a later line: folding and line continuation are left to YamlDotNet.
                    return null;
                }
                i += stop;
                if (text[i] == '"')
                {
                    return (unescaped is null ? text[start..i] : unescaped.Append(text, start, i - start).ToString(), i + 1);
                }
                (unescaped ??= new()).Append(text, start, i - start);
                if (i + 1 == _lineEnd || Unescape(text[i + 1], i + 2, unescaped) is not { } length)
                {
                    return null;
                }
                i = start = i + 2 + length;
            }
        }

        /// <summary>Appends what an escape stands for; returns how many hex digits followed its letter, or null for one left to YamlDotNet.</summary>
        private int? Unescape(char letter, int digitsAt, StringBuilder unescaped)
        {
            var single = letter switch
            {
                '0' => '\0', 'a' => '\a', 'b' => '\b', 't' => '\t', 'n' => '\n', 'v' => '\v', 'f' => '\f', 'r' => '\r', 'e' => '\u001B',
                ' ' => ' ', '"' => '"', '/' => '/', '\\' => '\\', 'N' => '\u0085', '_' => '\u00A0', 'L' => '\u2028', 'P' => '\u2029',
                _ => (char?)null,
            };
            if (single is { } c)
            {
                unescaped.Append(c);
                return 0;
            }
            var digits = letter switch { 'x' => 2, 'u' => 4, _ => 0 };
            if (digits == 0 || digitsAt + digits > _lineEnd
                || !int.TryParse(text.AsSpan(digitsAt, digits), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var code)
                || char.IsSurrogate((char)code))
            {
                return null;
            }
            unescaped.Append((char)code);
            return digits;
        }

        /// <summary>
        /// A flow list or map on one line, such as <c>{ type: string, enum: [a, b] }</c>. A single pair inside a list,
        /// an entry without a value, a trailing comma and a collection continued on the next line are left to YamlDotNet.
        /// </summary>
        private bool FlowCollection()
        {
            if (++_nesting > MaxNesting)
            {
                return false;
            }
            var (isMap, closing) = text[_pos] == '{' ? (true, '}') : (false, ']');
            _document.Open(Mark, isMap);
            _pos++;
            SkipSpaces();
            for (var first = true; ; first = false)
            {
                if (_pos < _lineEnd && text[_pos] == closing && first)
                {
                    break;
                }
                if ((isMap && !FlowKey()) || !FlowItem())
                {
                    return false;
                }
                SkipSpaces();
                if (_pos < _lineEnd && text[_pos] == closing)
                {
                    break;
                }
                if (_pos == _lineEnd || text[_pos] != ',')
                {
                    return false;
                }
                _pos++;
                SkipSpaces();
                if (_pos < _lineEnd && text[_pos] == closing)
                {
                    return false;
                }
            }
            _pos++;
            _document.Close();
            _nesting--;
            return true;
        }

        private bool FlowKey()
        {
            var mark = Mark;
            if (_pos == _lineEnd || ScanScalar(flow: true) is not { IsKey: true } key)
            {
                return false;
            }
            AddScalar(mark, key);
            _pos = key.End + 1;
            SkipSpaces();
            return true;
        }

        private bool FlowItem()
        {
            if (_pos == _lineEnd)
            {
                return false;
            }
            if (text[_pos] is '[' or '{')
            {
                return FlowCollection();
            }
            var mark = Mark;
            if (ScanScalar(flow: true) is not { IsKey: false } item)
            {
                return false;
            }
            AddScalar(mark, item);
            _pos = item.End;
            return true;
        }
    }
}
