using System.Globalization;
using NCalc;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Catalog.Expressions;

/// <summary>
/// The estimate and condition expressions of a pattern (<c>1000 + 0.5 * N</c>, <c>N &gt; 1000</c>), parsed and evaluated
/// with NCalc, restricted to the catalog's functions and variables. Every expression is bounded by
/// <see cref="ExpressionScanner"/> before NCalc parses it, and evaluated in double: a result that is not finite is a failure.
/// </summary>
public static class EstimateExpression
{
    /// <summary>Variables every pattern may use without declaring them as inputs.</summary>
    public static readonly IReadOnlySet<string> StandardVariables =
        new HashSet<string>(["N", "pages", "duration_ms", "packet_count", "size_mb", "hosts", "files", "lines", "rows"], StringComparer.Ordinal);

    /// <summary>
    /// The catalog's functions, in the order error messages list them: one table for the check, NCalc's evaluation and
    /// the compiled form. A one-argument function ignores the second operand.
    /// </summary>
    private static readonly (string Name, int Arity, Func<double, double, double> Apply)[] FunctionTable =
    [
        ("log", 1, static (x, _) => Math.Log(x)),
        ("log10", 1, static (x, _) => Math.Log10(x)),
        ("sqrt", 1, static (x, _) => Math.Sqrt(x)),
        ("min", 2, Math.Min),
        ("max", 2, Math.Max),
        ("abs", 1, static (x, _) => Math.Abs(x)),
        ("ceil", 1, static (x, _) => Math.Ceiling(x)),
        ("floor", 1, static (x, _) => Math.Floor(x)),
    ];

    private static readonly Dictionary<string, (int Arity, Func<double, double, double> Apply)> FunctionsByName =
        FunctionTable.ToDictionary(f => f.Name, f => (f.Arity, f.Apply), StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> Functions = new HashSet<string>(FunctionTable.Select(f => f.Name), StringComparer.Ordinal);

    /// <summary>The catalog function of that name: its arity and what it computes.</summary>
    internal static bool TryGetFunction(string name, out (int Arity, Func<double, double, double> Apply) function) =>
        FunctionsByName.TryGetValue(name, out function);

    /// <summary>Checks syntax, functions and variables; returns the problems (empty when the expression is usable).</summary>
    public static IReadOnlyList<string> Check(string text, IReadOnlySet<string> declaredVariables)
    {
        var shape = Shapes.Of(text);
        if (shape.Problem is not null)
        {
            return [shape.Problem];
        }
        var problems = new List<string>();
        foreach (var function in shape.Functions.Where(f => !Functions.Contains(f)))
        {
            problems.Add($"unknown function '{function}' (allowed: {string.Join(", ", Functions)})");
        }
        foreach (var variable in shape.Variables.Where(v => !StandardVariables.Contains(v) && !declaredVariables.Contains(v)))
        {
            problems.Add($"unknown variable '{variable}': declare it as an integer or number input, or use one of {string.Join(", ", StandardVariables)}");
        }
        return problems;
    }

    /// <summary>What parsing an expression says, whatever variables its pattern declares: why it is unusable, or the functions and variables it uses.</summary>
    private sealed record Shape(string? Problem, string[] Functions, string[] Variables);

    private static readonly TextVerdicts<Shape> Shapes = new(text =>
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new Shape("expression is empty", [], []);
        }
        var (doubleText, bound) = ExpressionScanner.Scan(text, CatalogLimits.Default);
        if (doubleText is null)
        {
            return new Shape(bound!, [], []);
        }
        var expression = new Expression(doubleText, ExpressionOptions.NoCache);
        if (expression.HasErrors())
        {
            return new Shape($"does not parse: {expression.Error?.Message ?? "syntax error"}", [], []);
        }
        return new Shape(null, [.. expression.GetFunctionNames().Distinct(StringComparer.Ordinal)],
            [.. expression.GetParameterNames().Distinct(StringComparer.Ordinal)]);
    });

    private const ExpressionOptions EvaluationOptions = ExpressionOptions.NoCache | ExpressionOptions.AllowBooleanCalculation;

    /// <summary>
    /// The variables an expression uses that are neither standard nor in <paramref name="declaredVariables"/>, in order of
    /// first use; empty when it does not parse (the validator reports that). The upgrade declares these as inputs.
    /// </summary>
    public static IReadOnlyList<string> UndeclaredVariables(string text, IReadOnlySet<string> declaredVariables) =>
        Compile(text).Variables.Where(v => !StandardVariables.Contains(v) && !declaredVariables.Contains(v)).ToList();

    /// <summary>Evaluates with the given variables; the result or the reason it has none.</summary>
    public static EvaluationResult Evaluate(string text, IReadOnlyDictionary<string, double> variables) =>
        Evaluate(Compile(text), variables);

    /// <summary>
    /// Bounds and parses once, for callers that evaluate the same expression many times (selection evaluates every
    /// pattern on every request): the parsed tree is immutable and may be shared by concurrent evaluations.
    /// </summary>
    public static CompiledExpression Compile(string text)
    {
        // Fix: a stored expression of 30,000 terms overflowed the stack in NCalc on every estimate; it is now refused
        // before parsing. Integer literals become doubles, so "50000 * 50000" is 2.5e9 and not a wrapped negative number.
        var (doubleText, bound) = ExpressionScanner.Scan(text, CatalogLimits.Default);
        if (doubleText is null)
        {
            return new CompiledExpression(text, null, [], bound!);
        }
        var expression = new Expression(doubleText, EvaluationOptions);
        if (expression.HasErrors() || expression.LogicalExpression is null)
        {
            return new CompiledExpression(text, null, [], $"does not parse: {expression.Error?.Message}");
        }
        var variables = expression.GetParameterNames().Distinct(StringComparer.Ordinal).ToArray();
        return new CompiledExpression(text, expression.LogicalExpression, variables, null)
        {
            Delegates = DoubleCompiler.TryCompile(expression.LogicalExpression),
        };
    }

    /// <summary>Evaluates a compiled expression with the given variables; the result or the reason it has none.</summary>
    public static EvaluationResult Evaluate(CompiledExpression compiled, IReadOnlyDictionary<string, double> variables)
    {
        if (compiled.Tree is null)
        {
            return EvaluationResult.Failure(compiled.ParseError ?? "does not parse");
        }
        // Indexed, and the message built elsewhere: selection evaluates every candidate's expressions on every request,
        // and an enumerator or a closure here was an allocation per evaluation.
        for (var i = 0; i < compiled.Variables.Count; i++)
        {
            if (!variables.ContainsKey(compiled.Variables[i]))
            {
                return Missing(compiled.Variables, variables);
            }
        }
        return compiled.Delegates is { } delegates ? EvaluateDelegates(delegates, variables) : EvaluateWithNCalc(compiled, variables);
    }

    private static EvaluationResult Missing(IReadOnlyList<string> names, IReadOnlyDictionary<string, double> variables) =>
        EvaluationResult.Failure($"no value for variable(s) {string.Join(", ", names.Where(n => !variables.ContainsKey(n)))}");

    private static EvaluationResult EvaluateDelegates(DoubleCompiler.Compiled delegates, IReadOnlyDictionary<string, double> variables)
    {
        try
        {
            if (delegates.Condition is { } condition)
            {
                var holds = condition(variables);
                return EvaluationResult.Success(holds ? 1 : 0, holds);
            }
            return EvaluationResult.Success(delegates.Number!(variables), null);
        }
        catch (DoubleCompiler.NonFiniteException ex)
        {
            return EvaluationResult.Failure(ex.IsNaN ? NotANumber : TooLarge);
        }
    }

    private const string TooLarge = "division by zero or a result too large to represent";
    private const string NotANumber = "result is not a number (division by zero with %, 0/0, or sqrt or log of a negative value)";

    /// <summary>The trees <see cref="DoubleCompiler"/> does not compile (strings, dates, bitwise operators…).</summary>
    private static EvaluationResult EvaluateWithNCalc(CompiledExpression compiled, IReadOnlyDictionary<string, double> variables)
    {
        var expression = new Expression(compiled.Tree!, EvaluationOptions);
        foreach (var name in compiled.Variables)
        {
            expression.Parameters[name] = variables[name];
        }
        string? functionError = null;
        expression.EvaluateFunction += (name, args) =>
        {
            var values = Enumerable.Range(0, args.Parameters.Count)
                .Select(i => Convert.ToDouble(args.Parameters.Evaluate(i), CultureInfo.InvariantCulture)).ToArray();
            (args.Result, var error) = Call(name, values);
            functionError ??= error;
        };
        // Fix: NCalc throws for integer '%' by zero and for text operands ('abc' + 1); report those as failures too.
        object? raw;
        try
        {
            raw = expression.Evaluate();
        }
        catch (DivideByZeroException)
        {
            return EvaluationResult.Failure("division by zero");
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentException or OverflowException or NCalc.Exceptions.NCalcException)
        {
            return EvaluationResult.Failure($"cannot be evaluated: {ex.Message}");
        }
        if (functionError is not null)
        {
            return EvaluationResult.Failure(functionError);
        }
        return ToResult(raw);
    }

    private static (double Result, string? Error) Call(string name, double[] values)
    {
        if (!TryGetFunction(name, out var function) || values.Length != function.Arity)
        {
            return (double.NaN, function.Arity > 0 ? $"{name}() takes {function.Arity} argument(s), got {values.Length}" : $"unknown function '{name}'");
        }
        return (function.Apply(values[0], function.Arity == 2 ? values[1] : 0), null);
    }

    private static EvaluationResult ToResult(object? raw)
    {
        switch (raw)
        {
            case bool b:
                return EvaluationResult.Success(b ? 1 : 0, b);
            case string:
                return EvaluationResult.Failure("expression did not produce a number");
            case IConvertible c:
                var number = c.ToDouble(CultureInfo.InvariantCulture);
                if (double.IsInfinity(number))
                {
                    return EvaluationResult.Failure(TooLarge);
                }
                if (double.IsNaN(number))
                {
                    return EvaluationResult.Failure(NotANumber);
                }
                return EvaluationResult.Success(number, null);
            default:
                return EvaluationResult.Failure("expression did not produce a number");
        }
    }
}

/// <summary>A parsed expression (or why it is refused) and the variables it reads.</summary>
public sealed record CompiledExpression(string Text, LogicalExpression? Tree, IReadOnlyList<string> Variables, string? ParseError)
{
    /// <summary>The tree as allocation-free delegates, when it is in the subset <see cref="DoubleCompiler"/> compiles.</summary>
    internal DoubleCompiler.Compiled? Delegates { get; init; }
}

public readonly record struct EvaluationResult(bool Ok, double Value, bool? Condition, string? Error)
{
    public static EvaluationResult Success(double value, bool? condition) => new(true, value, condition, null);
    public static EvaluationResult Failure(string error) => new(false, double.NaN, null, error);
}
