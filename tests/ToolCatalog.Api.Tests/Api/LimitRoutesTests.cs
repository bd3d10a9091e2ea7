using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Api.Tests.Api.MalformedInputCases;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// The catalog's hard limits through the API: an expression that overflowed the stack, aliases that expanded a small
/// body into a huge one, arithmetic that wrapped around, and fields PostgreSQL cannot store are all 4xx problems naming
/// the path, and nothing is written.
/// </summary>
public sealed class LimitRoutesTests(MalformedInputHost fixture) : IClassFixture<MalformedInputHost>
{
    private const string Restart = "capabilities.service_management.patterns.restart_service";

    private static string Terms(int count) => string.Join("+", Enumerable.Repeat("N", count));

    [Fact]
    public async Task An_anonymous_validate_of_a_100000_term_expression_is_a_fast_422()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = fixture.Host.Anonymous;
        var body = With(SystemctlJson, $"{Restart}.time_estimate_ms", Terms(100_000));
        // The first such request also pays for start-up work (code paths compiled, buffers grown); the second is timed.
        using (var first = await client.PostAsync($"{ToolsPath}/validate", Json(body), ct))
        {
            await AssertProblemAsync(first, HttpStatusCode.UnprocessableEntity, ct);
        }
        var clock = Stopwatch.StartNew();

        using var response = await client.PostAsync($"{ToolsPath}/validate", Json(body), ct);

        var elapsed = clock.Elapsed;
        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ct);
        Assert.Contains($"{Restart}.time_estimate_ms", ErrorPaths(problem));
        TestContext.Current.TestOutputHelper?.WriteLine($"422 in {elapsed.TotalMilliseconds:F1} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed}");
    }

    [Fact]
    public async Task A_stored_over_limit_expression_makes_the_estimate_a_422_and_the_replica_lives_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        var name = "stored_" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await host.Writer.PostAsync(ToolsPath, Json(With(SystemctlJson, "tool_name", name)), ct))
        {
            await ReadJsonAsync(created, HttpStatusCode.Created, ct);
        }
        // Written behind the API's back, as an older release without the bound could have stored it.
        await using (var connection = new NpgsqlConnection(host.Database))
        {
            await connection.OpenAsync(ct);
            await using var edit = new NpgsqlCommand("""
                UPDATE tool_versions
                SET source = jsonb_set(source::jsonb, '{capabilities,service_management,patterns,restart_service,time_estimate_ms}', to_jsonb(@expression))::json
                WHERE is_current AND tool_id = (SELECT id FROM tools WHERE name = @name)
                """, connection);
            edit.Parameters.AddWithValue("expression", Terms(30_000));
            edit.Parameters.AddWithValue("name", name);
            Assert.Equal(1, await edit.ExecuteNonQueryAsync(ct));
        }
        using (var reload = await host.Admin.PostAsJsonAsync($"{Base}/reload", new { }, ct))
        {
            await ReadJsonAsync(reload, HttpStatusCode.OK, ct);
        }

        using var estimate = await host.Anonymous.PostAsync(EstimateUrl(name), Json("""{"variables":{"N":3}}"""), ct);

        var problem = await AssertProblemAsync(estimate, HttpStatusCode.UnprocessableEntity, ct);
        var error = Assert.Single(problem["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == "time_estimate_ms")!;
        Assert.StartsWith("expression is longer than", error["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        using var after = await host.Anonymous.PostAsync(EstimateUrl("systemctl"), Json("""{"variables":{"N":3}}"""), ct);
        await ReadJsonAsync(after, HttpStatusCode.OK, ct);
    }

    [Fact]
    public async Task A_500_KiB_anchor_aliased_a_thousand_times_is_refused_by_validate()
    {
        var ct = TestContext.Current.CancellationToken;
        var yaml = new StringBuilder(CatalogYaml("systemctl")).Append("x_big: &big \"").Append('x', 500 * 1024).Append("\"\nx_copies: [");
        yaml.AppendJoin(", ", Enumerable.Repeat("*big", 1000)).Append("]\n");

        using var response = await fixture.Host.Anonymous.PostAsync($"{ToolsPath}/validate", Yaml(yaml.ToString()), ct);

        var problem = await AssertClientErrorAsync(response, ct);
        Assert.Contains("expands to more than", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_estimate_that_used_to_wrap_around_is_judged_over_budget()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        var name = "wraps_" + Guid.NewGuid().ToString("N")[..8];
        var document = With(With(With(SystemctlJson, "tool_name", name), $"{Restart}.cost_estimate", "50000 * 50000"), $"{Restart}.policy.max_cost", 10);
        using (var created = await host.Writer.PostAsync(ToolsPath, Json(document), ct))
        {
            await ReadJsonAsync(created, HttpStatusCode.Created, ct);
        }

        using var response = await host.Anonymous.PostAsync(EstimateUrl(name), Json("""{"variables":{"N":1}}"""), ct);

        var estimate = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Equal(2.5e9, estimate["costEstimate"]!.GetValue<double>());
        Assert.False(estimate["policy"]!["withinMaxCost"]!.GetValue<bool>());
        Assert.False(estimate["policy"]!["immediate"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Numbers_at_the_bounds_are_stored_and_served_verbatim()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = "bounds_" + Guid.NewGuid().ToString("N")[..8];
        var numbers = $"[1e1000,-1e-1000,{new string('7', 1000)},0.{new string('3', 999)}]";
        var document = JsonNode.Parse(With(SystemctlJson, "tool_name", name))!.AsObject();
        document["x_numbers"] = JsonNode.Parse(numbers);

        using (var created = await fixture.Host.Writer.PostAsync(ToolsPath, Json(document), ct))
        {
            await ReadJsonAsync(created, HttpStatusCode.Created, ct);
        }

        using var read = await fixture.Host.Anonymous.GetAsync($"{ToolsPath}/{name}", ct);
        Assert.Contains($"\"x_numbers\":{numbers}", await read.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    public static TheoryData<string> OverLimitFields => new(OverLimit.Keys);

    private static readonly Dictionary<string, (string Path, Func<string, string> Edit)> OverLimit = new()
    {
        ["a 3,000-character version"] = ("version", j => With(j, "version", "1.0.0-" + new string('a', 3000))),
        ["a 3,000-character tag"] = ("metadata.tags[0]", j => With(j, "metadata.tags[0]", new string('t', 3000))),
        ["a 4,000-character use case"] = ($"{Restart}.typical_use_cases[0]", j => With(j, $"{Restart}.typical_use_cases[0]", new string('u', 4000))),
        ["a 9,000-character pattern description"] = ($"{Restart}.description", j => With(j, $"{Restart}.description", new string('d', 9000))),
        ["1e-20000 under an unknown key"] = ("x_tiny", j => With(j, "x_tiny", JsonNode.Parse("1e-20000")!)),
        ["a 200,000-digit integer under an unknown key"] = ("x_huge", j => With(j, "x_huge", JsonNode.Parse("9" + new string('0', 199_999))!)),
        ["a 1.6 MB pattern description"] = ("", j => With(j, $"{Restart}.description", new string('d', 1_600_000))),
    };

    [Theory]
    [MemberData(nameof(OverLimitFields))]
    public async Task A_field_past_its_bound_is_refused_at_its_path_and_nothing_is_written(string field)
    {
        var ct = TestContext.Current.CancellationToken;
        var (path, edit) = OverLimit[field];
        var before = await fixture.FingerprintAsync(ct);

        using var response = await fixture.Host.Writer.PostAsync(ToolsPath, Json(edit(With(SystemctlJson, "tool_name", "limit_probe"))), ct);

        if (path.Length == 0)
        {
            await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ct);
        }
        else
        {
            Assert.Contains(path, ErrorPaths(await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ct)));
        }
        Assert.Equal(before, await fixture.FingerprintAsync(ct));
        using var read = await fixture.Host.Anonymous.GetAsync($"{ToolsPath}/limit_probe", ct);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    private static string EstimateUrl(string tool) => $"{ToolsPath}/{tool}/capabilities/service_management/patterns/restart_service/estimate";
}
