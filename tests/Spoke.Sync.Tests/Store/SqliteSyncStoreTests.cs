using Dapper;
using Spoke.Sync.Store;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Store;

public sealed class SqliteSyncStoreTests : SyncStoreBehaviourTests
{
    private readonly TempInboxDirectory _directory = new("sync-store");

    protected override string Database => "sqlite:" + _directory.File("mirror.db");

    public override Task InitializeAsync() => Task.CompletedTask;

    public override Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    internal override async Task<SqlSyncStore> OpenWithMigrationsAsync(IReadOnlyList<Migration> migrations) =>
        await SqliteSyncStore.OpenAsync(_directory.File("mirror.db"), new SyncStoreOptions { TimeProvider = Time }, migrations, CancellationToken.None);

    [Fact]
    public async Task The_file_is_in_WAL_mode_and_commits_sync_normally()
    {
        await using var store = (SqliteSyncStore)await OpenAsync();
        await using var connection = await store.OpenForQueriesAsync();
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous")); // 1 = NORMAL
    }
}
