using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Hardening;

/// <summary>What every response carries, how throttling answers, and what a malformed JSON body is called.</summary>
public sealed class HttpSurfaceTests(CatalogInfrastructure infra)
{
    [Fact]
    public async Task Every_response_says_nosniff_whatever_its_status()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        foreach (var (client, path) in (ValueTuple<HttpClient, string>[])[(host.Anonymous, ToolsPath), (host.Anonymous, $"{ToolsPath}/nope"),
                     (host.Anonymous, $"{ToolsPath}?limit=x"), (host.Anonymous, "/no/such/route"), (host.Anonymous, $"{Base}/audit"), (host.Admin, "/health")])
        {
            using var response = await client.GetAsync(path, ct);
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var values), $"{path} ({(int)response.StatusCode}) has no X-Content-Type-Options");
            Assert.Equal("nosniff", Assert.Single(values));
        }
    }

    [Fact]
    public async Task A_write_over_the_key_budget_is_429_with_Retry_After()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?> { ["Auth:WritesPerSecondPerKey"] = "1" });
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 5 && rejected is null; i++)
        {
            var response = await host.Writer.PostAsync($"{ToolsPath}/validate", Yaml(CatalogYaml("dig")), ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                rejected = response;
                continue;
            }
            response.Dispose();
        }
        Assert.NotNull(rejected);
        using (rejected)
        {
            await AssertProblemAsync(rejected, HttpStatusCode.TooManyRequests, ct);
            Assert.True(rejected.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {rejected.Headers.RetryAfter}");
        }
    }

    [Fact]
    public async Task Anonymous_clients_over_their_budget_get_429_with_Retry_After_while_keys_and_probes_go_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct, new Dictionary<string, string?>
        {
            ["RateLimits:AnonymousRequestsPerSecond"] = "1",
            ["RateLimits:AnonymousBurst"] = "3",
        });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await host.Anonymous.GetAsync($"{Base}/platforms", ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && rejected is null)
            {
                rejected = response;
                continue;
            }
            response.Dispose();
        }
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 2, string.Join(", ", statuses));
        using (rejected!)
        {
            await AssertProblemAsync(rejected!, HttpStatusCode.TooManyRequests, ct);
            Assert.True(rejected!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {rejected.Headers.RetryAfter}");
        }
        using var keyed = await host.Reader.GetAsync($"{Base}/platforms", ct);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        using var probe = await host.Anonymous.GetAsync("/alive", ct);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }

    [Fact]
    public async Task A_malformed_JSON_body_is_reported_as_not_valid_JSON()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        const string broken = "{\"tool_name\": \"x\",\n  \"version\": }";

        using var create = await host.Writer.PostAsync(ToolsPath, Json(broken), ct);
        using var validate = await host.Anonymous.PostAsync($"{ToolsPath}/validate", Json(broken), ct);
        using var import = await host.Writer.PostAsync($"{ToolsPath}/import", Json(broken), ct);

        var problem = await AssertProblemAsync(create, HttpStatusCode.BadRequest, ct);
        var message = problem["errors"]![0]!["message"]!.GetValue<string>();
        Assert.StartsWith("not valid JSON", message, StringComparison.Ordinal);
        Assert.Equal(2, problem["errors"]![0]!["line"]!.GetValue<int>());
        var report = await ReadJsonAsync(validate, HttpStatusCode.OK, ct);
        Assert.StartsWith("not valid JSON", report["documents"]![0]!["problems"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var imported = await ReadJsonAsync(import, HttpStatusCode.OK, ct);
        Assert.StartsWith("not valid JSON", imported["files"]![0]!["problems"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_API_key_in_a_query_string_never_reaches_a_log_message()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        var captured = new CapturingLoggerProvider();
        await using var logged = host.Factory.WithWebHostBuilder(builder =>
        {
            // What an operator turning request logs on would see.
            builder.UseSetting("Logging:LogLevel:Default", "Information");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Information");
            builder.ConfigureLogging(logging => logging.AddProvider(captured));
        });
        using var client = logged.CreateClient();

        using var response = await client.GetAsync($"{ToolsPath}?limit=2&api_key={host.ReadKey}&x-api-token={host.AdminKey}", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = captured.Messages.ToList();
        Assert.Contains(messages, m => m.Contains("Request starting", StringComparison.Ordinal) && m.Contains("api_key=[redacted]", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains(host.ReadKey, StringComparison.Ordinal) || m.Contains(host.AdminKey, StringComparison.Ordinal));
        // Wrapping the loggers kept the configured levels: nothing below Information got through.
        Assert.DoesNotContain(messages, m => m.StartsWith("Debug:", StringComparison.Ordinal) || m.StartsWith("Trace:", StringComparison.Ordinal));
    }

    /// <summary>Keeps every message and every structured value any logger was given.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                owner.Messages.Enqueue($"{logLevel}: {formatter(state, exception)} | {values}");
            }
        }
    }
}
