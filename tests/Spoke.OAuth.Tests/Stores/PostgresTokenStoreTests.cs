using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using Spoke.OAuth.Stores;
using Spoke.OAuth.Tests.Infrastructure;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.OAuth.Tests.Stores;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTokenStoreTests(PostgresServer server) : EncryptedTokenStoreTests
{
    // Every test its own schema, dropped at the end.
    private readonly string _schema = "spoke_oauth_test_" + Guid.NewGuid().ToString("N");

    private string Table => $"\"{_schema}\".hubspot_installations";

    protected override IHubSpotTokenStore CreateStore(IDataProtectionProvider keyRing) =>
        new PostgresHubSpotTokenStore(server.ConnectionString, keyRing, _schema);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE";
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task<byte[]> ReadRawAsync()
    {
        // Every row as PostgreSQL prints it, every column raw.
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT t::text, refresh_token, coalesce(access_token, '') FROM {Table} t";
        var text = new StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            text.AppendLine(reader.GetString(0)).AppendLine(reader.GetString(1)).AppendLine(reader.GetString(2));
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql.Replace("{table}", Table, StringComparison.Ordinal);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_schema_and_table_are_created_on_first_use()
    {
        Assert.Null(await Store.GetAsync(new HubSpotInstallationKey("app-1", 1)));

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema = @schema AND table_name = 'hubspot_installations'";
        command.Parameters.AddWithValue("schema", _schema);
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Stores_starting_together_create_the_schema_once()
    {
        var keyRing = KeyRing;
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore(keyRing)).ToList();
        await Task.WhenAll(stores.Select((s, i) => Task.Run(async () => await s.SaveAsync(Installation(portalId: i + 1)))));

        Assert.Equal(8, (await ListAsync(Store)).Count);
    }

    [Fact]
    public async Task A_store_on_a_callers_data_source_leaves_it_open()
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        var installation = Installation();
        await using (var store = new PostgresHubSpotTokenStore(dataSource, KeyRing, _schema))
        {
            await store.SaveAsync(installation);
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        AssertSameInstallation(installation, await Store.GetAsync(installation.Key));
    }

    [Theory]
    [InlineData("bad-name")]
    [InlineData("x\"; DROP TABLE y; --")]
    [InlineData("")]
    public void A_schema_name_that_is_not_an_identifier_is_refused(string schema) =>
        Assert.ThrowsAny<ArgumentException>(() => new PostgresHubSpotTokenStore(server.ConnectionString, KeyRing, schema));
}
