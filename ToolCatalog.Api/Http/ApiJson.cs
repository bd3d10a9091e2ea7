using System.Text.Encodings.Web;
using System.Text.Json;

namespace ToolCatalog.Api;

/// <summary>
/// JSON for bodies the API serialises itself (cached pages and search results): web naming, and no escaping of
/// characters such as &lt; that are safe in application/json — search highlights carry &lt;mark&gt; tags.
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
