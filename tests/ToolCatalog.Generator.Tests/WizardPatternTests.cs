using ToolCatalog.Generator.Wizard;

namespace ToolCatalog.Generator.Tests;

/// <summary>The wizard asks again for a validation regex the catalog would refuse, .NET-only constructs included.</summary>
public sealed class WizardPatternTests
{
    [Theory]
    [InlineData("", null)]
    [InlineData("^[a-z][a-z0-9_]*$", null)]
    [InlineData("^\\s*([sS][eE][lL][eE][cC][tT])\\b", null)]
    [InlineData("(?i)^select", "inline flags")]
    [InlineData("\\Aabc", "a .NET anchor")]
    [InlineData("^(abc", "not a valid .NET regular expression")]
    public void A_validation_regex_is_checked_in_both_dialects(string pattern, string? reason)
    {
        var problem = WizardChecks.OptionalRegex(pattern);

        if (reason is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(reason, problem ?? "", StringComparison.Ordinal);
        }
    }
}
