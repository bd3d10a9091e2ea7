using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Vocabulary;

namespace ToolCatalog.Api.Tools;

/// <summary>
/// <c>Catalog:Vocabularies:*</c>: values this deployment accepts in addition to the built-in lists (which stay, so a
/// stored tool never becomes invalid by a configuration change). New writes are checked against the result; imports
/// with <c>upgrade=true</c> keep unknown values with a warning.
/// </summary>
public sealed class VocabularyOptions
{
    public const string Section = "Catalog:Vocabularies";

    public string[] Platforms { get; set; } = [];
    public string[] Categories { get; set; } = [];
    public string[] DataSources { get; set; } = [];
    public string[] Scopes { get; set; } = [];
    public string[] DependencyTypes { get; set; } = [];
    public string[] InputTypes { get; set; } = [];

    /// <summary>
    /// <c>Catalog:Vocabularies:Capabilities:&lt;name&gt;</c> with <c>Description</c> and <c>Aliases</c>: a new name is a new
    /// canonical capability; a name the shared vocabulary has (canonical or alias) adds the aliases to that capability.
    /// </summary>
    public Dictionary<string, CapabilityTerm> Capabilities { get; set; } = [];

    public CatalogVocabulary ToVocabulary() =>
        CatalogVocabulary.Default.With(new CatalogVocabulary(Platforms, Categories, DataSources, Scopes, DependencyTypes, InputTypes))
            with
        {
            Capabilities = CapabilityVocabulary.BuiltIn.With(Capabilities.Select(c => new CanonicalCapability(c.Key, c.Value.Description ?? "", c.Value.Aliases))),
        };

    /// <summary>Whether the capability additions make a vocabulary (lower_snake_case names, no alias meaning two capabilities).</summary>
    public bool CapabilitiesAreValid(out string? error)
    {
        error = Capabilities.Keys.FirstOrDefault(k => !CatalogRules.MemberName().IsMatch(k)) is { } badName
            ? $"Catalog:Vocabularies:Capabilities: '{badName}' is not a lower_snake_case capability name"
            : null;
        if (error is null)
        {
            try
            {
                _ = ToVocabulary();
            }
            catch (InvalidOperationException conflict)
            {
                error = "Catalog:Vocabularies:Capabilities: " + conflict.Message;
            }
        }
        return error is null;
    }
}

/// <summary>One configured capability: its description (for a new one) and the other names that mean it.</summary>
public sealed class CapabilityTerm
{
    public string? Description { get; set; }

    public string[] Aliases { get; set; } = [];
}
