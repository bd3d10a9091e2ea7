namespace ToolCatalog.Generator.Cli;

/// <summary>The CLI's exit codes: scripts and CI branch on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int ValidationErrors = 1;
    public const int Usage = 2;
    public const int ApiUnreachable = 3;

    /// <summary>Ctrl+C: the shell convention (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
