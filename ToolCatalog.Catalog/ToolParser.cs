using System.Text.Json.Nodes;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog;

/// <summary>The outcome for one document of a file: the tool when valid, and every problem found (warnings too).</summary>
public sealed record ParsedTool(string File, int Index, ToolDocument? Tool, IReadOnlyList<CatalogProblem> Problems)
{
    public bool IsValid => Tool is not null;
    public IEnumerable<CatalogProblem> Errors => Problems.Where(p => p.Severity == ProblemSeverity.Error);
}

/// <summary>Text (YAML or JSON, which is YAML too) -> validated tool documents.</summary>
public static class ToolParser
{
    /// <summary>Parses a file or request body that may hold several documents (YAML '---' separated).</summary>
    public static IReadOnlyList<ParsedTool> ParseDocuments(string text, string file, YamlLimits? limits = null, ValidationSettings? settings = null)
    {
        var streamProblems = new List<CatalogProblem>();
        var documents = YamlReader.ReadAll(text, file, streamProblems, limits);
        if (streamProblems.Any(p => p.Severity == ProblemSeverity.Error) || documents.Count == 0)
        {
            if (documents.Count == 0 && streamProblems.Count == 0)
            {
                streamProblems.Add(CatalogProblem.Error(file, new SourceMark(1, 1), "", "file is empty: a tool file must be a map of keys"));
            }
            return [new ParsedTool(file, 0, null, streamProblems)];
        }
        // "---" at the end of a stream (or between two separators) makes an empty document: nothing to import.
        var nonEmpty = documents.Where(d => d is not YamlScalar { Kind: ScalarKind.Null }).ToList();
        if (nonEmpty.Count == 0)
        {
            return [new ParsedTool(file, 0, null, [CatalogProblem.Error(file, new SourceMark(1, 1), "", "file is empty: a tool file must be a map of keys")])];
        }
        return nonEmpty.Select((root, index) => Validate(root, file, index, settings)).ToList();
    }

    /// <summary>Parses a tool file, which must hold exactly one document.</summary>
    public static ParsedTool ParseFile(string text, string file, YamlLimits? limits = null, ValidationSettings? settings = null)
    {
        var results = ParseDocuments(text, file, limits, settings);
        if (results.Count == 1)
        {
            return results[0];
        }
        return new ParsedTool(file, 0, null,
            [CatalogProblem.Error(file, new SourceMark(1, 1), "", $"a tool file holds one document, this one holds {results.Count}")]);
    }

    public static ParsedTool Validate(YamlNode root, string file, int index = 0, ValidationSettings? settings = null)
    {
        var problems = new List<CatalogProblem>();
        ToolValidator.Validate(root, file, problems, settings);
        if (problems.Any(p => p.Severity == ProblemSeverity.Error))
        {
            return new ParsedTool(file, index, null, problems);
        }
        var json = (JsonObject)YamlJson.ToJson(root)!;
        return new ParsedTool(file, index, ToolDocument.FromValidated(json), problems);
    }
}
