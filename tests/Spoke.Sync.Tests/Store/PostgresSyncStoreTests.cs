using Npgsql;
using Spoke.Sync.Store;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Store;

/// <summary>The shared suite on PostgreSQL: each test gets a database of its own on the server scripts/test.sh starts (or SPOKE_TEST_POSTGRES).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSyncStoreTests(PostgresServer server) : SyncStoreBehaviourTests
{
    private readonly string _name = "spoke_sync_" + Guid.NewGuid().ToString("N")[..16];
    private string _connectionString = "";

    protected override string Database => "postgres:" + _connectionString;

    public override async Task InitializeAsync()
    {
        _connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = _name }.ConnectionString;
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", connection);
        await create.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    internal override async Task<SqlSyncStore> OpenWithMigrationsAsync(IReadOnlyList<Migration> migrations) =>
        await PostgresSyncStore.OpenAsync(_connectionString, new SyncStoreOptions { TimeProvider = Time }, migrations, CancellationToken.None);
}
