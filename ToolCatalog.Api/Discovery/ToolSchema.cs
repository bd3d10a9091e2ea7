using Microsoft.AspNetCore.Http.HttpResults;

namespace ToolCatalog.Api.Discovery;

/// <summary>Serves the tool document's JSON Schema (embedded in the catalog library) for editors and clients.</summary>
public static class ToolSchema
{
    private static readonly Lazy<byte[]> Schema = new(() =>
    {
        using var stream = typeof(ToolCatalog.Catalog.ToolDocument).Assembly.GetManifestResourceStream("ToolCatalog.Catalog.Schema.tool.schema.json")
            ?? throw new InvalidOperationException("tool.schema.json is not embedded");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    public static FileContentHttpResult Get() => TypedResults.Bytes(Schema.Value, "application/schema+json");
}
