using System.Data.Common;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Webhooks.Tests.Inbox;

public sealed class SqliteInboxTests : InboxBehaviourTests
{
    private readonly TempInboxDirectory _directory = new("tests");

    protected override string EffectsTable => "effects";

    protected override WebhookInboxStore OpenStore() => new SqliteWebhookInboxStore(_directory.File("inbox.db"));

    protected override WebhookInboxStore OpenReaderStore() => new SqliteWebhookInboxStore(_directory.File("inbox.db"), exclusive: false);

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

    [Fact]
    public async Task A_second_owner_of_one_file_is_refused_until_the_first_lets_go()
    {
        var first = (SqliteWebhookInboxStore)OpenStore();
        await first.InitializeAsync();
        var refused = Assert.Throws<WebhookInboxInUseException>(OpenStore);
        Assert.Contains(first.Path, refused.Message, StringComparison.Ordinal);
        Assert.Contains("--inbox", refused.Message, StringComparison.Ordinal);

        // A tool beside the owner (replay, counts) may open it.
        await using (var tool = new SqliteWebhookInboxStore(first.Path, exclusive: false))
        {
            Assert.Equal(default, await tool.CountAsync());
        }

        await first.DisposeAsync();
        await using var next = (SqliteWebhookInboxStore)OpenStore();
        Assert.Equal(default, await next.CountAsync());
    }
}
