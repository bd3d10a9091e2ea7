using System.Net;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Selection;

/// <summary>The whole catalog folder imported once; the select tests only read.</summary>
public sealed class WholeCatalogHost(CatalogInfrastructure infra) : IAsyncLifetime
{
    public Api.ApiTestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Host = await StartAsync(infra, ct);
        await Host.SeedWholeCatalogAsync(ct);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary><c>POST /api/v1/select</c> over HTTP: decisions, problems with paths, hints, determinism, OpenAPI.</summary>
public sealed class SelectRoutesTests(WholeCatalogHost fixture) : IClassFixture<WholeCatalogHost>
{
    private const string Select = Base + "/select";

    [Fact]
    public async Task A_request_gets_ranked_candidates_at_the_served_revision_and_the_same_bytes_every_time()
    {
        var ct = TestContext.Current.CancellationToken;
        const string body = """{"capabilities":["backup","service_management"],"query":"back up quickly","variables":{"N":20,"size_mb":800},"top_k":20}""";

        using var first = await fixture.Host.Reader.PostAsync(Select, Json(body), ct);
        using var second = await fixture.Host.Anonymous.PostAsync(Select, Json(body), ct);

        var bytes = await first.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(bytes, await second.Content.ReadAsByteArrayAsync(ct));
        var response = JsonNode.Parse(bytes)!;
        Assert.Equal(first.Headers.GetValues("X-Catalog-Revision").Single(), response["revision"]!.ToJsonString());
        Assert.Equal(("fast", "query"), (response["mode"]!["name"]!.GetValue<string>(), response["mode"]!["source"]!.GetValue<string>()));
        var candidates = response["candidates"]!.AsArray();
        Assert.InRange(candidates.Count, 2, 20);
        Assert.Equal(Enumerable.Range(1, candidates.Count), candidates.Select(c => c!["rank"]!.GetValue<int>()));
        var scores = candidates.Select(c => c!["score"]!.GetValue<double>()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        var dump = Assert.Single(candidates, c => c!["function_name"]!.GetValue<string>() == "pg_dump__backup__dump_database")!;
        Assert.Equal("background", dump["execution_mode"]!.GetValue<string>()); // size_mb > 500
        Assert.Contains(dump["policy"]!.AsArray(), p => p!["reason"]!.GetValue<string>() == "requires_background_if (size_mb > 500) is true");
    }

    public static TheoryData<string, HttpStatusCode, string> Malformed => new()
    {
        { """{"capabilities":["x"],"variables":{"N":"twenty"}}""", HttpStatusCode.BadRequest, "variables.N" },
        { """{"capabilities":["x"],"top_k":"five"}""", HttpStatusCode.BadRequest, "top_k" },
        { """[1,2]""", HttpStatusCode.BadRequest, "" },
        { """{"capabilities":["x"],"mode":"speedy"}""", HttpStatusCode.UnprocessableEntity, "mode" },
        { """{"capabilities":["x"],"weights":{"time":0.9,"cost":0.9}}""", HttpStatusCode.UnprocessableEntity, "weights" },
        { """{"capabilities":["x"],"top_k":51}""", HttpStatusCode.UnprocessableEntity, "top_k" },
        { """{"capabilities":["x"],"environment":"moon"}""", HttpStatusCode.UnprocessableEntity, "environment" },
        { """{"variables":{"N":1}}""", HttpStatusCode.UnprocessableEntity, "capabilities" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_request_is_a_problem_naming_the_field(string body, HttpStatusCode status, string path)
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await fixture.Host.Reader.PostAsync(Select, Json(body), ct);

        var problem = await AssertProblemAsync(response, status, ct);
        Assert.Contains(problem["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == path && e["message"] is JsonValue);
    }

    [Fact]
    public async Task An_alias_selects_what_the_canonical_name_selects_and_the_response_names_the_alias_applied()
    {
        var ct = TestContext.Current.CancellationToken;

        using var byAlias = await fixture.Host.Reader.PostAsync(Select, Json("""{"capabilities":["Logical-Backup"],"mode":"fast"}"""), ct);
        using var byName = await fixture.Host.Reader.PostAsync(Select, Json("""{"capabilities":["backup"],"mode":"fast"}"""), ct);

        var aliased = await ReadJsonAsync(byAlias, HttpStatusCode.OK, ct);
        var named = await ReadJsonAsync(byName, HttpStatusCode.OK, ct);
        var match = aliased["capabilities"]![0]!;
        Assert.Equal(("Logical-Backup", "backup", "Logical-Backup"), (S(match, "requested"), S(match, "capability"), S(match, "alias_applied")));
        Assert.Null(named["capabilities"]![0]!["alias_applied"]);
        Assert.True(match["candidate_patterns"]!.GetValue<int>() >= 9);
        Assert.Equal(named["candidates"]!.ToJsonString(), aliased["candidates"]!.ToJsonString());
    }

    [Fact]
    public async Task A_request_naming_no_known_capability_gets_close_names_not_a_404()
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await fixture.Host.Reader.PostAsync(Select, Json("""{"capabilities":["logical_bakup"]}"""), ct);

        var decision = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Empty(decision["candidates"]!.AsArray());
        // A misspelt alias suggests its canonical capability.
        Assert.Equal("backup", decision["hint"]!["suggestions"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_misspelt_alias_unlike_its_capabilitys_name_still_suggests_that_capability()
    {
        var ct = TestContext.Current.CancellationToken;

        // "throughput_test" is an alias of benchmarking; the two names share no trigram.
        using var response = await fixture.Host.Reader.PostAsync(Select, Json("""{"capabilities":["througput_tests"]}"""), ct);

        var decision = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Equal("benchmarking", decision["hint"]!["suggestions"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task The_OpenAPI_document_shows_a_request_and_a_response_example()
    {
        var ct = TestContext.Current.CancellationToken;

        using var response = await fixture.Host.Anonymous.GetAsync("/openapi/v1.json", ct);

        var operation = (await ReadJsonAsync(response, HttpStatusCode.OK, ct))["paths"]!["/api/v1/select"]!["post"]!;
        Assert.Equal("SelectTool", operation["operationId"]!.GetValue<string>());
        Assert.Equal("service_management", operation["requestBody"]!["content"]!["application/json"]!["example"]!["capabilities"]![0]!.GetValue<string>());
        Assert.NotNull(operation["responses"]!["200"]!["content"]!["application/json"]!["example"]!["candidates"]);
        Assert.NotNull(operation["responses"]!["422"]);
    }
}
