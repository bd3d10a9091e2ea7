using Spectre.Console;
using ToolCatalog.Generator.Api;

namespace ToolCatalog.Generator.Cli;

/// <summary>
/// Everything a command touches outside its arguments: the console for people (prompts, tables, progress), plain
/// writers for output meant for tools (validation lines, JSON, help), the environment and the HTTP stack. Tests
/// replace each of these.
/// </summary>
public sealed class CliContext
{
    public const string ApiKeyVariable = "TOOLCATALOG_API_KEY";

    /// <summary>Prompts, tables and progress.</summary>
    public required IAnsiConsole Console { get; init; }

    /// <summary>Machine-readable output (validate lines, JSON, YAML, help): never wrapped or styled.</summary>
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Whether the wizard may ask questions; false when input is redirected (answers and defaults are used).</summary>
    public bool Interactive { get; init; }

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>When set, API calls go through this handler (tests point it at an in-process server).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public static CliContext FromProcess() => new()
    {
        Console = AnsiConsole.Console,
        Out = System.Console.Out,
        Error = System.Console.Error,
        Interactive = !System.Console.IsInputRedirected && !System.Console.IsOutputRedirected,
    };

    /// <summary>A client for the API at <paramref name="apiUrl"/>, with the key from --api-key or TOOLCATALOG_API_KEY.</summary>
    public CatalogApiClient CreateApiClient(string apiUrl, string? apiKey)
    {
        var baseAddress = new Uri(apiUrl.EndsWith('/') ? apiUrl : apiUrl + "/", UriKind.Absolute);
        var http = HttpHandler is null
            ? new HttpClient { Timeout = TimeSpan.FromSeconds(100) }
            : new HttpClient(HttpHandler, disposeHandler: false);
        http.BaseAddress = baseAddress;
        var key = string.IsNullOrWhiteSpace(apiKey) ? GetEnvironmentVariable(ApiKeyVariable) : apiKey;
        return new CatalogApiClient(http, key);
    }
}
