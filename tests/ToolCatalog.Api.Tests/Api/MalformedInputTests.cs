using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// One API with two tools for all the malformed-input cases. The cases of a class run one after another, and none
/// may change anything, so each checks the catalog's fingerprint before and after.
/// </summary>
public sealed class MalformedInputHost(CatalogInfrastructure infra) : IAsyncLifetime
{
    public ApiTestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Host = await StartAsync(infra, ct);
        await Host.SeedAsync(ct, "systemctl", "dig");
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    /// <summary>
    /// Row counts and the latest change as PostgreSQL has them, and the ETags and version lists of the seeded tools.
    /// </summary>
    public async Task<string> FingerprintAsync(CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT format('tools %s, versions %s, capabilities %s, patterns %s, changes %s, audit %s',
                (SELECT count(*) FROM tools), (SELECT count(*) FROM tool_versions), (SELECT sum(capability_count) FROM tool_versions),
                (SELECT sum(pattern_count) FROM tool_versions), (SELECT coalesce(max(revision), 0) FROM catalog_changes), (SELECT count(*) FROM audit_log))
            """;
        await using var connection = new NpgsqlConnection(Host.Database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        var parts = new List<string> { (string)(await command.ExecuteScalarAsync(cancellationToken))! };
        foreach (var tool in (string[])["systemctl", "dig"])
        {
            using var read = await Host.Anonymous.GetAsync($"{ToolsPath}/{tool}", cancellationToken);
            using var versions = await Host.Anonymous.GetAsync($"{ToolsPath}/{tool}/versions", cancellationToken);
            parts.Add($"{tool} {(int)read.StatusCode} {read.Headers.ETag} {await versions.Content.ReadAsStringAsync(cancellationToken)}");
        }
        using var audit = await Host.Anonymous.GetAsync($"{Base}/audit?limit=1", cancellationToken);
        parts.Add(await audit.Content.ReadAsStringAsync(cancellationToken));
        return string.Join('\n', parts);
    }
}

/// <summary>Hundreds of generated bad bodies and queries: every one a 4xx problem (never a 5xx), and nothing written.</summary>
public sealed class MalformedInputTests(MalformedInputHost fixture) : IClassFixture<MalformedInputHost>
{
    [Theory]
    [MemberData(nameof(MalformedInputCases.RejectedNames), MemberType = typeof(MalformedInputCases))]
    public async Task A_malformed_request_is_a_4xx_problem_and_changes_nothing(string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var bad = MalformedInputCases.Get(name);
        var before = await fixture.FingerprintAsync(ct);

        using var response = await SendAsync(bad, ct);

        var problem = await AssertClientErrorAsync(response, ct);
        if (bad.Status is { } status)
        {
            Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {problem.ToJsonString()}");
        }
        if (bad.Path is { } path)
        {
            var paths = ErrorPaths(problem);
            Assert.True(paths.Contains(path), $"no error at '{path}' in [{string.Join(", ", paths)}]");
        }
        else if (response.StatusCode is HttpStatusCode.UnprocessableEntity || problem["type"]!.GetValue<string>().EndsWith("/validation", StringComparison.Ordinal))
        {
            ErrorPaths(problem);
        }
        Assert.Equal(before, await fixture.FingerprintAsync(ct));
    }

    [Theory]
    [MemberData(nameof(MalformedInputCases.ReportedNames), MemberType = typeof(MalformedInputCases))]
    public async Task Validate_and_import_report_a_malformed_document_as_invalid_and_store_nothing(string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var bad = MalformedInputCases.Get(name);
        var before = await fixture.FingerprintAsync(ct);

        using var response = await SendAsync(bad, ct);

        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode is HttpStatusCode.OK || (int)response.StatusCode is >= 400 and < 500,
            $"expected a report or a 4xx, got {(int)response.StatusCode}: {text}");
        if (response.StatusCode is HttpStatusCode.OK)
        {
            var report = JsonNode.Parse(text)!;
            if (bad.Url.Contains("/validate", StringComparison.Ordinal))
            {
                Assert.False(report["valid"]!.GetValue<bool>());
                Assert.All(report["documents"]!.AsArray(), d => Assert.NotEmpty(d!["problems"]!.AsArray()));
            }
            else
            {
                var files = report["files"]!.AsArray();
                Assert.NotEmpty(files);
                Assert.All(files, f => Assert.Equal("Invalid", f!["outcome"]!.GetValue<string>()));
                Assert.All(files, f => Assert.NotEmpty(f!["problems"]!.AsArray()));
            }
        }
        else
        {
            await AssertClientErrorAsync(response, ct);
        }
        Assert.Equal(before, await fixture.FingerprintAsync(ct));
    }

    [Fact]
    public void There_are_at_least_200_generated_cases()
    {
        Assert.True(MalformedInputCases.RejectedNames.Count + MalformedInputCases.ReportedNames.Count >= 200);
    }

    private Task<HttpResponseMessage> SendAsync(BadRequest bad, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(new HttpMethod(bad.Method), bad.Url);
        if (bad.Body is not null || bad.ContentType is not null)
        {
            HttpContent content = bad.UnknownLength ? new UnknownLengthContent(bad.Body ?? []) : new ByteArrayContent(bad.Body ?? []);
            if (bad.ContentType is not null)
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(bad.ContentType);
            }
            request.Content = content;
        }
        var client = bad.Url.Contains("purge=", StringComparison.Ordinal) ? fixture.Host.Admin : fixture.Host.Writer;
        return SendAndDisposeAsync(client, request, cancellationToken);
    }

    private static async Task<HttpResponseMessage> SendAndDisposeAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await client.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A body sent without Content-Length (chunked), so the server cannot refuse it by its announced size.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken) =>
            stream.WriteAsync(bytes, cancellationToken).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
