using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace ToolCatalog.AppHost.Infrastructure;

public enum InfraMode
{
    Containers,
    Local,
}

/// <summary>How the AppHost provides PostgreSQL and Redis: containers when a runtime answers, else local processes.</summary>
public sealed record InfraSettings(InfraMode Mode, string? PgBin, bool KeepData, bool AllowEmbeddedRedis, string Reason)
{
    /// <summary>Parent folder of per-run data folders (default: the temp folder); tests point it at their own.</summary>
    public string? DataRoot { get; init; }

    /// <summary>
    /// maxmemory of the local redis-server (redis syntax: 256mb, 1gb): the cache evicts least-recently-used keys
    /// (allkeys-lru) instead of growing without bound. Every key the catalog writes can be rebuilt, so eviction is safe.
    /// </summary>
    public string RedisMaxMemory { get; init; } = "256mb";

    private static readonly TimeSpan RuntimeProbeTimeout = TimeSpan.FromSeconds(5);

    public static async Task<InfraSettings> FromConfigurationAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var requested = (configuration["Infra:Mode"] ?? "auto").Trim().ToLowerInvariant();
        var keepData = configuration.GetValue("Infra:KeepData", false);
        var pgBin = configuration["Infra:PgBin"];
        // CI must test against real Redis: the embedded fallback is for a developer's machine only.
        var isCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        var allowEmbedded = configuration.GetValue("Infra:AllowEmbeddedRedis", !isCi);

        InfraSettings settings = requested switch
        {
            "containers" => new(InfraMode.Containers, pgBin, keepData, false, "Infra:Mode=containers"),
            "local" => new(InfraMode.Local, pgBin, keepData, allowEmbedded, "Infra:Mode=local"),
            "auto" => await ContainerRuntimeAnswersAsync(cancellationToken)
                ? new(InfraMode.Containers, pgBin, keepData, false, $"auto: '{ContainerRuntime} info' answered")
                : new(InfraMode.Local, pgBin, keepData, allowEmbedded, $"auto: no container runtime answered ('{ContainerRuntime} info')"),
            _ => throw new InfraException(
                $"Infra:Mode must be auto, containers or local (got '{configuration["Infra:Mode"]}')."),
        };
        var maxMemory = configuration["Infra:RedisMaxMemory"] ?? "256mb";
        if (!System.Text.RegularExpressions.Regex.IsMatch(maxMemory, "^[0-9]+(kb|mb|gb)?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
        {
            throw new InfraException($"Infra:RedisMaxMemory must be a size such as 256mb or 1gb (got '{maxMemory}').");
        }
        return settings with { DataRoot = configuration["Infra:DataRoot"], RedisMaxMemory = maxMemory };
    }

    private static string ContainerRuntime =>
        Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
        ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME")
        ?? "docker";

    /// <summary>
    /// Aspire would otherwise report the containers as RuntimeUnhealthy forever and WaitFor would hang,
    /// so the decision is made once, up front, with a bounded probe.
    /// </summary>
    private static async Task<bool> ContainerRuntimeAnswersAsync(CancellationToken cancellationToken)
    {
        Process? probe;
        try
        {
            probe = Process.Start(new ProcessStartInfo(ContainerRuntime, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
        if (probe is null)
        {
            return false;
        }
        using (probe)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RuntimeProbeTimeout);
            try
            {
                await Task.WhenAll(
                    probe.StandardOutput.ReadToEndAsync(timeout.Token),
                    probe.StandardError.ReadToEndAsync(timeout.Token),
                    probe.WaitForExitAsync(timeout.Token));
                return probe.ExitCode == 0;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                probe.Kill(entireProcessTree: true);
                return false;
            }
        }
    }
}
