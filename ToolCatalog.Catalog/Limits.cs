namespace ToolCatalog.Catalog.Yaml
{
    /// <summary>
    /// Hard limits of the reader that keep a hostile or broken file from costing more than a normal one.
    /// <paramref name="MaxExpandedBytes"/> bounds the bytes of scalar text after aliases are expanded (null: four times
    /// <paramref name="MaxBytes"/>), so that a small file whose aliases repeat a large anchor cannot become a huge document.
    /// </summary>
    public sealed record YamlLimits(int MaxBytes = 1024 * 1024, int MaxDepth = 64, int MaxNodes = 100_000, long? MaxExpandedBytes = null)
    {
        public static readonly YamlLimits Default = new();

        public long ExpandedByteLimit => MaxExpandedBytes ?? 4L * MaxBytes;
    }
}

namespace ToolCatalog.Catalog
{
    /// <summary>
    /// Bounds the validator and the expression evaluator apply to a tool document (the reader's are in
    /// <see cref="Yaml.YamlLimits"/>). Each keeps untrusted input cheap to check and storable: expressions are bounded
    /// before NCalc parses them (its parser and evaluator recurse), regexes before they are compiled, text so that
    /// PostgreSQL's index and full-text limits are never reached, and numbers so that jsonb's numeric type holds them.
    /// docs/catalog-format.md ("Limits") lists them; the real catalog stays far below each one.
    /// </summary>
    public sealed record CatalogLimits
    {
        public static readonly CatalogLimits Default = new();

        /// <summary>Characters of an estimate or condition expression.</summary>
        public int MaxExpressionLength { get; init; } = 1_000;

        /// <summary>Tokens (numbers, names, operators, parentheses) of an expression.</summary>
        public int MaxExpressionTokens { get; init; } = 200;

        /// <summary>Nesting of parentheses, function calls and unary operators in an expression.</summary>
        public int MaxExpressionDepth { get; init; } = 20;

        /// <summary>Characters of an input's validation regex, checked before it is compiled.</summary>
        public int MaxRegexLength { get; init; } = 1_000;

        /// <summary>Characters of version.</summary>
        public int MaxVersionLength { get; init; } = 64;

        /// <summary>Characters of one tag (metadata.tags).</summary>
        public int MaxTagLength { get; init; } = 64;

        /// <summary>Characters of one typical use case or limitation.</summary>
        public int MaxUseCaseLength { get; init; } = 500;

        /// <summary>Characters of a capability, pattern, input or example description (the tool's own is 10 to 2,000).</summary>
        public int MaxDescriptionLength { get; init; } = 8_000;

        /// <summary>Characters of the other short text fields: author, execution_location, dependency and example names.</summary>
        public int MaxShortTextLength { get; init; } = 200;

        /// <summary>Characters of documentation_url and source_code_url.</summary>
        public int MaxUrlLength { get; init; } = 2_000;

        /// <summary>Digits of any number in the document (unknown keys included), so that jsonb's numeric holds it.</summary>
        public int MaxNumberDigits { get; init; } = 1_000;

        /// <summary>Largest absolute decimal exponent of any number (1e1000 is the largest, 1e-1000 the smallest).</summary>
        public int MaxNumberExponent { get; init; } = 1_000;
    }
}
