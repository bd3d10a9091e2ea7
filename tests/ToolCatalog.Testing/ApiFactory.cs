using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ToolCatalog.Testing;

/// <summary>
/// One API instance (the real Program, in-process) wired to a test's own database and the run's Redis.
/// Several instances against the same database and Redis behave as replicas.
/// </summary>
public sealed class ApiFactory(string databaseConnectionString, string redisConnectionString, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting, not ConfigureAppConfiguration: with minimal hosting only these are visible while
        // Program registers services (the Aspire client integrations read their connection strings then).
        builder.UseSetting("ConnectionStrings:catalogdb", databaseConnectionString);
        builder.UseSetting("ConnectionStrings:cache", redisConnectionString);
        // Tests never export telemetry: no collector is listening.
        builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "");
        // Embedding costs CPU seconds per tool: only the search tests that are about it switch it on.
        builder.UseSetting("Search:Embeddings:Enabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
