// The ceiling: the fastest this machine's Kestrel can answer with a body the size of a tool document. The catalog's
// cached GET /api/v1/tools/{name} is measured against it in the same run (loadtests/ceiling.sh).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var size = app.Configuration.GetValue("Bytes", 9000);
var body = System.Text.Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', Math.Max(0, size - 11)) + "\"}");
var etag = "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)) + "\"";

app.MapGet("/bytes", (HttpContext context) =>
{
    // Same headers as a catalog tool read, so the comparison is like for like.
    context.Response.Headers.ETag = etag;
    context.Response.Headers.CacheControl = "no-cache";
    context.Response.Headers["X-Catalog-Revision"] = "1";
    return TypedResults.Bytes(body, "application/json; charset=utf-8");
});

app.Run();
