using Spectre.Console;
using Spectre.Console.Rendering;
using Spectre.Console.Testing;

namespace ToolCatalog.Generator.Tests.Infrastructure;

/// <summary>
/// A TestConsole whose keyboard "presses Ctrl+C" when the scripted answers run out: the token the CLI runs with is
/// cancelled while a prompt waits, which is what a real Ctrl+C does through System.CommandLine.
/// </summary>
public sealed class CancellingConsole(TestConsole inner, CancellationTokenSource interrupt) : IAnsiConsole
{
    private readonly CancellingInput _input = new(inner.Input, interrupt);

    public Profile Profile => inner.Profile;
    public IAnsiConsoleCursor Cursor => inner.Cursor;
    public IAnsiConsoleInput Input => _input;
    public IExclusivityMode ExclusivityMode => inner.ExclusivityMode;
    public RenderPipeline Pipeline => inner.Pipeline;

    public void Clear(bool home) => inner.Clear(home);

    public void Write(IRenderable renderable) => inner.Write(renderable);

    public void WriteAnsi(Action<AnsiWriter> action) => inner.WriteAnsi(action);

    private sealed class CancellingInput(TestConsoleInput keys, CancellationTokenSource interrupt) : IAnsiConsoleInput
    {
        public bool IsKeyAvailable() => keys.IsKeyAvailable();

        public ConsoleKeyInfo? ReadKey(bool intercept)
        {
            if (keys.IsKeyAvailable())
            {
                return keys.ReadKey(intercept);
            }
            interrupt.Cancel();
            throw new OperationCanceledException(interrupt.Token);
        }

        public async Task<ConsoleKeyInfo?> ReadKeyAsync(bool intercept, CancellationToken cancellationToken)
        {
            if (keys.IsKeyAvailable())
            {
                return keys.ReadKey(intercept);
            }
            await interrupt.CancelAsync();
            // The prompt waits for a key that never comes; the interrupt ends the wait as Ctrl+C would.
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
    }
}
