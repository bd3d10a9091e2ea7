using System.Text.RegularExpressions;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Catalog.Tests;

/// <summary>Validation regexes must mean the same as JSON Schema patterns (ECMA-262, as Ajv runs them).</summary>
public sealed class EcmaScriptPatternTests
{
    [Theory]
    [InlineData(@"^(service|socket|timer)$")]
    [InlineData(@"^[A-Za-z0-9_.-]{1,64}$")]
    [InlineData(@"^\s*(?:[sS][eE][lL][eE][cC][tT])\b[\s\S]*$")]
    [InlineData(@"^(?<user>[a-z]+)@(?<host>[a-z.]+)$")]
    [InlineData(@"^(?!.*\.\.)(?!/)[A-Za-z0-9._/-]{1,255}(?<!\.lock)(?<!/)$")]
    [InlineData(@"^(?=.{1,64}$)[a-z0-9]+$")]
    [InlineData(@"^\d{4}-\d{2}-\d{2}$")]
    [InlineData(@"^(\$root|[a-z0-9-]{3,63})$")]
    [InlineData(@"^[\w\-\.]+\/[\^\[\]]$")]
    [InlineData(@"^\x41\u0042\t\n\r\f\v\0$")]
    [InlineData(@"^(a)\1$")]
    public void A_pattern_JavaScript_reads_the_same_way_has_no_problem(string pattern) =>
        Assert.Null(EcmaScriptPattern.Problem(pattern));

    [Theory]
    [InlineData(@"(?i)\|\s*summarize\s", "inline flags")]
    [InlineData(@"^\s*(?i:select|with)\b", "inline flags")]
    [InlineData(@"^(?-i:abc)$", "inline flags")]
    [InlineData(@"^(?>a+)b$", "atomic group")]
    [InlineData(@"^a(?#note)b$", "comment group")]
    [InlineData(@"^(?(a)b|c)$", "conditional group")]
    [InlineData(@"^(?'user'[a-z]+)$", "(?'name'...) group")]
    [InlineData(@"\Aabc\z", @"\A, a .NET anchor")]
    [InlineData(@"^abc\Z", @"\Z, a .NET anchor")]
    [InlineData(@"^a:\:b$", @"escapes ':'")]
    [InlineData(@"^snake\_case$", @"escapes '_'")]
    [InlineData(@"^[a-z-[aeiou]]+$", "class subtraction")]
    [InlineData(@"^[]a]$", "opening with ']'")]
    [InlineData(@"^a{b$", "literal '{'")]
    [InlineData(@"^a}$", "literal '}'")]
    [InlineData(@"^a]$", "literal ']'")]
    [InlineData(@"^\p{Lu}+$", @"uses \p{...}")]
    [InlineData(@"^\P{IsGreek}+$", @"uses \P{...}")]
    [InlineData(@"^(unclosed$", "not an ECMAScript (JSON Schema) pattern")]
    public void A_NET_only_construct_is_reported_with_what_to_write_instead(string pattern, string reason)
    {
        var problem = EcmaScriptPattern.Problem(pattern);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tool_with_an_inline_flag_in_a_validation_regex_is_an_error_at_that_input()
    {
        var text = ToolTexts.Replace(ToolTexts.Systemctl,
            "validation: '^(service|socket|timer|target|mount|path|slice|scope)$'", "validation: '(?i)^(service|socket)$'");

        var errors = ToolTexts.Parse(text).Problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();

        var error = Assert.Single(errors);
        Assert.EndsWith(".optional_inputs[0].validation", error.Path, StringComparison.Ordinal);
        Assert.Contains("inline flags", error.Message, StringComparison.Ordinal);
    }

    // The catalog's own patterns were rewritten from (?i:...) to spelled-out cases; both forms accept the same text.
    [Theory]
    [InlineData(@"^\s*(?i:select|with|explain|pragma)\b[\s\S]*$", @"^\s*(?:[sS][eE][lL][eE][cC][tT]|[wW][iI][tT][hH]|[eE][xX][pP][lL][aA][iI][nN]|[pP][rR][aA][gG][mM][aA])\b[\s\S]*$")]
    [InlineData(@"(?i)\|\s*summarize\s", @"\|\s*[sS][uU][mM][mM][aA][rR][iI][zZ][eE]\s")]
    public void A_rewritten_catalog_pattern_accepts_exactly_what_the_inline_flag_form_accepted(string dotnetOnly, string portable)
    {
        string[] samples = ["select 1", "  SELECT *\nFROM t", "SeLeCt x", "with a as (select 1)", "Explain select", "PRAGMA x", "selectx",
            "delete from t", "update t", "", " pragma", "T | summarize count()", "T |SUMMARIZE x", "T | summarizes", "T summarize x", "x | Summarize\ty"];
        foreach (var sample in samples)
        {
            Assert.True(Regex.IsMatch(sample, dotnetOnly) == Regex.IsMatch(sample, portable), sample);
        }
        Assert.Null(EcmaScriptPattern.Problem(portable));
    }
}
