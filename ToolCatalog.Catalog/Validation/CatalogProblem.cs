using System.Text.Json.Serialization;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Validation;

[JsonConverter(typeof(JsonStringEnumConverter<ProblemSeverity>))]
public enum ProblemSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One finding about a tool file: where (file, line, column, path) and what. <see cref="ExceedsLimit"/> marks an error
/// raised because the input passed one of the hard bounds (<see cref="CatalogLimits"/>, <see cref="Yaml.YamlLimits"/>):
/// the API refuses such a request instead of reporting on it.
/// </summary>
public sealed record CatalogProblem(string File, int Line, int Column, string Path, ProblemSeverity Severity, string Message,
    [property: JsonIgnore] bool ExceedsLimit = false)
{
    public static CatalogProblem Error(string file, SourceMark mark, string path, string message) =>
        new(file, mark.Line, mark.Column, path, ProblemSeverity.Error, message);

    public static CatalogProblem Limit(string file, SourceMark mark, string path, string message) =>
        new(file, mark.Line, mark.Column, path, ProblemSeverity.Error, message, ExceedsLimit: true);

    public static CatalogProblem Warning(string file, SourceMark mark, string path, string message) =>
        new(file, mark.Line, mark.Column, path, ProblemSeverity.Warning, message);

    /// <summary>file:line:col: severity: path: message — the form compilers use, so editors can jump to it.</summary>
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {Severity.ToString().ToLowerInvariant()}: {(Path.Length > 0 ? Path + ": " : "")}{Message}";
}
