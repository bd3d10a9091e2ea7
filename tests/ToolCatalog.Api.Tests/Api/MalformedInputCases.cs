using System.Text;
using System.Text.Json.Nodes;
using ToolCatalog.Catalog;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>
/// One bad request: who sends it, where, with what body, and — when the contract fixes it — the status and the path
/// of the error the problem must name. <see cref="ReportAllowed"/>: validate and import answer a document they cannot
/// use with a 200 report that marks it invalid.
/// </summary>
public sealed record BadRequest(string Method, string Url, string? ContentType, byte[]? Body, int? Status = null, string? Path = null,
    bool ReportAllowed = false, bool UnknownLength = false);

/// <summary>Generates the malformed bodies and queries; each has a stable name used as the theory's argument.</summary>
public static class MalformedInputCases
{
    public const string JsonType = "application/json";
    public const string YamlType = "application/yaml";
    private const string P = "capabilities.service_management.patterns.restart_service";
    private const string Post = "POST /tools";
    private const string Put = "PUT /tools/systemctl";
    private const string Estimate = $"{ToolsPath}/systemctl/capabilities/service_management/patterns/restart_service/estimate";

    private static readonly Lazy<Dictionary<string, BadRequest>> All = new(() => Generate().ToDictionary(c => c.Name, c => c.Request));

    public static TheoryData<string> RejectedNames => new(All.Value.Where(c => !c.Value.ReportAllowed).Select(c => c.Key));

    public static TheoryData<string> ReportedNames => new(All.Value.Where(c => c.Value.ReportAllowed).Select(c => c.Key));

    public static BadRequest Get(string name) => All.Value[name];

    /// <summary>The systemctl document as the API stores it (JSON).</summary>
    public static string SystemctlJson { get; } = CatalogDirectory.ParseFile(CatalogYaml("systemctl"), "linux/systemctl.yaml").Tool!.CanonicalJson;

    private static IEnumerable<(string Name, BadRequest Request)> Generate()
    {
        var yaml = CatalogYaml("systemctl");
        var json = SystemctlJson;
        var documentRoutes = new (string Label, string Method, string Url)[] { (Post, "POST", ToolsPath), (Put, "PUT", $"{ToolsPath}/systemctl") };

        // Truncated JSON is never a document: 400. Truncated YAML may still parse, but never as a valid tool: 4xx.
        foreach (var (label, method, url) in documentRoutes)
        {
            foreach (var cut in (int[])[1, 2, 10, json.Length / 10, json.Length / 4, json.Length / 2, json.Length * 3 / 4, json.Length * 9 / 10, json.Length - 1])
            {
                yield return ($"{label}: JSON truncated at {cut}", new(method, url, JsonType, U(json[..cut]), 400));
            }
            foreach (var cut in (int[])[3, yaml.Length / 10, yaml.Length / 3, yaml.Length / 2, yaml.Length * 7 / 10, yaml.Length * 9 / 10])
            {
                yield return ($"{label}: YAML truncated at {cut}", new(method, url, YamlType, U(yaml[..cut])));
            }
            foreach (var lines in (int[])[2, 8])
            {
                yield return ($"{label}: YAML cut after {lines} lines", new(method, url, YamlType, U(string.Join('\n', yaml.Split('\n').Take(lines))), 422));
            }
        }

        // Every kind of field with a value of the wrong type: 422 naming the field.
        foreach (var (path, kind) in Fields)
        {
            foreach (var (label, value) in WrongValues(kind))
            {
                yield return ($"{Post}: {path} as {label}", new("POST", ToolsPath, JsonType, U(With(json, path, value)), 422, path));
            }
        }
        foreach (var (path, kind) in Fields.Where((_, i) => i % 4 == 0))
        {
            var (label, value) = WrongValues(kind).First();
            yield return ($"{Put}: {path} as {label}", new("PUT", $"{ToolsPath}/systemctl", JsonType, U(With(json, path, value)), 422, path));
        }

        // Values outside each enum: 422 naming the field.
        foreach (var path in (string[])["platform", "category", "status", "defaults.accuracy_level", "defaults.freshness", "defaults.data_source",
            $"{P}.scope", $"{P}.completeness", $"{P}.required_inputs[0].type", "dependencies[0].type"])
        {
            yield return ($"{Post}: unknown enum value for {path}", new("POST", ToolsPath, JsonType, U(With(json, path, JsonValue.Create("no-such-value"))), 422, path));
        }
        foreach (var (path, value) in new (string, JsonNode)[] { ("platform", "Linux"), ("status", "ACTIVE"), ($"{P}.complexity_score", 1.5),
            ($"{P}.complexity_score", -0.1), ($"{P}.policy.max_cost", -1), ($"{P}.policy.max_execution_time", 0), ("version", "one"),
            ("tool_name", "9lives"), ("tool_name", "has space"), ("description", "short"), ("metadata.created", "2025-02-30"),
            ("metadata.documentation_url", "ftp://x"), ($"{P}.time_estimate_ms", "1000 +"), ($"{P}.cost_estimate", "undeclared * 2"),
            ($"{P}.required_inputs[0].validation", "([unclosed"), ($"{P}.time_estimate_ms", "system('rm')") })
        {
            yield return ($"{Post}: {path} = {value.ToJsonString()}", new("POST", ToolsPath, JsonType, U(With(json, path, value)), 422, path));
        }

        // Not a single tool map.
        foreach (var (label, method, url) in documentRoutes)
        {
            foreach (var (what, body, status) in new (string, string, int?)[] { ("a JSON array", "[]", null), ("a string", "\"tool\"", null),
                ("a number", "42", null), ("null", "null", 400), ("an empty object", "{}", 422), ("two YAML documents", "a: 1\n---\nb: 2\n", 400),
                ("a JSON array of tools", $"[{json}]", null), ("duplicate keys", "{\"tool_name\":\"a\",\"tool_name\":\"b\"}", 400) })
            {
                yield return ($"{label}: body is {what}", new(method, url, JsonType, U(body), status));
            }
            foreach (var (what, body) in YamlOddities())
            {
                yield return ($"{label}: YAML with {what}", new(method, url, YamlType, U(body)));
            }
            foreach (var (what, body) in DeepNesting(json))
            {
                yield return ($"{label}: {what}", new(method, url, JsonType, U(body), 400));
            }
            yield return ($"{label}: a NUL in a string", new(method, url, JsonType, U(With(json, "description", "Control the systemd\u0000 manager.")), 422, "description"));
            yield return ($"{label}: a NUL in a key", new(method, url, JsonType, U(json.Insert(1, "\"x\\u0000\":1,")), 422, "x\\0"));
            yield return ($"{label}: a NUL in a YAML value", new(method, url, YamlType, U(yaml.Replace("author: platform-team", "author: \"a\\0b\"", StringComparison.Ordinal)), 422, "metadata.author"));
            yield return ($"{label}: empty JSON body", new(method, url, JsonType, [], 400));
            yield return ($"{label}: empty YAML body", new(method, url, YamlType, [], 400));
            yield return ($"{label}: only whitespace", new(method, url, YamlType, U("  \n\n  "), 400));
        }

        // Over 1 MiB: 413, announced or streamed without a length.
        var huge = With(json, "description", new string('x', 1024 * 1024 + 10));
        foreach (var (label, method, url) in documentRoutes.Append(("POST /tools/validate", "POST", $"{ToolsPath}/validate")))
        {
            yield return ($"{label}: 1 MiB description", new(method, url, JsonType, U(huge), 413));
            yield return ($"{label}: 1 MiB description, no Content-Length", new(method, url, JsonType, U(huge), 413, UnknownLength: true));
            yield return ($"{label}: 3 MiB of YAML", new(method, url, YamlType, U(yaml + "\n#" + new string('y', 3 * 1024 * 1024)), 413));
        }
        yield return ("POST /tools/import: 65 MiB of YAML", new("POST", $"{ToolsPath}/import", YamlType, U(new string('#', 65 * 1024 * 1024)), 413));
        yield return ("POST /tools/import: 65 MiB zip", new("POST", $"{ToolsPath}/import", "application/zip", new byte[65 * 1024 * 1024], 413));
        foreach (var (label, url) in JsonBodyRoutes)
        {
            var padded = "{\"variables\":{},\"reason\":\"" + new string('r', 1024 * 1024 + 10) + "\"}";
            yield return ($"{label}: JSON body over 1 MiB", new(label.Split(' ')[0], url, JsonType, U(padded), 413));
        }

        // Bytes that are not UTF-8: 400 before any parsing.
        var targets = documentRoutes.Concat([("POST /tools/validate", "POST", $"{ToolsPath}/validate"), ("POST /tools/import", "POST", $"{ToolsPath}/import")]);
        foreach (var (label, method, url) in targets)
        {
            foreach (var (what, bytes) in InvalidUtf8(json))
            {
                yield return ($"{label}: {what}", new(method, url, JsonType, bytes, 400));
            }
        }
        foreach (var (label, url) in JsonBodyRoutes)
        {
            yield return ($"{label}: invalid UTF-8", new(label.Split(' ')[0], url, JsonType, [.. "{\"reason\":\""u8, 0xFF, 0xFE, .. "\"}"u8], 400));
        }

        // A Content-Type the route does not read: 415.
        foreach (var (label, method, url) in targets)
        {
            foreach (var type in (string?[])["text/plain", "application/xml", "application/octet-stream", "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded", null])
            {
                yield return ($"{label}: Content-Type {type ?? "missing"}", new(method, url, type, U(json), 415));
            }
        }
        foreach (var (label, url) in JsonBodyRoutes)
        {
            yield return ($"{label}: Content-Type text/plain", new(label.Split(' ')[0], url, "text/plain", U("{\"reason\":\"x\"}"), 415));
        }

        foreach (var item in MalformedSmallBodies.Generate())
        {
            yield return item;
        }
        foreach (var item in MalformedQueries.Generate())
        {
            yield return item;
        }
    }

    /// <summary>Routes whose small JSON body is bound to a type (estimate, status, rollback, enable, disable).</summary>
    public static readonly (string Label, string Url)[] JsonBodyRoutes =
    [
        ("POST estimate", Estimate),
        ("PATCH /tools/systemctl/status", $"{ToolsPath}/systemctl/status"),
        ("POST /tools/systemctl/rollback", $"{ToolsPath}/systemctl/rollback"),
        ("PATCH /tools/systemctl/disable", $"{ToolsPath}/systemctl/disable"),
    ];

    /// <summary>A field of each kind the format has, by its path in the systemctl document.</summary>
    private static readonly (string Path, string Kind)[] Fields =
    [
        ("tool_name", "string"), ("version", "string"), ("description", "string"), ("platform", "string"), ("category", "string"),
        ("status", "string"), ("enabled", "bool"), ("execution_location", "string"), ("defaults", "map"), ("defaults.accuracy_level", "string"),
        ("defaults.freshness", "string"), ("defaults.data_source", "string"), ("capabilities", "map"), ("capabilities.service_management", "map"),
        ("capabilities.service_management.description", "string"), ("capabilities.service_management.patterns", "map"), (P, "map"),
        ($"{P}.description", "string"), ($"{P}.typical_use_cases", "list"), ($"{P}.typical_use_cases[0]", "string"),
        ($"{P}.time_estimate_ms", "expression"), ($"{P}.cost_estimate", "expression"), ($"{P}.complexity_score", "number"),
        ($"{P}.scope", "string"), ($"{P}.completeness", "string"), ($"{P}.limitations", "list"), ($"{P}.limitations[0]", "string"),
        ($"{P}.policy", "map"), ($"{P}.policy.max_cost", "number"), ($"{P}.policy.requires_approval", "bool"), ($"{P}.policy.production_safe", "bool"),
        ($"{P}.policy.max_execution_time", "number"), ($"{P}.policy.max_N_immediate", "number"), ($"{P}.policy.requires_background_if", "expression"),
        ($"{P}.preference_match", "map"), ($"{P}.preference_match.speed", "number"), ($"{P}.required_inputs", "list"), ($"{P}.required_inputs[0]", "map"),
        ($"{P}.required_inputs[0].name", "string"), ($"{P}.required_inputs[0].type", "string"), ($"{P}.required_inputs[0].description", "string"),
        ($"{P}.required_inputs[0].validation", "string"), ($"{P}.optional_inputs", "list"), ($"{P}.output_schema", "map"), ($"{P}.examples", "list"),
        ("dependencies", "list"), ("dependencies[0]", "map"), ("dependencies[0].name", "string"), ("dependencies[0].type", "string"),
        ("dependencies[0].required", "bool"), ("metadata", "map"), ("metadata.author", "string"), ("metadata.created", "string"),
        ("metadata.tags", "list"), ("metadata.tags[0]", "string"), ("metadata.documentation_url", "string"), ("examples", "list"),
        ("examples[0]", "map"), ("examples[0].name", "string"),
    ];

    private static IEnumerable<(string Label, JsonNode Value)> WrongValues(string kind) => kind switch
    {
        "string" => [("a number", 42), ("a list", new JsonArray("x")), ("a map", new JsonObject { ["a"] = 1 })],
        "bool" => [("text", "yes"), ("a number", 1), ("a list", new JsonArray())],
        "number" => [("text", "fast"), ("a bool", true), ("a map", new JsonObject())],
        "expression" => [("a bool", true), ("a list", new JsonArray(1)), ("a map", new JsonObject { ["n"] = 1 })],
        "map" => [("text", "x"), ("a list", new JsonArray(1, 2)), ("a number", 7)],
        _ => [("text", "x"), ("a map", new JsonObject { ["a"] = "b" }), ("a number", 3)],
    };

    private static IEnumerable<(string, string)> YamlOddities() =>
    [
        ("an alias bomb", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            + "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            + "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"),
        ("an undefined alias", "tool_name: *nothing\n"),
        ("tab indentation", "tool_name: x\ndefaults:\n\taccuracy_level: cached\n"),
        ("an unclosed quote", "tool_name: \"systemctl\nversion: 1\n"),
        ("an unclosed flow sequence", "tool_name: [a, b\n"),
        ("a language-specific tag", "tool_name: !!python/object/apply:os.system ['ls']\n"),
        ("a map as a key", "? {a: 1}\n: value\n"),
        ("control characters", "tool_name: \u0001\u0002\u0003\n"),
    ];

    private static IEnumerable<(string, string)> DeepNesting(string json) =>
    [
        ("10000 nested arrays", new string('[', 10_000) + new string(']', 10_000)),
        ("5000 nested objects", string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000)),
        ("a field nested 200 deep", json.Replace("\"author\":\"platform-team\"", "\"author\":" + new string('[', 200) + new string(']', 200), StringComparison.Ordinal)),
        ("unbalanced nesting", new string('[', 100) + new string('}', 100)),
    ];

    private static IEnumerable<(string, byte[])> InvalidUtf8(string json)
    {
        var document = Encoding.UTF8.GetBytes(json);
        var at = json.IndexOf("Control", StringComparison.Ordinal);
        byte[] Splice(params byte[] bad) => [.. document.AsSpan(0, at), .. bad, .. document.AsSpan(at)];
        return
        [
            ("a lone 0xFF byte", Splice(0xFF)),
            ("a lone continuation byte", Splice(0x80)),
            ("an overlong encoding of '/'", Splice(0xC0, 0xAF)),
            ("an encoded UTF-16 surrogate", Splice(0xED, 0xA0, 0x80)),
            ("a code point above U+10FFFF", Splice(0xF4, 0x90, 0x80, 0x80)),
            ("a multi-byte sequence cut at the end", [.. document, 0xE2, 0x82]),
        ];
    }

    /// <summary>The JSON text with the value at a dotted path (with [i] indexes) replaced.</summary>
    public static string With(string json, string path, JsonNode value)
    {
        var root = JsonNode.Parse(json)!;
        var parts = path.Replace("[", ".[", StringComparison.Ordinal).Split('.');
        var node = root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            node = Step(node, parts[i]);
        }
        var last = parts[^1];
        if (last.StartsWith('['))
        {
            node.AsArray()[int.Parse(last[1..^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            Assert.True(node.AsObject().ContainsKey(last) || value is JsonValue, $"{path} is not in the document");
            node[last] = value;
        }
        return root.ToJsonString();
    }

    private static JsonNode Step(JsonNode node, string part) => part.StartsWith('[')
        ? node.AsArray()[int.Parse(part[1..^1], System.Globalization.CultureInfo.InvariantCulture)]!
        : node[part] ?? throw new InvalidOperationException($"no {part}");

    public static byte[] U(string text) => Encoding.UTF8.GetBytes(text);
}
