using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Validation;

public sealed partial class ToolValidator
{
    // A validation regex is exported as a JSON Schema pattern (ECMA-262), so it must mean the same in JavaScript.
    // An error for documents being written; in upgrade mode (an existing catalog being imported) a warning, and the
    // pattern is kept as written: the upgrade already translated what it safely could.
    private void EcmaScriptDialect(YamlNode node, string path, string problem)
    {
        var message = $"the pattern {problem} (validation regexes are exported as JSON Schema patterns)";
        if (_settings.Mode == VocabularyMode.Upgrade)
        {
            _problems.Add(CatalogProblem.Warning(_file, node.Mark, path, message + "; kept as is"));
            return;
        }
        Error(node, path, message);
    }
}
