using System.Buffers.Text;
using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ToolCatalog.Api.Snapshot;

namespace ToolCatalog.Api.Mcp;

/// <summary>
/// Every served tool as an MCP resource, <c>toolcatalog://tools/{name}</c> (its document as JSON), listed in name order
/// in pages with an opaque cursor; older versions through the template <c>toolcatalog://tools/{name}/versions/{version}</c>.
/// </summary>
internal static class CatalogMcpResources
{
    public const string ToolPrefix = "toolcatalog://tools/";
    public const string ToolTemplate = ToolPrefix + "{name}";
    public const string VersionTemplate = ToolPrefix + "{name}/versions/{version}";
    public const int PageSize = 50;
    private const string JsonMime = "application/json";
    private const string CursorTag = "r1:";

    public static ValueTask<ListResourcesResult> ListAsync(RequestContext<ListResourcesRequestParams> request, CancellationToken cancellationToken)
    {
        var snapshot = request.Services!.GetRequiredService<SnapshotStore>().Current;
        string? after = null;
        if (request.Params?.Cursor is { } cursor && (after = DecodeCursor(cursor)) is null)
        {
            throw new McpProtocolException("cursor is not one this server issued: pass nextCursor back unchanged.", McpErrorCode.InvalidParams);
        }
        var page = snapshot.Ordered.Where(t => after is null || string.CompareOrdinal(t.Name, after) > 0).Take(PageSize + 1).ToList();
        var hasMore = page.Count > PageSize;
        if (hasMore)
        {
            page.RemoveAt(page.Count - 1);
        }
        return ValueTask.FromResult(new ListResourcesResult
        {
            Resources = page.Select(t => new Resource
            {
                Uri = ToolPrefix + t.Name,
                Name = t.Name,
                Title = $"{t.Name} {t.Version}",
                Description = t.Document.Description,
                MimeType = JsonMime,
                Size = t.Utf8Json.Length,
            }).ToList(),
            NextCursor = hasMore ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CursorTag + page[^1].Name)) : null,
            Meta = McpToolResults.RevisionMeta(snapshot.Revision),
        });
    }

    public static ValueTask<ListResourceTemplatesResult> ListTemplatesAsync(RequestContext<ListResourceTemplatesRequestParams> request,
        CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ListResourceTemplatesResult
        {
            ResourceTemplates =
            [
                new ResourceTemplate
                {
                    UriTemplate = ToolTemplate, Name = "tool", Title = "A catalog tool (current version)",
                    Description = "The tool's current document as JSON.", MimeType = JsonMime,
                },
                new ResourceTemplate
                {
                    UriTemplate = VersionTemplate, Name = "tool_version", Title = "A catalog tool at a stored version",
                    Description = "The tool's document at that version as JSON, current or older.", MimeType = JsonMime,
                },
            ],
        });

    public static async ValueTask<ReadResourceResult> ReadAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken)
    {
        var uri = request.Params?.Uri ?? "";
        var loader = request.Services!.GetRequiredService<SnapshotStore>();
        var snapshot = loader.Current;
        if (!uri.StartsWith(ToolPrefix, StringComparison.Ordinal))
        {
            throw NotFound(uri);
        }
        var parts = uri[ToolPrefix.Length..].Split('/');
        string? json = parts switch
        {
            [var name] => snapshot.Find(Uri.UnescapeDataString(name)) is { } tool ? Encoding.UTF8.GetString(tool.Utf8Json) : null,
            [var name, "versions", var version] => (await loader.GetVersionAsync(Uri.UnescapeDataString(name), Uri.UnescapeDataString(version),
                cancellationToken))?.CanonicalJson,
            _ => null,
        };
        if (json is null)
        {
            throw NotFound(uri);
        }
        return new ReadResourceResult
        {
            Contents = [new TextResourceContents { Uri = uri, MimeType = JsonMime, Text = json }],
            Meta = McpToolResults.RevisionMeta(snapshot.Revision),
        };
    }

    /// <summary>
    /// Completion of the templates' <c>name</c> argument: tool names starting with what was typed (at most 100, the
    /// protocol's limit). Any other reference completes to nothing, which the protocol allows.
    /// </summary>
    public static ValueTask<CompleteResult> CompleteAsync(RequestContext<CompleteRequestParams> request, CancellationToken cancellationToken)
    {
        const int MaxValues = 100;
        var snapshot = request.Services!.GetRequiredService<SnapshotStore>().Current;
        var isToolName = request.Params?.Ref is ResourceTemplateReference { Uri: ToolTemplate or VersionTemplate } && request.Params.Argument.Name == "name";
        var typed = request.Params?.Argument.Value ?? "";
        var matches = isToolName ? snapshot.Ordered.Select(t => t.Name).Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList() : [];
        return ValueTask.FromResult(new CompleteResult
        {
            Completion = new Completion { Values = matches.Take(MaxValues).ToList(), Total = matches.Count, HasMore = matches.Count > MaxValues },
        });
    }

    private static McpProtocolException NotFound(string uri) =>
        new($"No catalog resource at '{uri}': use {ToolTemplate} or {VersionTemplate} with a tool name from resources/list.",
            McpErrorCode.ResourceNotFound);

    private static string? DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith(CursorTag, StringComparison.Ordinal) ? text[CursorTag.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
