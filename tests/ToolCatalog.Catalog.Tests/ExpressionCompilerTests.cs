using System.Globalization;
using System.Text;
using NCalc;
using ToolCatalog.Catalog.Expressions;

namespace ToolCatalog.Catalog.Tests;

/// <summary>
/// Compiled expressions (the delegates selection evaluates on every request) against NCalc itself: thousands of
/// generated estimates and conditions must give NCalc's value, except where an intermediate value is not finite, which
/// the compiled form refuses on purpose.
/// </summary>
public sealed class ExpressionCompilerTests
{
    private static readonly Dictionary<string, double> Variables = new(StringComparer.Ordinal)
    {
        ["N"] = 250, ["size_mb"] = 3.5, ["hosts"] = 0, ["rows"] = 1e6,
    };

    [Fact]
    public void Generated_expressions_evaluate_as_NCalc_evaluates_them()
    {
        var random = new Random(20261206);
        var agreed = 0;
        for (var i = 0; i < 4000; i++)
        {
            var text = random.Next(3) == 0 ? Condition(random, 3) : Number(random, 4);
            var compiled = EstimateExpression.Evaluate(EstimateExpression.Compile(text), Variables);
            var oracle = EvaluateWithNCalc(text);
            if (oracle is null || oracle is double d && !double.IsFinite(d))
            {
                Assert.False(compiled.Ok, $"{text}: NCalc has no finite value, compiled gave {compiled.Value}");
                continue;
            }
            if (!compiled.Ok)
            {
                // Refused only for a non-finite intermediate value, which NCalc carries on with.
                Assert.Contains(compiled.Error!, new[] { "division by zero or a result too large to represent", "result is not a number (division by zero with %, 0/0, or sqrt or log of a negative value)" });
                continue;
            }
            if (oracle is bool holds)
            {
                Assert.Equal(holds, compiled.Condition);
            }
            else
            {
                Assert.Equal((double)oracle, compiled.Value);
            }
            agreed++;
        }
        Assert.True(agreed > 3000, $"only {agreed} of 4000 generated expressions had a finite value to compare");
    }

    [Theory]
    [InlineData("1e308 * 10 > 5")]
    [InlineData("N / hosts > 1")]
    [InlineData("sqrt(hosts - 1) < 3")]
    public void An_intermediate_value_that_is_not_finite_is_a_failure_even_inside_a_condition(string text)
    {
        var result = EstimateExpression.Evaluate(EstimateExpression.Compile(text), Variables);

        Assert.False(result.Ok);
    }

    [Fact]
    public void Evaluating_a_compiled_expression_allocates_only_its_result()
    {
        var compiled = EstimateExpression.Compile("N > 100 and size_mb <= 4 or max(N, rows / 1000) ** 2 >= 1e4 ? true : false");
        EstimateExpression.Evaluate(compiled, Variables);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = EstimateExpression.Evaluate(compiled, Variables);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(result.Condition);
        Assert.True(allocated <= 128, $"{allocated} bytes allocated by one evaluation");
    }

    private static object? EvaluateWithNCalc(string text)
    {
        var (doubleText, _) = ExpressionScanner.Scan(text, CatalogLimits.Default);
        var expression = new Expression(doubleText!, ExpressionOptions.NoCache | ExpressionOptions.AllowBooleanCalculation);
        foreach (var (name, value) in Variables)
        {
            expression.Parameters[name] = value;
        }
        expression.EvaluateFunction += (name, args) =>
        {
            var values = Enumerable.Range(0, args.Parameters.Count).Select(i => Convert.ToDouble(args.Parameters.Evaluate(i), CultureInfo.InvariantCulture)).ToArray();
            args.Result = name switch
            {
                "log" => Math.Log(values[0]), "log10" => Math.Log10(values[0]), "sqrt" => Math.Sqrt(values[0]),
                "abs" => Math.Abs(values[0]), "ceil" => Math.Ceiling(values[0]), "floor" => Math.Floor(values[0]),
                "min" => Math.Min(values[0], values[1]), _ => Math.Max(values[0], values[1]),
            };
        };
        try
        {
            return expression.Evaluate() switch
            {
                bool b => b,
                IConvertible c when c is not string => c.ToDouble(CultureInfo.InvariantCulture),
                _ => null,
            };
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static readonly string[] Names = ["N", "size_mb", "hosts", "rows"];
    private static readonly string[] Operators = ["+", "-", "*", "/", "%", "**"];
    private static readonly string[] Comparisons = ["<", "<=", ">", ">=", "==", "!="];

    private static string Number(Random random, int depth)
    {
        var choice = depth == 0 ? random.Next(2) : random.Next(7);
        return choice switch
        {
            0 => random.Next(2) == 0 ? random.Next(0, 2000).ToString(CultureInfo.InvariantCulture) : (random.NextDouble() * 100).ToString("0.###", CultureInfo.InvariantCulture),
            1 => Names[random.Next(Names.Length)],
            2 or 3 => $"({Number(random, depth - 1)} {Operators[random.Next(Operators.Length)]} {Number(random, depth - 1)})",
            4 => $"-{Number(random, depth - 1)}",
            5 => Function(random, depth),
            _ => $"({Condition(random, depth - 1)} ? {Number(random, depth - 1)} : {Number(random, depth - 1)})",
        };
    }

    private static string Function(Random random, int depth)
    {
        string[] unary = ["log", "log10", "sqrt", "abs", "ceil", "floor"];
        var builder = new StringBuilder();
        if (random.Next(4) == 0)
        {
            builder.Append(random.Next(2) == 0 ? "min(" : "max(").Append(Number(random, depth - 1)).Append(", ").Append(Number(random, depth - 1));
        }
        else
        {
            builder.Append(unary[random.Next(unary.Length)]).Append('(').Append(Number(random, depth - 1));
        }
        return builder.Append(')').ToString();
    }

    private static string Condition(Random random, int depth) => (depth <= 0 ? 0 : random.Next(5)) switch
    {
        0 or 1 => $"{Number(random, Math.Max(0, depth - 1))} {Comparisons[random.Next(Comparisons.Length)]} {Number(random, Math.Max(0, depth - 1))}",
        2 => $"({Condition(random, depth - 1)} {(random.Next(2) == 0 ? "and" : "||")} {Condition(random, depth - 1)})",
        3 => $"not ({Condition(random, depth - 1)})",
        _ => $"({Condition(random, depth - 1)} {(random.Next(2) == 0 ? "or" : "&&")} {Condition(random, depth - 1)})",
    };
}
