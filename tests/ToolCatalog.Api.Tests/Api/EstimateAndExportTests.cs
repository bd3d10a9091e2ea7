using System.Net;
using System.Text.Json.Nodes;
using ToolCatalog.Api.Tests.Infrastructure;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Testing.JsonFields;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>Three catalog tools and "divider" (estimates that divide by a variable); estimates and exports only read.</summary>
public sealed class EstimateHost(CatalogInfrastructure infra) : IAsyncLifetime
{
    public ApiTestHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Host = await StartAsync(infra, ct);
        await Host.SeedAsync(ct, "systemctl", "dig", "kubectl_logs");
        var divider = await Host.NextVersionAsync("systemctl", "1.0.0", ct, d =>
        {
            d["tool_name"] = "divider";
            var pattern = d["capabilities"]!["service_management"]!["patterns"]!["restart_service"]!;
            pattern["time_estimate_ms"] = "1000 / hosts";
            pattern["cost_estimate"] = "0.5 * pages";
        });
        using var created = await Host.Writer.PostAsync(ToolsPath, Json(divider), ct);
        await ReadJsonAsync(created, HttpStatusCode.Created, ct);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Pattern estimates with their policy verdict, and a tool's patterns exported as LLM function definitions.</summary>
public sealed class EstimateAndExportTests(EstimateHost fixture) : IClassFixture<EstimateHost>
{
    private const string Restart = $"{ToolsPath}/systemctl/capabilities/service_management/patterns/restart_service/estimate";

    [Fact]
    public async Task An_estimate_evaluates_time_and_cost_and_says_the_call_may_run_immediately()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        using var response = await host.Anonymous.PostAsync(Restart, Json("""{"variables":{"N":3}}"""), ct);

        var estimate = await ReadJsonAsync(response, HttpStatusCode.OK, ct);
        Assert.Equal(5000, estimate["timeEstimateMs"]!.GetValue<double>());
        Assert.Equal(0.03, estimate["costEstimate"]!.GetValue<double>(), 10);
        var policy = estimate["policy"]!;
        Assert.True(policy["immediate"]!.GetValue<bool>());
        Assert.False(policy["requiresBackground"]!.GetValue<bool>());
        Assert.True(policy["withinMaxCost"]!.GetValue<bool>());
        Assert.True(policy["requiresApproval"]!.GetValue<bool>());
        Assert.False(policy["productionSafe"]!.GetValue<bool>());
        Assert.Empty(policy["reasons"]!.AsArray());
        Assert.Equal(3, estimate["variables"]!["N"]!.GetValue<double>());
    }

    [Fact]
    public async Task Defaults_fill_in_missing_inputs_and_a_large_N_sends_the_call_to_the_background()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        using var defaulted = await host.Anonymous.PostAsync(Restart, Json("""{"variables":{}}"""), ct);
        using var large = await host.Anonymous.PostAsync(Restart, Json("""{"variables":{"N":20}}"""), ct);

        Assert.Equal(2000, (await ReadJsonAsync(defaulted, HttpStatusCode.OK, ct))["timeEstimateMs"]!.GetValue<double>());
        var estimate = await ReadJsonAsync(large, HttpStatusCode.OK, ct);
        Assert.Equal(30500, estimate["timeEstimateMs"]!.GetValue<double>());
        var policy = estimate["policy"]!;
        Assert.False(policy["immediate"]!.GetValue<bool>());
        Assert.True(policy["requiresBackground"]!.GetValue<bool>());
        var reasons = policy["reasons"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains(reasons, r => r.Contains("N > 10", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("max_N_immediate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_variables_may_come_as_YAML_or_not_at_all()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        using var yaml = await host.Anonymous.PostAsync(Restart, Yaml("variables:\n  N: 4\n"), ct);
        using var none = await host.Anonymous.PostAsync(Restart, null, ct);

        Assert.Equal(6500, (await ReadJsonAsync(yaml, HttpStatusCode.OK, ct))["timeEstimateMs"]!.GetValue<double>());
        Assert.Equal(2000, (await ReadJsonAsync(none, HttpStatusCode.OK, ct))["timeEstimateMs"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_variable_the_pattern_does_not_know_is_a_422_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        using var response = await host.Anonymous.PostAsync(Restart, Json("""{"variables":{"N":1,"bogus":2}}"""), ct);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, ct);
        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal("variables.bogus", S(error, "path"));
        Assert.Contains("bogus", S(error, "message"), StringComparison.Ordinal);
        Assert.Equal(S(error, "message"), S(error, "reason"));
    }

    [Fact]
    public async Task Division_by_zero_and_a_variable_without_a_value_are_422s_with_the_expression_and_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        var url = $"{ToolsPath}/divider/capabilities/service_management/patterns/restart_service/estimate";

        using var byZero = await host.Anonymous.PostAsync(url, Json("""{"variables":{"hosts":0,"pages":1}}"""), ct);
        using var missing = await host.Anonymous.PostAsync(url, Json("""{"variables":{"hosts":4}}"""), ct);
        using var fine = await host.Anonymous.PostAsync(url, Json("""{"variables":{"hosts":4,"pages":2}}"""), ct);

        var zero = Assert.Single((await AssertProblemAsync(byZero, HttpStatusCode.UnprocessableEntity, ct))["errors"]!.AsArray())!;
        Assert.Equal("time_estimate_ms", S(zero, "field"));
        Assert.Equal("1000 / hosts", S(zero, "expression"));
        // Field errors are { path, message } on every route; "reason", the key these errors had before, stays as an alias for one release.
        Assert.Equal("time_estimate_ms", S(zero, "path"));
        Assert.Contains("division by zero", S(zero, "message"), StringComparison.Ordinal);
        Assert.Equal(S(zero, "message"), S(zero, "reason"));
        var unknown = Assert.Single((await AssertProblemAsync(missing, HttpStatusCode.UnprocessableEntity, ct))["errors"]!.AsArray())!;
        Assert.Equal("cost_estimate", S(unknown, "field"));
        Assert.Equal("0.5 * pages", S(unknown, "expression"));
        Assert.Contains("pages", S(unknown, "message"), StringComparison.Ordinal);
        Assert.Equal(S(unknown, "message"), S(unknown, "reason"));
        var estimate = await ReadJsonAsync(fine, HttpStatusCode.OK, ct);
        Assert.Equal(250, estimate["timeEstimateMs"]!.GetValue<double>());
        Assert.Equal(1, estimate["costEstimate"]!.GetValue<double>());
    }

    [Fact]
    public async Task An_estimate_for_an_unknown_tool_or_pattern_is_a_404()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        foreach (var path in (string[])["nope/capabilities/service_management/patterns/restart_service", "systemctl/capabilities/x/patterns/restart_service",
            "systemctl/capabilities/service_management/patterns/x"])
        {
            using var response = await host.Anonymous.PostAsync($"{ToolsPath}/{path}/estimate", Json("""{"variables":{}}"""), ct);
            await AssertProblemAsync(response, HttpStatusCode.NotFound, ct);
        }
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("mcp")]
    public async Task Every_pattern_exports_as_a_function_whose_parameters_are_a_JSON_Schema_of_its_inputs(string format)
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        foreach (var tool in (string[])["systemctl", "dig", "kubectl_logs"])
        {
            var (document, _) = await host.GetToolAsync(tool, ct);
            var patterns = document["capabilities"]!.AsObject()
                .SelectMany(c => c.Value!["patterns"]!.AsObject().Select(p => p.Value!.AsObject())).ToList();
            using var response = await host.Anonymous.GetAsync($"{ToolsPath}/{tool}/export?format={format}", ct);
            var functions = (await ReadJsonAsync(response, HttpStatusCode.OK, ct)).AsArray();

            Assert.Equal(patterns.Count, functions.Count);
            for (var i = 0; i < functions.Count; i++)
            {
                var function = functions[i]!.AsObject();
                var (name, schema) = format switch
                {
                    "openai" => (S(function["function"]!, "name"), function["function"]!["parameters"]!.AsObject()),
                    "anthropic" => (S(function, "name"), function["input_schema"]!.AsObject()),
                    _ => (S(function, "name"), function["inputSchema"]!.AsObject()),
                };
                if (format == "openai")
                {
                    Assert.Equal("function", S(function, "type"));
                }
                Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", name);
                AssertInputSchema(schema, patterns[i]);
            }
            Assert.Equal(functions.Count, functions.Select(f => f!.ToJsonString()).Distinct().Count());
        }
    }

    [Fact]
    public async Task Export_needs_a_known_format()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        foreach (var query in (string[])["", "?format=", "?format=gemini", "?format=OPENAI"])
        {
            using var response = await host.Anonymous.GetAsync($"{ToolsPath}/systemctl/export{query}", ct);
            Assert.Contains("format", ErrorPaths(await AssertProblemAsync(response, HttpStatusCode.BadRequest, ct)));
        }
    }

    /// <summary>A JSON Schema object: type object, a property per input with a JSON Schema type, required = the required inputs.</summary>
    private static void AssertInputSchema(JsonObject schema, JsonObject pattern)
    {
        string[] types = ["string", "integer", "number", "boolean", "array", "object"];
        Assert.Equal("object", S(schema, "type"));
        var properties = schema["properties"]!.AsObject();
        var required = (pattern["required_inputs"] as JsonArray ?? []).Select(i => S(i!, "name")).ToList();
        var optional = (pattern["optional_inputs"] as JsonArray ?? []).Select(i => S(i!, "name")).ToList();
        Assert.Equal(required.Concat(optional).Order(StringComparer.Ordinal), properties.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(required, schema["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        foreach (var (name, property) in properties)
        {
            var type = S(property!, "type");
            Assert.Contains(type, types);
            if (type == "array")
            {
                Assert.IsType<JsonObject>(property!["items"]);
            }
            if (property!["pattern"] is { } regex)
            {
                _ = new System.Text.RegularExpressions.Regex(regex.GetValue<string>());
            }
            Assert.False(string.IsNullOrEmpty(name));
        }
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
    }
}
