using System.Globalization;
using ToolCatalog.Catalog.Yaml;
using static ToolCatalog.Catalog.Validation.CatalogRules;

namespace ToolCatalog.Catalog.Validation;

public sealed partial class ToolValidator
{
    private void Dependencies(YamlMap tool)
    {
        if (OptionalSequence(tool, "", "dependencies") is not { } dependencies)
        {
            return;
        }
        for (var i = 0; i < dependencies.Items.Count; i++)
        {
            var path = $"dependencies[{i}]";
            if (AsMap(dependencies.Items[i], path) is not { } dependency)
            {
                continue;
            }
            UnknownKeys(dependency, path, DependencyKeys);
            RequiredString(dependency, path, "name");
            MaxLength(dependency, path, "name", Limits.MaxShortTextLength);
            RequiredTerm(dependency, path, "type", "dependency type", _settings.Vocabulary.DependencyTypes);
            OptionalBool(dependency, path, "required");
        }
    }

    /// <summary>Author, quoted ISO dates that exist, tags, and http(s) documentation and source URLs.</summary>
    private void Metadata(YamlMap tool)
    {
        if (OptionalMap(tool, "", "metadata") is not { } metadata)
        {
            return;
        }
        UnknownKeys(metadata, "metadata", MetadataKeys);
        OptionalString(metadata, "metadata", "author");
        MaxLength(metadata, "metadata", "author", Limits.MaxShortTextLength);
        foreach (var key in (string[])["created", "updated"])
        {
            if (metadata[key] is YamlScalar { Kind: not ScalarKind.String } notText)
            {
                Error(notText, $"metadata.{key}", "must be a quoted date string such as \"2025-01-31\"");
            }
            // Fix: the regex only checks the shape, so "2025-13-45" or "2025-02-30" passed; the date must also exist
            // (tool.schema.json limits month and day the same way).
            else if (OptionalString(metadata, "metadata", key) is { } date
                && !(Date().IsMatch(date) && DateOnly.TryParseExact(date.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
            {
                Error(metadata[key]!, $"metadata.{key}", "must be an ISO date such as \"2025-01-31\"");
            }
        }
        MaxItemLength(StringList(metadata, "metadata", "tags", required: false), "metadata.tags", Limits.MaxTagLength);
        foreach (var key in (string[])["documentation_url", "source_code_url"])
        {
            MaxLength(metadata, "metadata", key, Limits.MaxUrlLength);
            if (OptionalString(metadata, "metadata", key) is { Length: var urlLength } url && urlLength <= Limits.MaxUrlLength
                && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
            {
                Error(metadata[key]!, $"metadata.{key}", "must be an absolute http(s) URL");
            }
        }
    }

    private void Examples(YamlMap tool)
    {
        if (OptionalSequence(tool, "", "examples") is not { } examples)
        {
            return;
        }
        for (var i = 0; i < examples.Items.Count; i++)
        {
            var path = $"examples[{i}]";
            if (AsMap(examples.Items[i], path) is not { } example)
            {
                continue;
            }
            UnknownKeys(example, path, ExampleKeys);
            RequiredString(example, path, "name");
            MaxLength(example, path, "name", Limits.MaxShortTextLength);
            OptionalString(example, path, "description");
            MaxLength(example, path, "description", Limits.MaxDescriptionLength);
            OptionalMap(example, path, "inputs");
        }
    }
}
