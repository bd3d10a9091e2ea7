using System.Text;

namespace ToolCatalog.Catalog.Expressions;

/// <summary>
/// A cheap, iterative first pass over an expression, before NCalc sees it: NCalc's parser and evaluator recurse once per
/// operator and parenthesis, so a 100,000-term "N+N+…" overflowed the stack and killed the process. The scan bounds
/// length, tokens and nesting (<see cref="CatalogLimits"/>) and rewrites integer literals as doubles ("50000" becomes
/// "50000.0") so that NCalc computes in double and never wraps around in 32 or 64 bits.
/// </summary>
public static class ExpressionScanner
{
    /// <summary>The expression with integer literals written as doubles, or the bound it breaks.</summary>
    public static (string? DoubleText, string? Error) Scan(string text, CatalogLimits limits)
    {
        if (text.Length > limits.MaxExpressionLength)
        {
            return (null, $"expression is longer than {limits.MaxExpressionLength:N0} characters ({text.Length:N0})");
        }
        var state = new State(text);
        var tokens = 0;
        while (state.Position < text.Length)
        {
            if (char.IsWhiteSpace(text[state.Position]))
            {
                state.Output.Append(text[state.Position++]);
                continue;
            }
            if (++tokens > limits.MaxExpressionTokens)
            {
                return (null, $"expression has more than {limits.MaxExpressionTokens:N0} tokens");
            }
            state.Token();
            if (state.Depth > limits.MaxExpressionDepth)
            {
                return (null, $"expression nests deeper than {limits.MaxExpressionDepth} levels (parentheses, function calls and unary operators)");
            }
        }
        return (state.Output.ToString(), null);
    }

    /// <summary>Where the scan is, and how deep: open parentheses weigh 1 plus the unary operators before them.</summary>
    private sealed class State(string text)
    {
        private readonly Stack<int> _open = new();
        private int _openDepth;
        private int _pendingUnary;
        private bool _expectOperand = true;

        public int Position { get; set; }
        public StringBuilder Output { get; } = new(text.Length + 16);
        public int Depth => _openDepth + _pendingUnary;

        public void Token()
        {
            var start = Position;
            var c = text[Position];
            if (char.IsAsciiDigit(c) || (c == '.' && Position + 1 < text.Length && char.IsAsciiDigit(text[Position + 1])))
            {
                Number();
                return;
            }
            if (char.IsLetter(c) || c == '_')
            {
                Word();
            }
            else if (c is '\'' or '"' or '[' or '#')
            {
                // Strings, [bracketed names] and #dates# are one token each; an unterminated one is left to the parser.
                var end = text.IndexOf(c == '[' ? ']' : c, Position + 1);
                Position = end < 0 ? text.Length : end + 1;
                Operand();
            }
            else if (c == '(')
            {
                _open.Push(1 + _pendingUnary);
                _openDepth += 1 + _pendingUnary;
                (_pendingUnary, _expectOperand) = (0, true);
                Position++;
            }
            else if (c == ')')
            {
                _openDepth -= _open.Count > 0 ? _open.Pop() : 0;
                _expectOperand = false;
                Position++;
            }
            else
            {
                Operator(c);
            }
            Output.Append(text, start, Position - start);
        }

        private void Number()
        {
            var start = Position;
            var isInteger = true;
            SkipDigits();
            if (Position < text.Length && text[Position] == '.')
            {
                isInteger = false;
                Position++;
                SkipDigits();
            }
            if (Position + 1 < text.Length && text[Position] is 'e' or 'E'
                && (char.IsAsciiDigit(text[Position + 1]) || (text[Position + 1] is '+' or '-' && Position + 2 < text.Length && char.IsAsciiDigit(text[Position + 2]))))
            {
                isInteger = false;
                Position += 2;
                SkipDigits();
            }
            Output.Append(text, start, Position - start);
            if (isInteger && (Position == text.Length || !(char.IsAsciiLetter(text[Position]) || text[Position] == '_')))
            {
                Output.Append(".0");
            }
            Operand();
        }

        private void Word()
        {
            var start = Position;
            while (Position < text.Length && (char.IsLetterOrDigit(text[Position]) || text[Position] == '_'))
            {
                Position++;
            }
            var word = text.AsSpan(start, Position - start);
            if (_expectOperand && word.Equals("not", StringComparison.OrdinalIgnoreCase))
            {
                _pendingUnary++;
            }
            else if (word.Equals("and", StringComparison.OrdinalIgnoreCase) || word.Equals("or", StringComparison.OrdinalIgnoreCase))
            {
                _expectOperand = true;
            }
            else
            {
                // A variable, or a function whose '(' comes next.
                Operand();
            }
        }

        private void Operator(char c)
        {
            var next = Position + 1 < text.Length ? text[Position + 1] : '\0';
            var twoChars = (c, next) is ('>', '=') or ('<', '=') or ('=', '=') or ('!', '=') or ('<', '>') or ('&', '&') or ('|', '|') or ('<', '<') or ('>', '>');
            Position += twoChars ? 2 : 1;
            if (_expectOperand && !twoChars && c is '-' or '+' or '!' or '~')
            {
                _pendingUnary++;
            }
            _expectOperand = true;
        }

        private void Operand() => (_pendingUnary, _expectOperand) = (0, false);

        private void SkipDigits()
        {
            while (Position < text.Length && char.IsAsciiDigit(text[Position]))
            {
                Position++;
            }
        }
    }
}
