using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Store;

/// <summary>The shared suite on PostgreSQL: each test gets a database of its own on the server scripts/test.sh starts (or SPOKE_TEST_POSTGRES).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSyncStoreTests(PostgresServer server) : SyncStoreBehaviourTests
{
    private readonly ScratchPostgresDatabase _database = new(server, "spoke_sync");

    protected override string Database => "postgres:" + _database.ConnectionString;

    public override Task InitializeAsync() => _database.CreateAsync();

    public override Task DisposeAsync() => _database.DropAsync();

    internal override async Task<SqlSyncStore> OpenWithMigrationsAsync(IReadOnlyList<Migration> migrations) =>
        await PostgresSyncStore.OpenAsync(_database.ConnectionString, new SyncStoreOptions { TimeProvider = Time }, migrations, CancellationToken.None);
}
