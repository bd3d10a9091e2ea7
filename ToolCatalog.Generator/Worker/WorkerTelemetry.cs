using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ToolCatalog.Generator.Worker;

/// <summary>The worker's traces and metrics, named <c>ToolCatalog.Generator</c> (ServiceDefaults exports <c>ToolCatalog.*</c>).</summary>
public sealed class WorkerTelemetry
{
    public const string Name = "ToolCatalog.Generator";

    public static readonly ActivitySource ActivitySource = new(Name);

    public WorkerTelemetry(IMeterFactory meterFactory, SyncStatus status)
    {
        var meter = meterFactory.Create(Name);
        FilesSeen = meter.CreateCounter<long>("toolcatalog.generator.files_seen", "{file}", "New or changed catalog files found by the worker");
        FilesImported = meter.CreateCounter<long>("toolcatalog.generator.files_imported", "{file}", "Files the API accepted (added, new version or unchanged)");
        FilesInvalid = meter.CreateCounter<long>("toolcatalog.generator.files_invalid", "{file}", "Files the API reported invalid");
        ToolsDeleted = meter.CreateCounter<long>("toolcatalog.generator.tools_deleted", "{tool}", "Tools soft-deleted because their file was removed");
        meter.CreateObservableGauge("toolcatalog.generator.last_sync", () => status.Current.LastSyncAt is { } at
            ? [new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0)]
            : Array.Empty<Measurement<double>>(), "s", "Unix time of the last successful sync");
    }

    public Counter<long> FilesSeen { get; }
    public Counter<long> FilesImported { get; }
    public Counter<long> FilesInvalid { get; }
    public Counter<long> ToolsDeleted { get; }
}
