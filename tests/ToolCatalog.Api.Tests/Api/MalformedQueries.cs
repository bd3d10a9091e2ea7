using System.Buffers.Text;
using System.Text;
using static ToolCatalog.Api.Tests.Api.ApiTestHost;
using static ToolCatalog.Api.Tests.Api.MalformedInputCases;

namespace ToolCatalog.Api.Tests.Api;

/// <summary>Bad small JSON bodies (estimate, status, rollback, enable) and the documents validate and import must report.</summary>
public static class MalformedSmallBodies
{
    private const string Estimate = $"{ToolsPath}/systemctl/capabilities/service_management/patterns/restart_service/estimate";

    public static IEnumerable<(string Name, BadRequest Request)> Generate()
    {
        foreach (var body in (string[])["{\"variables\":\"N\"}", "{\"variables\":[1]}", "{\"variables\":{\"N\":\"three\"}}", "{\"variables\":{\"N\":null}}",
            "{\"variables\":{\"N\":true}}", "{\"variables\":{\"N\":{}}}", "[]", "\"text\"", "42", "{",
            "{\"variables\":{\"N\":1}} trailing", "{\"variables\":{\"N\":1},}", "{'variables':{}}", new string('[', 1000) + new string(']', 1000)])
        {
            yield return ($"POST estimate: body {Short(body)}", new("POST", Estimate, JsonType, U(body), 400));
        }
        // Out of double's range: read as infinity, then refused with the expression and the reason.
        yield return ("POST estimate: N = 1e999", new("POST", Estimate, JsonType, U("{\"variables\":{\"N\":1e999}}"), 422));
        foreach (var (body, path) in new (string, string?)[] { ("{\"status\":5,\"reason\":\"x\"}", null), ("{\"status\":[\"active\"],\"reason\":\"x\"}", null),
            ("{\"status\":\"ACTIVE\",\"reason\":\"x\"}", "status"), ("{\"status\":\"retired\",\"reason\":\"x\"}", "status"),
            ("{\"status\":\"deprecated\",\"reason\":\"\"}", "reason"), ("{\"status\":\"deprecated\",\"reason\":\"   \"}", "reason"),
            ("{\"status\":\"deprecated\"}", "reason"), ("{\"reason\":\"no status\"}", "status"), ("{\"status\":null,\"reason\":\"x\"}", "status"),
            ("{\"status\":\"deprecated\",\"reason\":7}", null), ("[]", null), ("{", null), ("null", null), ("", null) })
        {
            yield return ($"PATCH status: body {Short(body)}", new("PATCH", $"{ToolsPath}/systemctl/status", JsonType, U(body), 400, path));
        }
        foreach (var (body, path) in new (string, string?)[] { ("{\"version\":1}", null), ("{\"version\":null}", "version"), ("{}", "version"),
            ("{\"version\":\"   \"}", "version"), ("{\"version\":[\"1.0.0\"]}", null), ("[]", null), ("{\"version\":\"1.0.0\"", null), ("", null),
            ("{\"version\":\"1.0.0\",\"reason\":false}", null) })
        {
            yield return ($"POST rollback: body {Short(body)}", new("POST", $"{ToolsPath}/systemctl/rollback", JsonType, U(body), 400, path));
        }
        foreach (var body in (string[])["{\"reason\":5}", "{", "[1]", "{\"reason\":{\"a\":1}}"])
        {
            yield return ($"PATCH disable: body {Short(body)}", new("PATCH", $"{ToolsPath}/systemctl/disable", JsonType, U(body), 400));
            yield return ($"PATCH enable: body {Short(body)}", new("PATCH", $"{ToolsPath}/systemctl/enable", JsonType, U(body), 400));
        }

        // validate and import answer with a report that marks what they cannot use; nothing may be stored.
        var json = SystemctlJson;
        var yaml = CatalogYaml("systemctl");
        foreach (var (what, type, body) in new (string, string, string)[]
        {
            ("truncated JSON", JsonType, json[..(json.Length / 2)]), ("truncated YAML", YamlType, yaml[..(yaml.Length / 3)]),
            ("a wrong type", JsonType, With(json, "enabled", "yes")), ("an unknown platform", JsonType, With(json, "platform", "amiga")),
            ("an empty body", YamlType, ""), ("two broken documents", YamlType, "a: [\n---\nb: {\n"), ("a JSON array of broken elements", JsonType, "[{\"tool_name\": 5}, {\"version\": \"x\"}]"),
            ("a NUL in a description", JsonType, With(json, "description", "Control the systemd\u0000 manager.")),
            ("a NUL in an unknown key", JsonType, json.Insert(1, "\"x\\u0000y\":1,")),
            ("an unterminated JSON array", JsonType, $"[{json}"), ("a JSON array of numbers", JsonType, "[1, 2, 3]"), ("deep nesting", JsonType, new string('[', 5000)),
        })
        {
            var renamed = body.Replace("\"systemctl\"", "\"fresh_tool\"", StringComparison.Ordinal).Replace("tool_name: systemctl", "tool_name: fresh_tool", StringComparison.Ordinal);
            yield return ($"POST /tools/validate: {what}", new("POST", $"{ToolsPath}/validate", type, U(renamed), ReportAllowed: true));
            yield return ($"POST /tools/import: {what}", new("POST", $"{ToolsPath}/import", type, U(renamed), ReportAllowed: true));
            yield return ($"POST /tools/import?dryRun=true: {what}", new("POST", $"{ToolsPath}/import?dryRun=true", type, U(renamed), ReportAllowed: true));
        }
        yield return ("POST /tools/import: a zip that is not a zip", new("POST", $"{ToolsPath}/import", "application/zip", U("PK not really"), 400));
        yield return ("POST /tools/import: an empty zip body", new("POST", $"{ToolsPath}/import", "application/zip", [], 400));
        yield return ("POST /tools/import: a truncated zip", new("POST", $"{ToolsPath}/import", "application/zip",
            Zip([("linux/x.yaml", yaml)])[..100], 400));
        yield return ("POST /tools/import: a zip of broken files", new("POST", $"{ToolsPath}/import", "application/zip",
            Zip([("linux/a.yaml", yaml[..200]), ("linux/b.yaml", "\u0000\u0001"), ("linux/c.yml", "[")]), ReportAllowed: true));
    }

    private static string Short(string body) => body.Length > 40 ? $"{body[..20]}...({body.Length} chars)" : body.Length == 0 ? "(empty)" : body;
}

/// <summary>Bad query strings and path values on the read routes (and a few write routes): each a 4xx problem.</summary>
public static class MalformedQueries
{
    public static IEnumerable<(string Name, BadRequest Request)> Generate()
    {
        static string Cursor(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

        foreach (var (query, path) in new (string, string)[]
        {
            ("limit=0", "limit"), ("limit=-5", "limit"), ("limit=501", "limit"), ("limit=99999999999", "limit"), ("limit=1e3", "limit"),
            ("limit=1.5", "limit"), ("limit=abc", "limit"), ("limit=", "limit"), ("limit=0x10", "limit"), ("limit=%E2%91%A0", "limit"),
            ("cursor=!!!", "cursor"), ("cursor=YWJj", "cursor"), ($"cursor={Cursor("c1:")}", "cursor"), ($"cursor={Cursor("c2:systemctl")}", "cursor"),
            ($"cursor={new string('A', 301)}", "cursor"), ("cursor=%00", "cursor"), ("cursor=", "cursor"),
            ("view=FULL", "view"), ("view=compact", "view"), ("platform=LINUX", "platform"), ("platform=amiga", "platform"),
            ("category=toys", "category"), ("status=retired", "status"), ("status=Active", "status"), ("enabled=1", "enabled"),
            ("enabled=yes", "enabled"), ($"q={new string('q', 201)}", "q"), ($"name={new string('n', 101)}", "name"),
            ("limit=0&view=x&platform=y", "limit"),
        })
        {
            yield return ($"GET /tools?{Short(query)}", new("GET", $"{ToolsPath}?{query}", null, null, 400, path));
        }
        foreach (var (url, path) in new (string, string?)[]
        {
            ($"{Base}/search", "q"), ($"{Base}/search?q=%20", "q"), ($"{Base}/search?q={new string('q', 201)}", "q"), ($"{Base}/search?q=dns&limit=0", "limit"),
            ($"{Base}/search?q=dns&limit=101", "limit"), ($"{Base}/search?q=dns&limit=-1", "limit"), ($"{Base}/search?q=dns&limit=abc", "limit"),
            ($"{Base}/patterns/search", "use_case"), ($"{Base}/patterns/search?use_case=x&limit=0", "limit"),
            ($"{Base}/patterns/search?use_case=x&limit=many", "limit"), ($"{Base}/audit?limit=0", "limit"), ($"{Base}/audit?limit=1001", "limit"),
            ($"{Base}/audit?limit=-1", "limit"), ($"{Base}/audit?limit=abc", "limit"), ($"{ToolsPath}/export?format=xml", "format"),
            ($"{ToolsPath}/export?format=", "format"), ($"{ToolsPath}/systemctl/export", "format"), ($"{ToolsPath}/systemctl/export?format=gemini", "format"),
            ($"{ToolsPath}/systemctl/diff", "from"), ($"{ToolsPath}/systemctl/diff?from=", "from"),
        })
        {
            yield return ($"GET {Short(url[Base.Length..])}", new("GET", url, null, null, 400, path));
        }

        // NUL and other characters no tool name, version or search text can hold: a 4xx, never a database error.
        // (A NUL in the path itself never reaches the API: the HTTP server refuses it.)
        foreach (var (url, path) in new (string, string)[] { ($"{ToolsPath}?q=%00", "q"), ($"{ToolsPath}?q=a%00b&limit=5", "q"),
            ($"{ToolsPath}?tag=%00", "tag"), ($"{Base}/search?q=a%00b", "q"), ($"{Base}/patterns/search?use_case=%00", "use_case"),
            ($"{Base}/audit?tool=%00", "tool"), ($"{ToolsPath}/systemctl/diff?from=%00", "from"), ($"{ToolsPath}/systemctl/diff?from=1.0.0&to=%00", "to"),
            ($"{ToolsPath}/systemctl/export?format=%00", "format"), ($"{ToolsPath}/export?format=json%00", "format") })
        {
            yield return ($"GET {Short(url[Base.Length..])}", new("GET", url, null, null, 400, path));
        }
        foreach (var url in (string[])[$"{ToolsPath}/%01", $"{ToolsPath}/%01/versions", $"{ToolsPath}/a%01b/versions/1.0.0", $"{ToolsPath}/systemctl/versions/%01",
            $"{ToolsPath}/{new string('x', 5000)}/versions", $"{ToolsPath}/%F0%9F%98%80/versions", $"{ToolsPath}/systemctl/capabilities/%01/patterns/%01",
            $"{Base}/capabilities/%01/tools", $"{ToolsPath}/systemctl/diff?from=%01", $"{ToolsPath}/%FF%FE/versions"])
        {
            yield return ($"GET {Short(url[Base.Length..])}", new("GET", url, null, null, 404));
        }
        var valid = U(SystemctlJson);
        foreach (var (method, url, body) in new (string, string, byte[]?)[]
        {
            ("PUT", $"{ToolsPath}/a%01b", valid), ("DELETE", $"{ToolsPath}/a%01b", null), ("PATCH", $"{ToolsPath}/a%01b/disable", null),
            ("PATCH", $"{ToolsPath}/a%01b/enable", null), ("POST", $"{ToolsPath}/a%01b/restore", null),
            ("POST", $"{ToolsPath}/a%01b/rollback", U("{\"version\":\"1.0.0\"}")), ("POST", $"{ToolsPath}?reason=%00", valid),
            ("PUT", $"{ToolsPath}/systemctl?reason=a%00", valid), ("POST", $"{ToolsPath}/systemctl/restore?reason=%00", null), ("POST", $"{ToolsPath}/systemctl/rollback", U("{\"version\":\"1.0%00\"}")),
            ("POST", $"{ToolsPath}/systemctl/rollback", U("{\"version\":\"1.0\\u0000\"}")), ("PATCH", $"{ToolsPath}/systemctl/status", U("{\"status\":\"deprecated\",\"reason\":\"a\\u0000b\"}")),
            ("DELETE", $"{ToolsPath}/systemctl?purge=maybe", null), ("DELETE", $"{ToolsPath}/systemctl?reason=a%00b", null),
            ("POST", $"{ToolsPath}/import?dryRun=maybe", U("[]")),
            ("POST", $"{ToolsPath}/systemctl/capabilities/service_management/patterns/restart_service/estimate", U("{\"variables\":{\"a\\u0000\":1}}")),
        })
        {
            var shown = body is null ? "" : " with " + Encoding.UTF8.GetString(body).Replace("\u0000", "\\0", StringComparison.Ordinal);
            yield return ($"{method} {Short(url[Base.Length..])}{(shown.Length > 60 ? " with a tool document" : shown)}", new(method, url, body is null ? null : JsonType, body));
        }
    }

    private static string Short(string text) => text.Length > 60 ? $"{text[..40]}...({text.Length} chars)" : text;
}
