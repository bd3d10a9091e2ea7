using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Catalog.Upgrade;

/// <summary>What the upgrade did to a value; every kind keeps the value (or states where it went).</summary>
public enum UpgradeAction
{
    Moved,
    Renamed,
    Converted,
    Defaulted,
    Declared,
}

/// <summary>One change the upgrade made, at the source line:col of the value it concerns.</summary>
public sealed record UpgradeChange(SourceMark Source, UpgradeAction Action, string Path, string Message)
{
    /// <summary>line:col: action: path: message — the form the CLI prints under each file.</summary>
    public override string ToString() => $"{Source}: {Action.ToString().ToLowerInvariant()}: {(Path.Length > 0 ? Path + ": " : "")}{Message}";
}

/// <summary>The canonical document and the changes that made it; no change means the source already was canonical.</summary>
public sealed record UpgradedTool(YamlNode Document, IReadOnlyList<UpgradeChange> Changes)
{
    public bool Changed => Changes.Count > 0;

    /// <summary>The tool_name of the upgraded document, when it has one.</summary>
    public string? ToolName => (Document as YamlMap)?["tool_name"] is YamlScalar { Kind: ScalarKind.String } s ? s.Text : null;

    public string? Platform => (Document as YamlMap)?["platform"] is YamlScalar { Kind: ScalarKind.String } s ? s.Text : null;
}
