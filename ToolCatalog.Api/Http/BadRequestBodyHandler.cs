using Microsoft.AspNetCore.Diagnostics;

namespace ToolCatalog.Api;

/// <summary>
/// The server refuses a body it is reading — over Kestrel's size limit (413), sent too slowly (408), malformed chunking
/// (400) — by throwing from the read. That is the client's fault, so it is answered with the server's status as a
/// problem, never as a 500.
/// </summary>
public sealed class BadRequestBodyHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted)
        {
            return false;
        }
        var (type, title) = bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => ("payload-too-large", "Body too large"),
            StatusCodes.Status408RequestTimeout => ("request-timeout", "Body sent too slowly"),
            _ => ("bad-request", "Bad request"),
        };
        await ProblemResponses.WriteAsync(context, bad.StatusCode, type, title, bad.Message);
        return true;
    }
}
