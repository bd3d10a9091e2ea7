// The ceiling and the floor: the fastest this machine's Kestrel can answer with a body the size of a tool document.
// The catalog's cached GET /api/v1/tools/{name} is measured against it in the same run (loadtests/ceiling.sh), and the
// load runner's open-model read suite against two of them (loadtests/perf-series.sh, suite floor): the latency shape a
// server that does nothing gets on this machine. Every path answers the same bytes; they begin with an "items" list
// holding one name, so the runner's setup (GET /api/v1/tools?limit=500) finds a tool to ask for.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var size = app.Configuration.GetValue("Bytes", 9000);
const string head = "{\"items\":[{\"name\":\"constant\"}],\"data\":\"";
var body = System.Text.Encoding.UTF8.GetBytes(head + new string('x', Math.Max(0, size - head.Length - 2)) + "\"}");
var etag = "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)) + "\"";

app.MapFallback((HttpContext context) =>
{
    // Same headers as a catalog tool read, so the comparison is like for like.
    context.Response.Headers.ETag = etag;
    context.Response.Headers.CacheControl = "no-cache";
    context.Response.Headers["X-Catalog-Revision"] = "1";
    return TypedResults.Bytes(body, "application/json; charset=utf-8");
});

app.Run();
