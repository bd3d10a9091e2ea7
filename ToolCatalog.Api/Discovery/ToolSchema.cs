using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Catalog.Validation;

namespace ToolCatalog.Api.Discovery;

/// <summary>
/// Serves the tool document's JSON Schema for editors and clients: the embedded schema with the enums of this
/// deployment's vocabulary, the same lists the validator checks against.
/// </summary>
public static class ToolSchema
{
    public static FileContentHttpResult Get(CatalogVocabulary vocabulary) =>
        TypedResults.Bytes(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(vocabulary.ToolSchema()), "application/schema+json");
}
