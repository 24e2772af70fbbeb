using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;

namespace Spoke.OAuth.Stores;

/// <summary>
/// Installations in one SQLite file (WAL), one row per (client id, portal id). The refresh and access tokens are
/// encrypted with Data Protection (see <see cref="HubSpotTokenStoreKeysException"/> when the keys are not the ones
/// that wrote them); the other fields are plain columns. <see cref="SaveAsync"/> commits with <c>synchronous=FULL</c>:
/// when it returns the row is on disk, through a power cut or <c>kill -9</c>. Safe for concurrent use from many tasks
/// (this instance queues its writes) and from several processes on the same file (they wait for each other's writes
/// through SQLite's busy timeout).
/// </summary>
public sealed class SqliteHubSpotTokenStore : IHubSpotTokenStore, IDisposable, IAsyncDisposable
{
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _connectionString;
    private readonly InstallationProtector _protector;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private volatile bool _initialized;

    /// <summary>A store in the file at <paramref name="path"/> (the file, its folder and its table are created on first use).</summary>
    /// <param name="path">The SQLite file.</param>
    /// <param name="dataProtectionProvider">The key ring that encrypts the tokens; it must be the same on every run and every instance.</param>
    public SqliteHubSpotTokenStore(string path, IDataProtectionProvider dataProtectionProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(dataProtectionProvider);
        Path = System.IO.Path.GetFullPath(path);
        _protector = new InstallationProtector(dataProtectionProvider);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy database for up to the command timeout, on top of busy_timeout.
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    /// <summary>The SQLite file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public async ValueTask<HubSpotInstallation?> GetAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {InstallationRow.Columns} FROM hubspot_installations WHERE client_id = $client_id AND portal_id = $portal_id";
        command.Parameters.AddWithValue("$client_id", key.ClientId ?? "");
        command.Parameters.AddWithValue("$portal_id", key.PortalId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public async ValueTask SaveAsync(HubSpotInstallation installation, CancellationToken cancellationToken = default)
    {
        var (refreshToken, accessToken) = InstallationRow.Protect(installation, _protector);

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = InstallationRow.Upsert("hubspot_installations", '$');
        command.Parameters.AddWithValue("$client_id", installation.ClientId);
        command.Parameters.AddWithValue("$portal_id", installation.PortalId);
        command.Parameters.AddWithValue("$refresh_token", refreshToken);
        command.Parameters.AddWithValue("$access_token", (object?)accessToken ?? DBNull.Value);
        command.Parameters.AddWithValue("$access_token_expires_at", FormatTime(installation.AccessTokenExpiresAt));
        command.Parameters.AddWithValue("$scopes", string.Join(' ', installation.Scopes));
        command.Parameters.AddWithValue("$hub_domain", (object?)installation.HubDomain ?? DBNull.Value);
        command.Parameters.AddWithValue("$user_email", (object?)installation.User ?? DBNull.Value);
        command.Parameters.AddWithValue("$user_id", (object?)installation.UserId ?? DBNull.Value);
        command.Parameters.AddWithValue("$installed_at", FormatTime(installation.InstalledAt));
        command.Parameters.AddWithValue("$updated_at", FormatTime(installation.UpdatedAt));

        // One writer per instance (SQLite has one anyway): the tasks of this process queue here instead of spinning in
        // the busy handler; other processes are waited for by busy_timeout. The statement commits on its own, with FULL.
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM hubspot_installations WHERE client_id = $client_id AND portal_id = $portal_id";
        command.Parameters.AddWithValue("$client_id", key.ClientId ?? "");
        command.Parameters.AddWithValue("$portal_id", key.PortalId);
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<HubSpotInstallation> ListAsync(string? clientId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = clientId is null
            ? $"SELECT {InstallationRow.Columns} FROM hubspot_installations ORDER BY client_id, portal_id"
            : $"SELECT {InstallationRow.Columns} FROM hubspot_installations WHERE client_id = $client_id ORDER BY client_id, portal_id";
        if (clientId is not null)
        {
            command.Parameters.AddWithValue("$client_id", clientId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    /// <summary>Closes this store's pooled connections to the file.</summary>
    public void Dispose()
    {
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        _writer.Dispose();
        _initialization.Dispose();
    }

    /// <summary>Closes this store's pooled connections to the file.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private HubSpotInstallation Read(DbDataReader reader) =>
        InstallationRow.Read(reader, _protector, (r, i) => ParseTime(r.GetString(i)), (r, i) => r.GetString(i).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    // UTC, round-trip format: exact to the tick, and in time order as text.
    private static string FormatTime(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string value) => DateTimeOffset.ParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            // Both are per connection (pooled connections keep them): wait for another process's write instead of failing
            // at once, and fsync the WAL on every commit so a save is on disk when it returns.
            command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = FULL;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initialization.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            CreateFile();
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS hubspot_installations (
                    client_id TEXT NOT NULL,
                    portal_id INTEGER NOT NULL,
                    refresh_token TEXT NOT NULL,
                    access_token TEXT,
                    access_token_expires_at TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    hub_domain TEXT,
                    user_email TEXT,
                    user_id INTEGER,
                    installed_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (client_id, portal_id)) WITHOUT ROWID;
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        finally
        {
            _initialization.Release();
        }
    }

    // The folder, and on Unix the file readable by its owner only (SQLite gives its -wal and -shm files the same mode).
    // The tokens are encrypted either way; the rest (portals, users' emails) is nobody else's business.
    private void CreateFile()
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        if (OperatingSystem.IsWindows() || File.Exists(Path))
        {
            return;
        }

        try
        {
            using var file = new FileStream(Path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(Path))
        {
            // Another process or store created it first.
        }
    }
}
