using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolCatalog.Generator.Api;

/// <summary>
/// The few catalog API routes the CLI and the worker use. Transport failures become
/// <see cref="ApiUnreachableException"/> and error statuses <see cref="ApiErrorException"/>, so callers map them to exit
/// codes or health without knowing HTTP details.
/// </summary>
public sealed class CatalogApiClient(HttpClient http, string? apiKey)
{
    public const string TriggerHeader = "X-Catalog-Trigger";
    public const string FileTrigger = "file";
    private const string Tools = "api/v1/tools";

    public Uri BaseAddress => http.BaseAddress ?? throw new InvalidOperationException("the HttpClient has no BaseAddress");

    /// <summary>True when <c>/health</c> answers 200 (Healthy or Degraded: the API serves either way).</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "health"), cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Imports a zip of tool files (relative paths as entry names).</summary>
    public Task<ImportReport> ImportZipAsync(byte[] zip, bool dryRun, bool fromWorker, bool upgrade, CancellationToken cancellationToken) =>
        ImportAsync(() =>
        {
            var content = new ByteArrayContent(zip);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            return content;
        }, dryRun, fromWorker, upgrade, cancellationToken);

    /// <summary>Imports YAML text (one or more documents).</summary>
    public Task<ImportReport> ImportYamlAsync(string yaml, bool dryRun, CancellationToken cancellationToken) =>
        ImportAsync(() => new StringContent(yaml, Encoding.UTF8, "application/yaml"), dryRun, fromWorker: false, upgrade: false, cancellationToken);

    /// <summary>The export route's body: a zip of YAML files (<c>yaml</c>) or a JSON array (<c>json</c>).</summary>
    public async Task<byte[]> ExportAsync(string format, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Authorized(HttpMethod.Get, $"{Tools}/export?format={Uri.EscapeDataString(format)}"), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>Soft-deletes a tool; false when it does not exist. Sends If-Match so it works when the API requires it.</summary>
    public async Task<bool> DeleteToolAsync(string name, string reason, CancellationToken cancellationToken)
    {
        var path = $"{Tools}/{Uri.EscapeDataString(name)}";
        string? etag;
        using (var current = await SendAsync(() => Authorized(HttpMethod.Get, path), cancellationToken))
        {
            if (current.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
            await EnsureSuccessAsync(current, cancellationToken);
            etag = current.Headers.ETag?.Tag;
        }
        using var response = await SendAsync(() =>
        {
            var request = Authorized(HttpMethod.Delete, $"{path}?reason={Uri.EscapeDataString(reason)}");
            if (etag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", etag);
            }
            return request;
        }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>Brings back a soft-deleted tool; false when it is not deleted (or unknown).</summary>
    public async Task<bool> RestoreToolAsync(string name, string reason, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
            Authorized(HttpMethod.Post, $"{Tools}/{Uri.EscapeDataString(name)}/restore?reason={Uri.EscapeDataString(reason)}"), cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            return false;
        }
        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>POST /api/v1/select; a rejected request becomes an <see cref="ApiErrorException"/> naming each bad field.</summary>
    public async Task<JsonNode> SelectAsync(JsonObject request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var message = Authorized(HttpMethod.Post, "api/v1/select");
            message.Content = new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            return message;
        }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var paths = FieldErrors(body).Select(e => $"{e?["path"]}: {e?["message"]}");
            throw new ApiErrorException(response.StatusCode, string.Join("; ", new[] { ProblemDetail(body) }.Concat(paths)));
        }
        return JsonNode.Parse(body) ?? throw new ApiErrorException(response.StatusCode, "empty selection response");
    }

    private async Task<ImportReport> ImportAsync(Func<HttpContent> content, bool dryRun, bool fromWorker, bool upgrade, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var query = string.Join('&', new[] { dryRun ? "dryRun=true" : null, upgrade ? "upgrade=true" : null }.OfType<string>());
            var request = Authorized(HttpMethod.Post, $"{Tools}/import{(query.Length > 0 ? "?" + query : "")}");
            request.Content = content();
            if (fromWorker)
            {
                request.Headers.Add(TriggerHeader, FileTrigger);
            }
            return request;
        }, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<ImportReport>(ApiJson.Options, cancellationToken)
            ?? throw new ApiErrorException(response.StatusCode, "empty import report");
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        using var request = create();
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            throw new ApiUnreachableException(BaseAddress, ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation; the caller did not cancel, so the API is too slow or away.
            throw new ApiUnreachableException(BaseAddress, "the request timed out", ex);
        }
        catch (Polly.ExecutionRejectedException ex)
        {
            // The resilience pipeline gave up (circuit open, attempt or total timeout): same meaning as a refused connection.
            throw new ApiUnreachableException(BaseAddress, ex.Message, ex);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new ApiErrorException(response.StatusCode, ProblemDetail(body));
    }

    private static JsonArray FieldErrors(string body)
    {
        try
        {
            return (JsonNode.Parse(body) as JsonObject)?["errors"] as JsonArray ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The problem's detail (and title) when the body is RFC 9457 JSON, else the body itself, shortened.</summary>
    private static string ProblemDetail(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject problem)
            {
                var title = problem["title"]?.GetValue<string>();
                var detail = problem["detail"]?.GetValue<string>();
                return string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrWhiteSpace(s)));
            }
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        return body.Length > 300 ? body[..300] + "…" : body;
    }
}
