using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ToolCatalog.Catalog.Validation;
using ToolCatalog.Catalog.Yaml;

namespace ToolCatalog.Api;

/// <summary>
/// Small request bodies (estimate variables, status, rollback, enable/disable reasons) read like tool documents: JSON or
/// YAML, at most 1 MiB (413), strict UTF-8 (400), other media types 415, and a body that does not fit the type is a 400
/// whose errors name the path — never a bound-by-chance value, never a 5xx.
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The body as <typeparamref name="T"/>; null when there is none (a problem when <paramref name="required"/>).</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext context, bool required, CancellationToken cancellationToken)
        where T : class
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentType is null && request.ContentLength is null && !await HasBodyAsync(request, cancellationToken)))
        {
            return required ? (null, Invalid(context, "", "a JSON body is required")) : (null, null);
        }
        var (text, problem) = await RequestBody.ReadTextAsync(context, RequestBody.MaxToolBytes, cancellationToken);
        if (text is null)
        {
            return (null, problem);
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? (null, Invalid(context, "", "a JSON body is required")) : (null, null);
        }
        var (node, parseError) = Parse(text, RequestBody.IsYaml(request));
        if (parseError is not null)
        {
            return (null, Invalid(context, "", parseError));
        }
        if (node is null)
        {
            return required ? (null, Invalid(context, "", "a JSON object is required, not null")) : (null, null);
        }
        if (node is not JsonObject)
        {
            return (null, Invalid(context, "", $"a JSON object is required, not {node.GetValueKind().ToString().ToLowerInvariant()}"));
        }
        try
        {
            if (TextGuard.NulPath(node) is { } nul)
            {
                return (null, Invalid(context, nul, "must not contain NUL (U+0000) characters"));
            }
            return (node.Deserialize<T>(Options), null);
        }
        catch (JsonException ex)
        {
            return (null, Invalid(context, Path(ex.Path), "has the wrong type"));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // Duplicate keys and the like.
            return (null, Invalid(context, "", ex.Message));
        }
    }

    /// <summary>The body as a JSON tree, from YAML (one document) or JSON; or why it cannot be read.</summary>
    private static (JsonNode? Node, string? Error) Parse(string text, bool yaml)
    {
        if (yaml)
        {
            var problems = new List<CatalogProblem>();
            var documents = YamlReader.ReadAll(text, "body", problems, new YamlLimits(RequestBody.MaxToolBytes, 64, 10_000));
            if (problems.Count > 0 || documents.Count != 1)
            {
                return (null, problems.Count > 0 ? problems[0].Message : "expected one YAML document");
            }
            return (YamlJson.ToJson(documents[0]), null);
        }
        try
        {
            return (JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }), null);
        }
        catch (JsonException ex)
        {
            return (null, ex.Message);
        }
    }

    private static async Task<bool> HasBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        var probe = new byte[1];
        var read = await request.Body.ReadAsync(probe, cancellationToken);
        request.Body.Position = 0;
        return read > 0;
    }

    /// <summary>"$.variables.N" -> "variables.N".</summary>
    private static string Path(string? jsonPath) =>
        jsonPath is null or "$" ? "" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');

    private static ProblemHttpResult Invalid(HttpContext context, string path, string message)
    {
        var problem = ProblemResponses.Create(context, StatusCodes.Status400BadRequest, "invalid-body", "Invalid request body",
            "The request body could not be read.");
        problem.Extensions["errors"] = new[] { new { path, message } };
        return TypedResults.Problem(problem);
    }
}
