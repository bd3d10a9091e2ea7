using System.Net;
using System.Net.Sockets;

namespace ToolCatalog.AppHost.Infrastructure;

/// <summary>
/// Fails fast, with a message, when a fixed port the AppHost needs (dashboard, OTLP, resource service) is taken:
/// otherwise the dashboard dies in the background and the run looks healthy but is not.
/// </summary>
public static class PortPreflight
{
    private static readonly (string Variable, string Purpose)[] FixedPorts =
    [
        ("ASPNETCORE_URLS", "the Aspire dashboard"),
        ("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "the dashboard's OTLP endpoint"),
        ("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "the dashboard's OTLP/HTTP endpoint"),
        ("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", "the resource service"),
    ];

    public static void EnsureFree()
    {
        foreach (var (variable, purpose) in FixedPorts)
        {
            foreach (var url in (Environment.GetEnvironmentVariable(variable) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                    || uri.Port <= 0)
                {
                    continue;
                }
                if (!IsFree(uri.Port))
                {
                    throw new InfraException(
                        $"Port {uri.Port} ({purpose}, from {variable}={url}) is already in use. " +
                        "Another AppHost may still be running: stop it, or change the port in ToolCatalog.AppHost/Properties/launchSettings.json.");
                }
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
