using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spoke.OAuth.Stores;
using Spoke.OAuth.Tests.Infrastructure;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.OAuth.Tests;

public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task AddSqliteHubSpotTokenStore_replaces_the_registered_store_and_adds_Data_Protection()
    {
        using var directory = new TempDirectory();
        var services = new ServiceCollection();
        services.AddSingleton<IHubSpotTokenStore, InMemoryHubSpotTokenStore>();

        services.AddSqliteHubSpotTokenStore(directory.File("tokens.db"));

        Assert.Single(services, d => d.ServiceType == typeof(IHubSpotTokenStore));
        Assert.Contains(services, d => d.ServiceType == typeof(IDataProtectionProvider));
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IHubSpotTokenStore>();
        var sqlite = Assert.IsType<SqliteHubSpotTokenStore>(store);
        Assert.Same(sqlite, provider.GetRequiredService<SqliteHubSpotTokenStore>());
        Assert.Equal(directory.File("tokens.db"), sqlite.Path);

        var installation = new HubSpotInstallation { ClientId = "app", PortalId = 1, RefreshToken = "na1-r" };
        await store.SaveAsync(installation);
        Assert.Equal("na1-r", (await store.GetAsync(installation.Key))!.RefreshToken);
    }

    [Fact]
    public async Task The_apps_own_Data_Protection_configuration_is_kept()
    {
        using var directory = new TempDirectory();
        var keys = new DirectoryInfo(directory.File("keys"));
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("spoke-tests").PersistKeysToFileSystem(keys);
        var registered = services.Count(d => d.ServiceType == typeof(IDataProtectionProvider));

        services.AddSqliteHubSpotTokenStore(directory.File("tokens.db"));

        Assert.Equal(registered, services.Count(d => d.ServiceType == typeof(IDataProtectionProvider)));
        await using (var provider = services.BuildServiceProvider())
        {
            await provider.GetRequiredService<IHubSpotTokenStore>().SaveAsync(new HubSpotInstallation { ClientId = "app", PortalId = 1, RefreshToken = "na1-r" });
        }

        Assert.NotEmpty(keys.GetFiles("key-*.xml"));
    }

    [Fact]
    public void AddPostgresHubSpotTokenStore_replaces_the_registered_store()
    {
        var services = new ServiceCollection();
        services.AddSqliteHubSpotTokenStore(Path.Combine(Path.GetTempPath(), "never-opened.db"));

        services.AddPostgresHubSpotTokenStore("Host=127.0.0.1;Username=nobody", "my_schema");

        Assert.Single(services, d => d.ServiceType == typeof(IHubSpotTokenStore));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(SqliteHubSpotTokenStore));
        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<PostgresHubSpotTokenStore>(provider.GetRequiredService<IHubSpotTokenStore>());
        Assert.Equal("my_schema", store.Schema);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresServiceCollectionTests(PostgresServer server)
{
    [Fact]
    public async Task AddPostgresHubSpotTokenStore_stores_in_the_given_schema()
    {
        var schema = "spoke_oauth_test_" + Guid.NewGuid().ToString("N");
        var services = new ServiceCollection();
        services.AddPostgresHubSpotTokenStore(server.ConnectionString, schema);
        try
        {
            await using var provider = services.BuildServiceProvider();
            var store = provider.GetRequiredService<IHubSpotTokenStore>();
            await store.SaveAsync(new HubSpotInstallation { ClientId = "app", PortalId = 1, RefreshToken = "na1-r" });
            Assert.Equal("na1-r", (await store.GetAsync(new HubSpotInstallationKey("app", 1)))!.RefreshToken);
        }
        finally
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE";
            await command.ExecuteNonQueryAsync();
        }
    }
}
