using Microsoft.Extensions.Options;

namespace ToolCatalog.Generator.Worker;

/// <summary>Configuration of the catalog worker (section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>The catalog folder: <c>&lt;platform&gt;/&lt;tool_name&gt;.yaml</c>.</summary>
    public string CatalogPath { get; set; } = "";

    /// <summary>API base URL; <c>http://api</c> is resolved by service discovery under Aspire.</summary>
    public string ApiUrl { get; set; } = "http://api";

    /// <summary>Key with the write role; defaults to the TOOLCATALOG_API_KEY variable.</summary>
    public string? ApiKey { get; set; }

    /// <summary>When on, deleting a tool's file soft-deletes the tool; off by default so a stray `rm` cannot empty the catalog.</summary>
    public bool DeleteMissing { get; set; }

    /// <summary>Quiet time after the last file event before syncing: editors save in several writes.</summary>
    public int DebounceMilliseconds { get; set; } = 500;

    /// <summary>Full rescan even without events: watchers drop events (overflow, network shares, some editors).</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First wait before retrying an unreachable API; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Reports every configuration mistake at start, with the key to fix.</summary>
public sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.CatalogPath))
        {
            failures.Add("Worker:CatalogPath is required (the catalog folder to import and watch)");
        }
        else if (!Directory.Exists(options.CatalogPath))
        {
            failures.Add($"Worker:CatalogPath '{options.CatalogPath}' is not an existing folder");
        }
        if (!Uri.TryCreate(options.ApiUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttp && api.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Worker:ApiUrl '{options.ApiUrl}' must be an absolute http(s) URL");
        }
        if (options.DebounceMilliseconds is < 0 or > 60_000)
        {
            failures.Add("Worker:DebounceMilliseconds must be between 0 and 60000");
        }
        if (options.RescanInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add("Worker:RescanInterval must be at least 00:00:01");
        }
        if (options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add("Worker:InitialBackoff must be positive and Worker:MaxBackoff at least as long");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
