namespace ToolCatalog.Generator.Wizard;

/// <summary>An answer (from a flag, the answers file or a default) that fails its check when no one can be asked again.</summary>
public sealed class WizardAnswerException(string message) : Exception(message);
