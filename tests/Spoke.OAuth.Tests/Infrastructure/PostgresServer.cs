using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Spoke.OAuth.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL the tests use: <c>SPOKE_TEST_POSTGRES</c> (a connection string; scripts/test.sh sets it), or else a
/// throwaway server this fixture starts itself from /usr/lib/postgresql/*/bin (initdb as the postgres user when run as
/// root), stopped when the tests end. No PostgreSQL at all is a failure, never a skip.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _dataDirectory;
    private string? _bin;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable("SPOKE_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(given))
        {
            ConnectionString = given;
            return;
        }

        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (_bin is null)
        {
            throw new InvalidOperationException("PostgreSQL tests need a server: set SPOKE_TEST_POSTGRES to a connection string, or install PostgreSQL (apt-get install -y postgresql); ./scripts/test.sh does both.");
        }

        _dataDirectory = Path.Combine(Path.GetTempPath(), "spoke-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dataDirectory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", "postgres", _dataDirectory);
        }

        var port = FreePort();
        await RunPgAsync(asRoot, "initdb", "-D", _dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync");
        await RunPgAsync(asRoot, "pg_ctl", "-D", _dataDirectory, "-l", Path.Combine(_dataDirectory, "server.log"), "-w", "-o",
            $"-p {port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true";
    }

    public async Task DisposeAsync()
    {
        if (_dataDirectory is null || _bin is null)
        {
            return;
        }

        try
        {
            await RunPgAsync(Environment.UserName == "root", "pg_ctl", "-D", _dataDirectory, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private Task RunPgAsync(bool asRoot, string tool, params string[] args) => asRoot
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin!, tool), .. args])
        : RunAsync(Path.Combine(_bin!, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
