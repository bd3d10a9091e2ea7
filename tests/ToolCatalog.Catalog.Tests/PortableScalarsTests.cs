using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Tests;

/// <summary>The writer's quoting rules: which strings some YAML reader would type, and how numbers are spelled.</summary>
public sealed class PortableScalarsTests
{
    /// <summary>Strings that some common reader (PyYAML, js-yaml, YamlDotNet, this project) types as something else.</summary>
    public static readonly string[] TypedByAReader =
    [
        // YAML 1.1 booleans and the y/n forms, in any case.
        "yes", "Yes", "YES", "yEs", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
        "true", "True", "TRUE", "tRUE", "false", "False", "FALSE",
        // Null forms.
        "null", "Null", "NULL", "nuLL", "~", "",
        // YAML 1.1 timestamps (PyYAML) which js-yaml's default schema types too.
        "2024-03-02", "2024-3-2", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z",
        "2001-12-14 21:59:43.10", "2002-12-14 21:59:43 +05:30",
        // Octal, hex, binary, with signs and underscores.
        "0o17", "017", "08", "0x1F", "0X1F", "0x_1F", "+0x1F", "-0x1F", "0b101", "-0b1", "0B11",
        // Sexagesimal (base 60) integers and floats.
        "1:20", "190:20:30.15", "-1:30", "12:30",
        // Underscores, leading zeros, and every float spelling.
        "1_000", "1_000.5", "1__", "007", "00.5", "1", "-1", "+1", "1.0", "1.", ".5", "1e3", "1E3", "1.0e3", "1.0e+3", "-2.5e-3",
        // Infinity and NaN in any case.
        ".inf", ".Inf", ".INF", ".iNf", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", ".nAn",
        // The YAML 1.1 value key and the merge key.
        "=", "<<",
    ];

    /// <summary>Strings every reader reads as text; quoting them is not needed (nor harmful, but it is noise).</summary>
    public static readonly string[] TextToEveryReader =
    [
        "hello", "yes please", "no-op", "onoff", "nulls", "2024-03", "2024-03-02 nightly backup", "2024/03/02", "v1.0", "1.2.3",
        "10.0.0.1", "12:60", "1:2:x", "0xZZ", "1_000x", "e3", "inf", "nan", ".infinity", "==", "<<<", "1,000", "TRUEish",
    ];

    public static TheoryData<string> Typed => new(TypedByAReader);

    public static TheoryData<string> Text => new(TextToEveryReader);

    [Theory]
    [MemberData(nameof(Typed))]
    public void A_string_some_reader_would_type_is_written_quoted_as_value_and_as_key(string value)
    {
        var document = new YamlMap(SourceMark.None, [new(value, String(value)), new("list", new YamlSequence(SourceMark.None, [String(value)]))]);

        var written = YamlWriter.Write(document, headerComment: null).ReplaceLineEndings("\n");

        Assert.True(PortableScalars.NeedsQuotes(value));
        var quoted = "\"" + value + "\"";
        Assert.Equal($"{quoted}: {quoted}\nlist:\n  - {quoted}\n", written);
    }

    [Theory]
    [MemberData(nameof(Text))]
    public void A_string_every_reader_reads_as_text_is_written_plain(string value)
    {
        Assert.False(PortableScalars.NeedsQuotes(value));
        Assert.Equal($"value: {value}\n", YamlWriter.Write(new YamlMap(SourceMark.None, [new("value", String(value))]), headerComment: null).ReplaceLineEndings("\n"));
    }

    [Theory]
    // PyYAML reads a float only with a point in the mantissa and a sign on the exponent.
    [InlineData("1e3", "1.0e+3")]
    [InlineData("1E3", "1.0E+3")]
    [InlineData("1.0e3", "1.0e+3")]
    [InlineData("-2e-3", "-2.0e-3")]
    [InlineData("1.5E-3", "1.5E-3")]
    [InlineData("6.02214076e23", "6.02214076e+23")]
    [InlineData("0.5", "0.5")]
    [InlineData("5.0", "5.0")]
    [InlineData(".inf", ".inf")]
    [InlineData("-.inf", "-.inf")]
    [InlineData(".nan", ".nan")]
    public void A_float_is_spelled_the_way_every_reader_reads_a_float(string canonical, string written)
    {
        Assert.Equal(written, PortableScalars.NumberText(ScalarKind.Float, canonical));
        Assert.Equal($"value: {written}\n",
            YamlWriter.Write(new YamlMap(SourceMark.None, [new("value", new YamlScalar(SourceMark.None, ScalarKind.Float, canonical))]), headerComment: null)
                .ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-7")]
    [InlineData("123456789012345678901234567890")]
    public void An_integer_keeps_its_canonical_decimal_spelling(string canonical) =>
        Assert.Equal(canonical, PortableScalars.NumberText(ScalarKind.Int, canonical));

    private static YamlScalar String(string value) => new(SourceMark.None, ScalarKind.String, value);
}
