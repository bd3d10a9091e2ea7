using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Validation;

public sealed partial class ToolValidator
{
    // A validation regex is exported as a JSON Schema pattern (ECMA-262), so it must mean the same in JavaScript.
    // An error for documents being written; a reader of legacy files can call EcmaScriptPattern.Problem itself and
    // report a warning instead.
    private void EcmaScriptDialect(YamlNode node, string path, string pattern)
    {
        if (EcmaScriptPattern.Problem(pattern) is { } problem)
        {
            Error(node, path, $"the pattern {problem} (validation regexes are exported as JSON Schema patterns)");
        }
    }
}
