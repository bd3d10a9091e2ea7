using System.Text;

namespace ToolCatalog.Catalog.Yaml;

public static partial class YamlReader
{
    private sealed partial class BlockSubsetReader
    {
        /// <summary>
        /// A literal (<c>|</c>) or folded (<c>&gt;</c>) block with its chomping indicator. Left to YamlDotNet: an explicit
        /// indentation indicator, folded lines indented further (they keep their breaks), spaces on a blank line before the
        /// content or past its indentation, an empty block, and a last line without a line break.
        /// </summary>
        private bool BlockScalar(int parentIndent)
        {
            var mark = Mark;
            if (BlockHeader() is not { } header)
            {
                return false;
            }
            var (literal, chomping) = header;
            NextLine();
            var value = new StringBuilder();
            var (indent, blankLines, hasContent) = (-1, 0, false);
            for (; !AtEnd; NextLine())
            {
                _pos = _lineStart;
                SkipSpaces();
                var spaces = _pos - _lineStart;
                if (_pos == _lineEnd)
                {
                    // YamlDotNet has rules of its own for spaces on blank lines before the content.
                    if (spaces > (indent < 0 ? 0 : indent))
                    {
                        return false;
                    }
                    blankLines++;
                    continue;
                }
                if (indent < 0)
                {
                    if (spaces <= parentIndent)
                    {
                        return false;
                    }
                    indent = spaces;
                }
                else if (spaces < indent)
                {
                    break;
                }
                if (!literal && spaces > indent)
                {
                    return false;
                }
                AppendLine(value, literal, hasContent, blankLines, text.AsSpan(_lineStart + indent, _lineEnd - _lineStart - indent));
                (blankLines, hasContent) = (0, true);
            }
            if (!hasContent || (AtEnd && !text.EndsWith('\n')))
            {
                return false;
            }
            // Chomping: strip drops the final line break, clip keeps it, keep also keeps the trailing blank lines.
            if (chomping != '-')
            {
                value.Append('\n', chomping == '+' ? blankLines + 1 : 1);
            }
            _document.Scalar(mark, ScalarKind.String, value.ToString());
            SkipToContent();
            return true;
        }

        /// <summary>The indicator, its chomping (<c>-</c>, <c>+</c>, or a space for clip), then only spaces and a comment.</summary>
        private (bool Literal, char Chomping)? BlockHeader()
        {
            var literal = text[_pos] == '|';
            _pos++;
            var chomping = _pos < _lineEnd && text[_pos] is '-' or '+' ? text[_pos++] : ' ';
            var headerEnd = _pos;
            SkipSpaces();
            return _pos < _lineEnd && (text[_pos] != '#' || _pos == headerEnd) ? null : (literal, chomping);
        }

        /// <summary>
        /// One content line after the blank lines before it: a literal block keeps every line break; a folded one turns
        /// the break between two lines into a space, and each blank line between them into one line break.
        /// </summary>
        private static void AppendLine(StringBuilder value, bool literal, bool hasContent, int blankLines, ReadOnlySpan<char> line)
        {
            if (!hasContent)
            {
                value.Append('\n', blankLines);
            }
            else if (literal)
            {
                value.Append('\n', blankLines + 1);
            }
            else if (blankLines == 0)
            {
                value.Append(' ');
            }
            else
            {
                value.Append('\n', blankLines);
            }
            value.Append(line);
        }
    }
}
