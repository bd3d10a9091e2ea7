using NCalc;

namespace ToolCatalog.Catalog.Expressions;

/// <summary>
/// Turns NCalc's parsed tree of an estimate or condition into delegates over doubles, once per expression. Selection
/// evaluates three expressions per candidate on every request; through NCalc each evaluation built an expression object,
/// a parameter dictionary and a visitor and boxed every intermediate number (about 140 KB per selection request). The
/// delegates allocate nothing. Only the subset the catalog uses is compiled — numbers, variables, arithmetic, the
/// catalog's functions, comparisons of numbers, boolean operators and the ternary operator; any other tree (strings,
/// dates, bitwise operators, numbers used as booleans…) returns null and is evaluated by NCalc as before.
/// Unlike NCalc, every intermediate value must be finite: <c>1e308 * 10 &gt; 5</c> is a failure, not <c>true</c>.
/// </summary>
internal static class DoubleCompiler
{
    public delegate double NumberNode(IReadOnlyDictionary<string, double> variables);

    public delegate bool ConditionNode(IReadOnlyDictionary<string, double> variables);

    /// <summary>A compiled expression: exactly one of the two delegates is set.</summary>
    public sealed record Compiled(NumberNode? Number, ConditionNode? Condition);

    /// <summary>Thrown by a node whose value is not finite; <see cref="IsNaN"/> tells which message applies.</summary>
    public sealed class NonFiniteException(bool isNaN) : Exception
    {
        public bool IsNaN { get; } = isNaN;
    }

    public static Compiled? TryCompile(LogicalExpression tree)
    {
        if (Number(tree) is { } number)
        {
            return new Compiled(number, null);
        }
        return Condition(tree) is { } condition ? new Compiled(null, condition) : null;
    }

    private static NumberNode? Number(LogicalExpression node) => node switch
    {
        ValueExpression { Value: double or float or int or long or decimal } value => Constant(Convert.ToDouble(value.Value, System.Globalization.CultureInfo.InvariantCulture)),
        Identifier identifier => Variable(identifier.Name),
        UnaryExpression { Type: UnaryExpressionType.Negate } unary => Number(unary.Expression) is { } operand ? v => -operand(v) : null,
        UnaryExpression { Type: UnaryExpressionType.Positive } unary => Number(unary.Expression),
        BinaryExpression binary => Arithmetic(binary),
        Function function => Call(function),
        TernaryExpression ternary => Choice(ternary),
        _ => null,
    };

    // A literal such as 1e400 parses to infinity, and a caller's variable could be one: both are refused where read.
    private static NumberNode Constant(double value) => double.IsFinite(value) ? _ => value : _ => Finite(value);

    private static NumberNode Variable(string name) => v => Finite(v[name]);

    private static NumberNode? Arithmetic(BinaryExpression binary)
    {
        Func<double, double, double>? operation = binary.Type switch
        {
            BinaryExpressionType.Plus => static (a, b) => a + b,
            BinaryExpressionType.Minus => static (a, b) => a - b,
            BinaryExpressionType.Times => static (a, b) => a * b,
            BinaryExpressionType.Div => static (a, b) => a / b,
            BinaryExpressionType.Modulo => static (a, b) => a % b,
            BinaryExpressionType.Exponentiation => Math.Pow,
            _ => null,
        };
        if (operation is null || Number(binary.LeftExpression) is not { } left || Number(binary.RightExpression) is not { } right)
        {
            return null;
        }
        return v => Finite(operation(left(v), right(v)));
    }

    private static NumberNode? Call(Function function)
    {
        var name = function.Identifier.Name;
        var arguments = new NumberNode[function.Parameters.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            if (Number(function.Parameters[i]) is not { } argument)
            {
                return null;
            }
            arguments[i] = argument;
        }
        // A wrong arity or unknown name stays with NCalc's path, which reports it as that expression's failure.
        if (!EstimateExpression.TryGetFunction(name, out var catalogFunction) || catalogFunction.Arity != arguments.Length)
        {
            return null;
        }
        var apply = catalogFunction.Apply;
        return arguments.Length == 1
            ? v => Finite(apply(arguments[0](v), 0))
            : v => Finite(apply(arguments[0](v), arguments[1](v)));
    }

    private static NumberNode? Choice(TernaryExpression ternary)
    {
        if (Condition(ternary.LeftExpression) is not { } test || Number(ternary.MiddleExpression) is not { } whenTrue
            || Number(ternary.RightExpression) is not { } whenFalse)
        {
            return null;
        }
        return v => test(v) ? whenTrue(v) : whenFalse(v);
    }

    private static ConditionNode? Condition(LogicalExpression node) => node switch
    {
        ValueExpression { Value: bool constant } => _ => constant,
        UnaryExpression { Type: UnaryExpressionType.Not } unary => Condition(unary.Expression) is { } operand ? v => !operand(v) : null,
        BinaryExpression { Type: BinaryExpressionType.And } binary => Both(binary, and: true),
        BinaryExpression { Type: BinaryExpressionType.Or } binary => Both(binary, and: false),
        BinaryExpression binary => Comparison(binary),
        TernaryExpression ternary => Condition(ternary.LeftExpression) is { } test && Condition(ternary.MiddleExpression) is { } whenTrue
            && Condition(ternary.RightExpression) is { } whenFalse ? v => test(v) ? whenTrue(v) : whenFalse(v) : null,
        _ => null,
    };

    private static ConditionNode? Both(BinaryExpression binary, bool and)
    {
        if (Condition(binary.LeftExpression) is not { } left || Condition(binary.RightExpression) is not { } right)
        {
            return null;
        }
        return and ? v => left(v) && right(v) : v => left(v) || right(v);
    }

    private static ConditionNode? Comparison(BinaryExpression binary)
    {
        Func<double, double, bool>? compare = binary.Type switch
        {
            BinaryExpressionType.Equal => static (a, b) => a == b,
            BinaryExpressionType.NotEqual => static (a, b) => a != b,
            BinaryExpressionType.Lesser => static (a, b) => a < b,
            BinaryExpressionType.LesserOrEqual => static (a, b) => a <= b,
            BinaryExpressionType.Greater => static (a, b) => a > b,
            BinaryExpressionType.GreaterOrEqual => static (a, b) => a >= b,
            _ => null,
        };
        if (compare is null || Number(binary.LeftExpression) is not { } left || Number(binary.RightExpression) is not { } right)
        {
            return null;
        }
        return v => compare(left(v), right(v));
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : throw new NonFiniteException(double.IsNaN(value));
}
