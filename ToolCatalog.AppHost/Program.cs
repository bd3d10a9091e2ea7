using ToolCatalog.AppHost;
using ToolCatalog.AppHost.Infrastructure;

try
{
    return await CatalogAppHost.RunAsync(args);
}
catch (InfraException ex)
{
    // Start-up problems the person at the keyboard can fix: no stack trace, just what to do.
    Console.Error.WriteLine($"ToolCatalog AppHost cannot start: {ex.Message}");
    return 1;
}
