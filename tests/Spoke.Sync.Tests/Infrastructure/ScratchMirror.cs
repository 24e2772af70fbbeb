using Spoke.Sync.Store;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Infrastructure;

/// <summary>
/// A mirror database of one test's own, SQLite (a file in a temporary directory) or PostgreSQL (a scratch database),
/// so one abstract suite runs on both: <c>class SqliteXTests() : XTests(ScratchMirror.Sqlite("x"))</c>.
/// </summary>
public abstract class ScratchMirror
{
    private ScratchMirror()
    {
    }

    /// <summary>True for PostgreSQL (the tests' SQL differs: <c>jsonb_set</c> against <c>json_set</c>).</summary>
    public abstract bool IsPostgres { get; }

    /// <summary>A SQLite mirror in a temporary directory named after <paramref name="name"/>.</summary>
    public static ScratchMirror Sqlite(string name) => new SqliteMirror(name);

    /// <summary>A PostgreSQL mirror in a database of its own on <paramref name="server"/>, named from <paramref name="prefix"/>.</summary>
    public static ScratchMirror Postgres(PostgresServer server, string prefix) => new PostgresMirror(server, prefix);

    /// <summary>Creates the database (first call) and opens the store on it.</summary>
    public abstract Task<ISyncStore> OpenAsync();

    /// <summary>Removes the database.</summary>
    public abstract Task DropAsync();

    private sealed class SqliteMirror(string name) : ScratchMirror
    {
        private readonly TempInboxDirectory _directory = new(name);

        public override bool IsPostgres => false;

        public override async Task<ISyncStore> OpenAsync() => await SqliteSyncStore.OpenAsync(_directory.File("mirror.db"));

        public override Task DropAsync()
        {
            _directory.Dispose();
            return Task.CompletedTask;
        }
    }

    private sealed class PostgresMirror(PostgresServer server, string prefix) : ScratchMirror
    {
        private readonly ScratchPostgresDatabase _database = new(server, prefix);
        private bool _created;

        public override bool IsPostgres => true;

        public override async Task<ISyncStore> OpenAsync()
        {
            if (!_created)
            {
                await _database.CreateAsync();
                _created = true;
            }

            return await PostgresSyncStore.OpenAsync(_database.ConnectionString);
        }

        public override Task DropAsync() => _database.DropAsync();
    }
}
