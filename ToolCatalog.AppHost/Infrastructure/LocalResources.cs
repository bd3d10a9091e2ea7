using Aspire.Hosting.ApplicationModel;

namespace ToolCatalog.AppHost.Infrastructure;

/// <summary>redis-server run as a local process; one resource that is both the process and its connection string.</summary>
public sealed class LocalRedisResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}

/// <summary>Garnet hosted inside the AppHost process: the Redis-compatible fallback for machines with no redis-server.</summary>
public sealed class EmbeddedRedisResource(string name, int port) : Resource(name), IResourceWithConnectionString
{
    public int Port { get; } = port;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
