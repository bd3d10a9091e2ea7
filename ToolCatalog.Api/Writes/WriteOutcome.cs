namespace ToolCatalog.Api.Writes;

public enum WriteStatus
{
    Ok,
    Created,
    NotFound,
    Conflict,
    PreconditionFailed,
    PreconditionRequired,
}

/// <summary>The result of a write: what happened, the tool as now served, and the revision the change got.</summary>
public sealed record WriteOutcome(WriteStatus Status, string? Detail = null, string? Name = null, string? Version = null, string? ETag = null, long Revision = 0)
{
    public static WriteOutcome NotFound(string name) => new(WriteStatus.NotFound, $"Tool '{name}' does not exist.");
    public static WriteOutcome Conflict(string detail) => new(WriteStatus.Conflict, detail);

    public static WriteOutcome PreconditionFailed(string current) =>
        new(WriteStatus.PreconditionFailed, $"If-Match does not match the current ETag {current}: someone changed the tool since you read it.");
}
