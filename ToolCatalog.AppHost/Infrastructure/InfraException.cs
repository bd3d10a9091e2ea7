namespace ToolCatalog.AppHost.Infrastructure;

/// <summary>A start-up problem with a message meant for the person running the AppHost (or the test run).</summary>
public sealed class InfraException(string message) : Exception(message);
