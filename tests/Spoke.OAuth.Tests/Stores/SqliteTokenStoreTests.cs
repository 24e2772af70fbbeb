using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Spoke.OAuth.Stores;
using Spoke.OAuth.Tests.Infrastructure;

namespace Spoke.OAuth.Tests.Stores;

public sealed class SqliteTokenStoreTests : EncryptedTokenStoreTests
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("data/tokens.db");

    protected override IHubSpotTokenStore CreateStore(IDataProtectionProvider keyRing) => new SqliteHubSpotTokenStore(DatabasePath, keyRing);

    // A key ring persisted in its own folder, as an app would configure it; a second call is another folder, other keys.
    protected override IDataProtectionProvider CreateKeyRing() =>
        DataProtectionProvider.Create(new DirectoryInfo(_directory.File("keys-" + Guid.NewGuid().ToString("N"))));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    protected override async Task<byte[]> ReadRawAsync()
    {
        // The database and its WAL (and shared-memory index), byte for byte, while the store is still open.
        var bytes = new List<byte>();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            bytes.AddRange(memory.ToArray());
        }

        return [.. bytes];
    }

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql.Replace("{table}", "hubspot_installations", StringComparison.Ordinal);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_file_and_table_are_created_on_first_use_in_WAL_mode()
    {
        var store = Store;
        Assert.False(File.Exists(DatabasePath));

        Assert.Null(await store.GetAsync(new HubSpotInstallationKey("app-1", 1)));
        Assert.True(File.Exists(DatabasePath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
        }

        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_save_is_in_the_file_when_it_returns()
    {
        var installation = Installation();
        await Store.SaveAsync(installation);

        // Another connection, outside the store's pool, reads the committed row.
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false;Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT hub_domain, user_email, user_id FROM hubspot_installations WHERE client_id = 'app-1' AND portal_id = 1001";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(installation.HubDomain, reader.GetString(0));
        Assert.Equal(installation.User, reader.GetString(1));
        Assert.Equal(installation.UserId, reader.GetInt64(2));
    }

    [Fact]
    public async Task A_store_opened_again_with_the_same_persisted_keys_reads_what_the_last_run_wrote()
    {
        var keys = _directory.File("app-keys");
        var installation = Installation();
        using (var firstRun = new SqliteHubSpotTokenStore(DatabasePath, DataProtectionProvider.Create(new DirectoryInfo(keys))))
        {
            await firstRun.SaveAsync(installation);
        }

        using var secondRun = new SqliteHubSpotTokenStore(DatabasePath, DataProtectionProvider.Create(new DirectoryInfo(keys)));
        AssertSameInstallation(installation, await secondRun.GetAsync(installation.Key));
    }

    [Fact]
    public async Task A_writer_holding_the_file_is_waited_for_not_failed()
    {
        await Store.SaveAsync(Installation(version: 0));

        // Another "process" (a connection outside the store) holds the write lock for a moment.
        await using var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        await other.OpenAsync();
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        var replacement = Installation(version: 1);
        // Task.Run: Microsoft.Data.Sqlite runs commands synchronously, so the waiting save would block this thread.
        var save = Task.Run(async () => await Store.SaveAsync(replacement));
        await Task.Delay(500);
        Assert.False(save.IsCompleted);
        await using (var commit = other.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }

        await save;
        AssertSameInstallation(replacement, await Store.GetAsync(replacement.Key));
    }
}
