using System.Text.Json.Serialization;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Validation;

[JsonConverter(typeof(JsonStringEnumConverter<ProblemSeverity>))]
public enum ProblemSeverity
{
    Error,
    Warning,
}

/// <summary>One finding about a tool file: where (file, line, column, path) and what.</summary>
public sealed record CatalogProblem(string File, int Line, int Column, string Path, ProblemSeverity Severity, string Message)
{
    public static CatalogProblem Error(string file, SourceMark mark, string path, string message) =>
        new(file, mark.Line, mark.Column, path, ProblemSeverity.Error, message);

    public static CatalogProblem Warning(string file, SourceMark mark, string path, string message) =>
        new(file, mark.Line, mark.Column, path, ProblemSeverity.Warning, message);

    /// <summary>file:line:col: severity: path: message — the form compilers use, so editors can jump to it.</summary>
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {Severity.ToString().ToLowerInvariant()}: {(Path.Length > 0 ? Path + ": " : "")}{Message}";
}
