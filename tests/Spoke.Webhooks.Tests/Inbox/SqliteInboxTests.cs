using System.Data.Common;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Webhooks.Tests.Inbox;

public sealed class SqliteInboxTests : InboxBehaviourTests
{
    private readonly TempInboxDirectory _directory = new("tests");

    protected override string EffectsTable => "effects";

    protected override WebhookInboxStore OpenStore() => new SqliteWebhookInboxStore(_directory.File("inbox.db"));

    protected override async Task<DbConnection> OpenConnectionAsync(WebhookInboxStore store) => await ((SqliteWebhookInboxStore)store).OpenAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode_and_connections_sync_fully()
    {
        await using var store = (SqliteWebhookInboxStore)OpenStore();
        await store.InitializeAsync();
        await using var connection = await store.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)(await command.ExecuteScalarAsync())!);
        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, (long)(await command.ExecuteScalarAsync())!); // 2 = FULL
    }
}
