namespace ToolCatalog.Catalog.Yaml;

/// <summary>Where a node starts in its source file (1-based), for messages a person can act on.</summary>
public readonly record struct SourceMark(int Line, int Column)
{
    public static readonly SourceMark None = new(0, 0);
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>
/// A YAML value as data: maps keep their key order, scalars keep their resolved type. This is the form the catalog
/// compares, validates and converts, so a round trip can be checked for exactly what a reader of the file sees.
/// </summary>
public abstract record YamlNode(SourceMark Mark);

public sealed record YamlMap(SourceMark Mark, IReadOnlyList<KeyValuePair<string, YamlNode>> Entries) : YamlNode(Mark)
{
    public YamlNode? this[string key]
    {
        get
        {
            foreach (var (k, v) in Entries)
            {
                if (k == key)
                {
                    return v;
                }
            }
            return null;
        }
    }

    public SourceMark KeyMark(string key) => this[key]?.Mark ?? Mark;
}

public sealed record YamlSequence(SourceMark Mark, IReadOnlyList<YamlNode> Items) : YamlNode(Mark);

public enum ScalarKind
{
    Null,
    Bool,
    Int,
    Float,
    String,
}

/// <summary>A scalar with its YAML 1.2 core-schema type; <see cref="Text"/> is the canonical text of the value.</summary>
public sealed record YamlScalar(SourceMark Mark, ScalarKind Kind, string Text) : YamlNode(Mark)
{
    public bool? AsBool => Kind == ScalarKind.Bool ? Text == "true" : null;

    public double? AsNumber => Kind is ScalarKind.Int or ScalarKind.Float
        && double.TryParse(Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
        ? d
        : null;

    public string? AsString => Kind == ScalarKind.String ? Text : null;
}
