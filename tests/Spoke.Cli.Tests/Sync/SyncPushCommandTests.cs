using Dapper;
using Microsoft.Data.Sqlite;

namespace Spoke.Cli.Tests.Sync;

/// <summary>`spoke sync --push` and the local changes `spoke sync status` lists, as a user runs them (the embedded emulator).</summary>
public sealed class SyncPushCommandTests : IDisposable
{
    private static readonly TimeSpan Exit = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-sync-push-").FullName;

    private string File => Path.Combine(_directory, "mirror.db");

    private string Database => "sqlite:" + File;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Push_sends_local_edits_then_syncs_and_status_lists_the_rejected_one_with_its_reason()
    {
        await using (var sync = SpokeProcess.Start("sync", "--database", Database, "--seed-size", "10", "--objects", "contacts"))
        {
            Assert.Equal(0, await sync.WaitForExitAsync(Exit));
        }

        List<string> ids;
        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            ids = [.. await connection.QueryAsync<string>("SELECT id FROM obj_contacts ORDER BY id LIMIT 2")];
            await connection.ExecuteAsync("UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', 'Edited locally') WHERE id = @id", new { id = ids[0] });
            await connection.ExecuteAsync("UPDATE obj_contacts SET properties = json_set(properties, '$.lifecyclestage', 'not-a-stage') WHERE id = @id", new { id = ids[1] });
        }

        await using (var push = SpokeProcess.Start("sync", "--push", "--database", Database, "--seed-size", "10", "--objects", "contacts"))
        {
            Assert.Equal(1, await push.WaitForExitAsync(Exit)); // a rejected change is worth a scheduler's attention
            Assert.Contains("Pushed 1 local change to HubSpot; 1 rejected (reasons: spoke sync status).", push.Output);
            // The read-back pass's summary (the last table): the pushed record is an echo, not a remote change.
            var readBack = System.Text.RegularExpressions.Regex.Matches(push.Output, @"contacts\s*│\s*incremental\s*│\s*([\d,]+)\s*│\s*([\d,]+)\s*│")[^1];
            Assert.Equal("0", readBack.Groups[1].Value);
            Assert.NotEqual("0", readBack.Groups[2].Value);
        }

        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            // The run after the push read the record back from HubSpot: the edit is what HubSpot holds now.
            Assert.Equal("Edited locally", await connection.ExecuteScalarAsync<string>("SELECT json_extract(properties, '$.firstname') FROM obj_contacts WHERE id = @id", new { id = ids[0] }));
        }

        await using var status = SpokeProcess.Start("sync", "status", "--database", Database);
        Assert.Equal(0, await status.WaitForExitAsync(Exit));
        Assert.Contains("local changes: 0 pending, 1 pushed, 1 rejected", status.Output);
        Assert.Matches($@"rejected #\d+ update contacts {ids[1]} lifecyclestage \(captured [^)]+\) · HubSpot refused it \(400[^)]*\): .*not-a-stage", status.Output);
    }

    [Fact]
    public async Task Push_sends_an_edge_inserted_into_the_mirror_and_status_counts_it()
    {
        await using (var sync = SpokeProcess.Start("sync", "--database", Database, "--seed-size", "10", "--objects", "contacts,companies"))
        {
            Assert.Equal(0, await sync.WaitForExitAsync(Exit));
        }

        string contact, company;
        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            // A contact and a company the demo portal does not link yet.
            (contact, company) = await connection.QuerySingleAsync<(string, string)>("""
                SELECT c.id, k.id FROM obj_contacts c CROSS JOIN obj_companies k
                WHERE NOT EXISTS (SELECT 1 FROM sync_associations e WHERE e.from_id = c.id AND e.to_id = k.id) ORDER BY c.id, k.id LIMIT 1
                """);
            await connection.ExecuteAsync("""
                INSERT INTO sync_associations (portal_id, from_type, from_id, to_type, to_id, type_id, category)
                SELECT DISTINCT portal_id, 'contacts', @contact, 'companies', @company, 279, 'HUBSPOT_DEFINED' FROM obj_contacts
                """, new { contact, company });
        }

        await using (var push = SpokeProcess.Start("sync", "--push", "--database", Database, "--seed-size", "10", "--objects", "contacts,companies"))
        {
            Assert.Equal(0, await push.WaitForExitAsync(Exit));
            Assert.Contains("Pushed 1 local association change.", push.Output);
        }

        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            // The run after the push read the contact's edges back from HubSpot: ours is among them.
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM sync_associations WHERE from_type = 'contacts' AND from_id = @contact AND to_type = 'companies' AND to_id = @company AND type_id = 279",
                new { contact, company }));
        }

        await using var status = SpokeProcess.Start("sync", "status", "--database", Database);
        Assert.Equal(0, await status.WaitForExitAsync(Exit));
        Assert.Contains("local edge changes: 0 pending, 1 pushed, 0 rejected", status.Output);
    }

    [Fact]
    public async Task Watch_with_push_pushes_a_local_edit_as_it_is_made_and_its_webhook_echo_writes_nothing()
    {
        await using var watch = SpokeProcess.Start("sync", "--watch", "--push", "--database", Database, "--seed-size", "10", "--objects", "contacts");
        await watch.WaitForAsync("pass (backfill)", TimeSpan.FromSeconds(90));
        Assert.Contains("Pushing local changes as they are made", watch.Output);
        string id;
        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            id = await connection.ExecuteScalarAsync<string>("SELECT id FROM obj_contacts ORDER BY id LIMIT 1") ?? throw new InvalidOperationException("nothing mirrored");
            await connection.ExecuteAsync("UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', 'Edited while watching') WHERE id = @id", new { id });
        }

        var output = await watch.WaitForAsync("push: 1 local changes pushed, 0 rejected, 0 left pending", TimeSpan.FromSeconds(30));
        var pushedAt = output.IndexOf("push: 1 local changes pushed", StringComparison.Ordinal);
        // The echo: HubSpot's propertyChange event for our own write comes back and, equal to the mirror, writes nothing.
        await WaitForAfterAsync(watch, pushedAt, "events → 0 records written");
        watch.Signal("INT");
        Assert.Equal(0, await watch.WaitForExitAsync(Exit));
        Assert.Contains("Watch stopped", watch.Output);
        var after = watch.Output[pushedAt..];
        Assert.DoesNotMatch(@"events → [1-9][\d,]* records written", after); // no echo came back as a remote change
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(watch.Output, "push: [1-9]")); // and nothing was pushed again

        await using (var connection = new SqliteConnection($"Data Source={File}"))
        {
            Assert.Equal("Edited while watching", await connection.ExecuteScalarAsync<string>("SELECT json_extract(properties, '$.firstname') FROM obj_contacts WHERE id = @id", new { id }));
            Assert.Equal("pushed", await connection.ExecuteScalarAsync<string>("SELECT group_concat(state) FROM sync_outbox"));
        }
    }

    private static async Task WaitForAfterAsync(SpokeProcess process, int from, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (process.Output.IndexOf(text, from, StringComparison.Ordinal) < 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{text}' did not appear after the push; output so far:\n{process.Output}");
            }

            await Task.Delay(50);
        }
    }
}
