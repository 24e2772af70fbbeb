using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using NpgsqlTypes;

namespace Spoke.OAuth.Stores;

/// <summary>
/// Installations in PostgreSQL: the <c>hubspot_installations</c> table of a schema (<c>spoke_oauth</c> by default;
/// both are created on first use), one row per (client id, portal id), saved with <c>INSERT ... ON CONFLICT</c>. The
/// refresh and access tokens are encrypted with Data Protection (see <see cref="HubSpotTokenStoreKeysException"/>);
/// the other fields are plain columns. Times are kept to the microsecond (PostgreSQL's precision). A save returns once
/// its transaction has committed (durable with the server's default <c>synchronous_commit = on</c>). Any number of
/// tasks and instances may share the table.
/// </summary>
public sealed class PostgresHubSpotTokenStore : IHubSpotTokenStore, IDisposable, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly InstallationProtector _protector;
    private readonly string _table;
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private volatile bool _initialized;

    /// <summary>A store on the database of <paramref name="connectionString"/>; the store owns its connections.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="dataProtectionProvider">The key ring that encrypts the tokens; every instance must share it.</param>
    /// <param name="schema">The schema of the table (letters, digits and underscores; created if missing).</param>
    public PostgresHubSpotTokenStore(string connectionString, IDataProtectionProvider dataProtectionProvider, string schema = "spoke_oauth")
        : this(CreateDataSource(connectionString), ownsDataSource: true, dataProtectionProvider, schema)
    {
    }

    /// <summary>A store on <paramref name="dataSource"/>, which stays the caller's (disposing the store leaves it open).</summary>
    /// <param name="dataSource">Where connections come from.</param>
    /// <param name="dataProtectionProvider">The key ring that encrypts the tokens; every instance must share it.</param>
    /// <param name="schema">The schema of the table (letters, digits and underscores; created if missing).</param>
    public PostgresHubSpotTokenStore(NpgsqlDataSource dataSource, IDataProtectionProvider dataProtectionProvider, string schema = "spoke_oauth")
        : this(dataSource, ownsDataSource: false, dataProtectionProvider, schema)
    {
    }

    private PostgresHubSpotTokenStore(NpgsqlDataSource dataSource, bool ownsDataSource, IDataProtectionProvider dataProtectionProvider, string schema)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        try
        {
            ArgumentNullException.ThrowIfNull(dataProtectionProvider);
            ArgumentException.ThrowIfNullOrWhiteSpace(schema);
            if (schema.Length > 63 || !schema.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new ArgumentException("The schema name may hold only letters, digits and underscores (63 at most).", nameof(schema));
            }

            _protector = new InstallationProtector(dataProtectionProvider);
        }
        catch when (ownsDataSource)
        {
            dataSource.Dispose();
            throw;
        }

        Schema = schema;
        _table = $"\"{schema}\".hubspot_installations";
    }

    /// <summary>The schema of the <c>hubspot_installations</c> table.</summary>
    public string Schema { get; }

    /// <inheritdoc/>
    public async ValueTask<HubSpotInstallation?> GetAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {InstallationRow.Columns} FROM {_table} WHERE client_id = @client_id AND portal_id = @portal_id";
        command.Parameters.AddWithValue("client_id", key.ClientId ?? "");
        command.Parameters.AddWithValue("portal_id", key.PortalId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public async ValueTask SaveAsync(HubSpotInstallation installation, CancellationToken cancellationToken = default)
    {
        var (refreshToken, accessToken) = InstallationRow.Protect(installation, _protector);

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = InstallationRow.Upsert(_table, '@');
        command.Parameters.AddWithValue("client_id", installation.ClientId);
        command.Parameters.AddWithValue("portal_id", installation.PortalId);
        command.Parameters.AddWithValue("refresh_token", refreshToken);
        command.Parameters.Add(new NpgsqlParameter<string?>("access_token", NpgsqlDbType.Text) { TypedValue = accessToken });
        command.Parameters.AddWithValue("access_token_expires_at", installation.AccessTokenExpiresAt.ToUniversalTime());
        command.Parameters.AddWithValue("scopes", installation.Scopes.ToArray());
        command.Parameters.Add(new NpgsqlParameter<string?>("hub_domain", NpgsqlDbType.Text) { TypedValue = installation.HubDomain });
        command.Parameters.Add(new NpgsqlParameter<string?>("user_email", NpgsqlDbType.Text) { TypedValue = installation.User });
        command.Parameters.Add(new NpgsqlParameter<long?>("user_id", NpgsqlDbType.Bigint) { TypedValue = installation.UserId });
        command.Parameters.AddWithValue("installed_at", installation.InstalledAt.ToUniversalTime());
        command.Parameters.AddWithValue("updated_at", installation.UpdatedAt.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(HubSpotInstallationKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_table} WHERE client_id = @client_id AND portal_id = @portal_id";
        command.Parameters.AddWithValue("client_id", key.ClientId ?? "");
        command.Parameters.AddWithValue("portal_id", key.PortalId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<HubSpotInstallation> ListAsync(string? clientId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // COLLATE "C": ordinal order, the same as the other stores whatever the database's locale.
        command.CommandText = clientId is null
            ? $"SELECT {InstallationRow.Columns} FROM {_table} ORDER BY client_id COLLATE \"C\", portal_id"
            : $"SELECT {InstallationRow.Columns} FROM {_table} WHERE client_id = @client_id ORDER BY portal_id";
        if (clientId is not null)
        {
            command.Parameters.AddWithValue("client_id", clientId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    /// <summary>Disposes the connection pool when the store made it from a connection string.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }

        _initialization.Dispose();
    }

    /// <summary>Disposes the connection pool when the store made it from a connection string.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _initialization.Dispose();
    }

    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return NpgsqlDataSource.Create(connectionString);
    }

    private HubSpotInstallation Read(NpgsqlDataReader reader) =>
        InstallationRow.Read(reader, _protector, (r, i) => r.GetFieldValue<DateTimeOffset>(i), (r, i) => r.GetFieldValue<string[]>(i));

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            // Concurrent CREATE ... IF NOT EXISTS can still collide in PostgreSQL's catalogs: instances starting together
            // take turns on an advisory lock.
            command.CommandText = $"""
                BEGIN;
                SELECT pg_advisory_xact_lock(hashtext('spoke.oauth.schema'));
                CREATE SCHEMA IF NOT EXISTS "{Schema}";
                CREATE TABLE IF NOT EXISTS {_table} (
                    client_id TEXT NOT NULL,
                    portal_id BIGINT NOT NULL,
                    refresh_token TEXT NOT NULL,
                    access_token TEXT,
                    access_token_expires_at TIMESTAMPTZ NOT NULL,
                    scopes TEXT[] NOT NULL,
                    hub_domain TEXT,
                    user_email TEXT,
                    user_id BIGINT,
                    installed_at TIMESTAMPTZ NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (client_id, portal_id));
                COMMIT;
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        finally
        {
            _initialization.Release();
        }
    }
}
