using Spectre.Console;
using Spectre.Console.Testing;
using ToolCatalog.Generator.Cli;

namespace ToolCatalog.Generator.Tests.Infrastructure;

/// <summary>One run of the CLI in-process: a TestConsole for people's output and input, writers for machine output.</summary>
public sealed class CliRun
{
    public TestConsole Console { get; } = new TestConsole().Width(160);
    public StringWriter Out { get; } = new();
    public StringWriter Error { get; } = new();
    public int ExitCode { get; private set; } = -1;

    /// <summary>Environment the CLI sees; the test process's own (which may hold TOOLCATALOG_API_KEY) never leaks in.</summary>
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public bool Interactive { get; init; }
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>When set, the CLI talks to this console instead of <see cref="Console"/> (which it usually wraps).</summary>
    public IAnsiConsole? ConsoleOverride { get; init; }

    /// <summary>Everything the run printed, for messages in failed assertions.</summary>
    public string Text => $"exit {ExitCode}\n--- console ---\n{Console.Output}\n--- out ---\n{Out}\n--- error ---\n{Error}";

    public CliRun Answer(params string[] lines)
    {
        foreach (var line in lines)
        {
            Console.Input.PushTextWithEnter(line);
        }
        return this;
    }

    /// <summary>Presses Enter <paramref name="count"/> times: every remaining question takes its default.</summary>
    public CliRun AcceptDefaults(int count = 120) => Answer(Enumerable.Repeat("", count).ToArray());

    public async Task<CliRun> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var context = new CliContext
        {
            Console = ConsoleOverride ?? Console,
            Out = Out,
            Error = Error,
            Interactive = Interactive,
            HttpHandler = HttpHandler,
            GetEnvironmentVariable = name => Environment.GetValueOrDefault(name),
        };
        ExitCode = await CliApp.RunAsync(args, context, cancellationToken);
        return this;
    }

    public static Task<CliRun> RunAsync(CancellationToken cancellationToken, params string[] args) => new CliRun().RunAsync(args, cancellationToken);
}
