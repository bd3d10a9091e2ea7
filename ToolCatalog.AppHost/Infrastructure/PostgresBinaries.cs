using System.Diagnostics;

namespace ToolCatalog.AppHost.Infrastructure;

/// <summary>Finds and drives the local PostgreSQL server binaries (initdb, postgres).</summary>
public sealed class PostgresBinaries
{
    public string BinDirectory { get; }
    public string Postgres => Path.Combine(BinDirectory, "postgres");
    public string InitDb => Path.Combine(BinDirectory, "initdb");

    /// <summary>PostgreSQL refuses to run as root; as root the server runs as the 'postgres' system user.</summary>
    public bool RunAsPostgresUser { get; } = Environment.UserName == "root";

    private PostgresBinaries(string binDirectory) => BinDirectory = binDirectory;

    public static PostgresBinaries Locate(string? configured)
    {
        foreach (var candidate in Candidates(configured))
        {
            if (File.Exists(Path.Combine(candidate, "postgres")) && File.Exists(Path.Combine(candidate, "initdb")))
            {
                return new PostgresBinaries(candidate);
            }
        }
        throw new InfraException(
            "PostgreSQL server binaries (postgres, initdb) were not found" +
            (configured is null ? "" : $" in Infra:PgBin='{configured}'") + ".\n" +
            "  Debian/Ubuntu: sudo apt-get install -y postgresql\n" +
            "  Fedora/RHEL:   sudo dnf install -y postgresql-server postgresql-contrib\n" +
            "  macOS:         brew install postgresql@16\n" +
            "or point Infra:PgBin at the folder holding them, or install Docker and use Infra:Mode=containers.");
    }

    private static IEnumerable<string> Candidates(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            yield return configured;
            yield break;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return dir;
        }
        // Debian and Ubuntu keep server binaries off PATH, one folder per major version: prefer the newest.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var dir in Directory.EnumerateDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
            {
                yield return Path.Combine(dir, "bin");
            }
        }
    }

    /// <summary>Creates the cluster and the catalog database once, in single-user mode (no port needed).</summary>
    public async Task InitializeClusterAsync(string dataDirectory, string databaseName, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }
        Directory.CreateDirectory(dataDirectory);
        if (RunAsPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", Path.GetDirectoryName(dataDirectory)!], null, asServerUser: false, cancellationToken);
        }
        await RunAsync(InitDb, ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
            null, RunAsPostgresUser, cancellationToken);
        await RunAsync(Postgres, ["--single", "-D", dataDirectory, "postgres"], $"CREATE DATABASE {databaseName};\n",
            RunAsPostgresUser, cancellationToken);
    }

    /// <summary>The command line that runs the server in the foreground, as the right user.</summary>
    public IReadOnlyList<string> ServerCommand(string dataDirectory, bool durable)
    {
        var args = new List<string>();
        if (RunAsPostgresUser)
        {
            args.AddRange(["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]);
        }
        args.AddRange([
            Postgres, "-D", dataDirectory,
            "-c", "listen_addresses=127.0.0.1",
            // TCP only: no socket folder to own or clean up.
            "-c", "unix_socket_directories=",
            // Two API replicas with default Npgsql pools, the worker and the tests fit with room to spare.
            "-c", "max_connections=300",
            "-c", "shared_preload_libraries=pg_stat_statements",
        ]);
        if (!durable)
        {
            // A per-run cluster is thrown away on stop: crash safety buys nothing there.
            args.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }
        return args;
    }

    private static async Task RunAsync(string exe, IReadOnlyList<string> args, string? stdin, bool asServerUser,
        CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo
        {
            FileName = asServerUser ? "setpriv" : exe,
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServerUser)
        {
            foreach (var a in (string[])["--reuid=postgres", "--regid=postgres", "--init-groups", "--", exe])
            {
                psi.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new InfraException($"Could not start {exe}.");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InfraException($"{Path.GetFileName(exe)} did not finish within 60 s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InfraException($"{Path.GetFileName(exe)} failed (exit {process.ExitCode}):\n{await stdout}{await stderr}");
        }
    }
}
