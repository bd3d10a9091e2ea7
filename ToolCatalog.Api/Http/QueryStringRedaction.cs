using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ToolCatalog.Api;

/// <summary>
/// API keys are only read from headers, but a client may still put one in a URL (<c>?api_key=…</c>); the hosting
/// diagnostics then log the whole URL at Information before any middleware runs. Every logger is wrapped so that a
/// message holding a secret-looking query parameter is written with its value replaced — for all providers at once.
/// </summary>
public static partial class QueryStringRedaction
{
    public const string Mask = "[redacted]";

    [GeneratedRegex(@"(?<name>[?&;][^=&\s#?]*(?:key|token|secret|password|passwd|auth|signature|sig|credential)[^=&\s#?]*=)[^&\s#;]*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();

    public static string Redact(string message) =>
        message.Contains('=', StringComparison.Ordinal) ? SecretParameter().Replace(message, "${name}" + Mask) : message;

    public static void AddTo(IServiceCollection services)
    {
        // The same factory AddLogging registers (providers, configured filters, scopes), wrapped.
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(), sp.GetService<IExternalScopeProvider>()))));
    }

    private sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }
            var message = formatter(state, exception);
            var redacted = Redact(message);
            if (ReferenceEquals(redacted, message) || redacted == message)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            // The structured values hold the secret too: only the redacted text goes on.
            inner.Log(logLevel, eventId, new RedactedState(redacted), exception, static (s, _) => s.Message);
        }
    }

    private sealed record RedactedState(string Message) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => index == 0 ? new("{OriginalFormat}", Message) : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => 1;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}
