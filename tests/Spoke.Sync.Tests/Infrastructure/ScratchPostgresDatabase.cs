using Npgsql;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Infrastructure;

/// <summary>
/// A database of one test's own on the PostgreSQL server scripts/test.sh starts (or SPOKE_TEST_POSTGRES): created when
/// the test starts, dropped at its end with any connection still open forced off.
/// </summary>
internal sealed class ScratchPostgresDatabase(PostgresServer server, string prefix)
{
    public string Name { get; } = prefix + "_" + Guid.NewGuid().ToString("N")[..16];

    public string ConnectionString => new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = Name }.ConnectionString;

    public Task CreateAsync() => ExecuteAsync($"CREATE DATABASE {Name}");

    public Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        return ExecuteAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
