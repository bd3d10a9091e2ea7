using System.Net;

namespace ToolCatalog.Generator.Api;

/// <summary>The API could not be reached at all (refused, DNS, timeout): the caller may retry later.</summary>
public sealed class ApiUnreachableException(Uri baseAddress, string reason, Exception? inner = null)
    : Exception($"The catalog API at {baseAddress} is unreachable: {reason}", inner)
{
    public Uri BaseAddress { get; } = baseAddress;
}

/// <summary>The API answered with an error status; <see cref="Detail"/> is the problem's detail (or the body).</summary>
public sealed class ApiErrorException(HttpStatusCode status, string detail)
    : Exception($"The catalog API answered {(int)status} {status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;
    public string Detail { get; } = detail;

    public bool IsAuthProblem => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
    public bool IsServerProblem => (int)Status >= 500;
}
