using ToolCatalog.Catalog.Validation;

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

    public CatalogVocabulary ToVocabulary() =>
        CatalogVocabulary.Default.With(new CatalogVocabulary(Platforms, Categories, DataSources, Scopes, DependencyTypes, InputTypes));
}
