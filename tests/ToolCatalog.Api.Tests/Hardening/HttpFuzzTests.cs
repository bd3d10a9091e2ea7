using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ToolCatalog.Api.Tests.Api;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Hardening;

/// <summary>
/// A few thousand generated requests (mutated YAML and JSON tools, zips, expressions, estimate bodies, odd queries and
/// headers) against validate, create, put, import, estimate, list and search: never a 5xx, a rejected write never moves
/// the catalog's revision, and every tool stored at the end passes validation. Fixed seed; bounded to about 30 s.
/// </summary>
public sealed class HttpFuzzTests(CatalogInfrastructure infra)
{
    private const int Seed = 20261206;
    private const int MaxRequests = 3000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Generated_requests_never_get_a_5xx_and_rejected_writes_change_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartAsync(infra, ct);
        await host.SeedAsync(ct, "chmod", "systemctl");
        var db = host.Factory.Services.GetRequiredService<NpgsqlDataSource>();
        var inputs = new HttpFuzzInputs();
        var random = new Random(Seed);
        var failures = new List<string>();
        var excluded = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < MaxRequests && clock.Elapsed < Budget && failures.Count < 20)
        {
            var request = inputs.Next(random);
            if (HttpFuzzInputs.LibraryThrows(request) is { } finding)
            {
                excluded.Add(finding);
                continue;
            }
            var before = request.Write ? await RevisionAsync(db, ct) : 0;
            using var response = await SendAsync(host, request, ct);
            sent++;
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
            {
                failures.Add($"{status} for {request.Describe()}\n  {await response.Content.ReadAsStringAsync(ct)}");
            }
            else if (request.Write && status >= 400 && await RevisionAsync(db, ct) is var after && after != before)
            {
                failures.Add($"{status} but the revision moved {before} -> {after} for {request.Describe()}");
            }
        }
        failures.AddRange(await InvalidStoredToolsAsync(host, db, ct));

        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz (seed {Seed}): {sent} requests in {clock.Elapsed.TotalSeconds:F1} s, statuses "
            + string.Join(", ", statuses.Select(s => $"{s.Key}x{s.Value}")) + $"; {excluded.Count} inputs skipped for library findings"
            + string.Concat(excluded.Distinct().Take(5).Select(e => "\n  " + e)));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(sent >= 300, $"only {sent} requests in {Budget.TotalSeconds} s");
    }

    private static async Task<HttpResponseMessage> SendAsync(ApiTestHost host, FuzzRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, request.Path);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        var client = request.Write ? host.Writer : host.Anonymous;
        return await client.SendAsync(message, cancellationToken);
    }

    private static async Task<long> RevisionAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("SELECT revision FROM catalog_state");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Every current version in the database, sent back to the validator: what was stored must have been valid.</summary>
    private static async Task<List<string>> InvalidStoredToolsAsync(ApiTestHost host, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        var stored = new List<(string Name, string Source)>();
        await using (var cmd = db.CreateCommand("SELECT t.name, v.source::text FROM tools t JOIN tool_versions v ON v.tool_id = t.id AND v.is_current"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        var invalid = new List<string>();
        foreach (var (name, source) in stored)
        {
            using var response = await host.Anonymous.PostAsync($"{ToolsPath}/validate", new StringContent(source, Encoding.UTF8, "application/json"),
                cancellationToken);
            var report = await ReadJsonAsync(response, HttpStatusCode.OK, cancellationToken);
            if (!report["valid"]!.GetValue<bool>())
            {
                invalid.Add($"stored tool {name} does not validate: {report.ToJsonString()}");
            }
        }
        return invalid;
    }
}
