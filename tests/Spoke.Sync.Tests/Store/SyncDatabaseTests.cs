using Spoke.Sync.Store;

namespace Spoke.Sync.Tests.Store;

public sealed class SyncDatabaseTests
{
    [Theory]
    [InlineData("sqlite:./spoke.db")]
    [InlineData("SQLite: data/spoke.db ")]
    public void A_sqlite_string_names_a_full_path(string value)
    {
        var database = SyncDatabase.Parse(value);
        Assert.Equal(SyncDatabaseKind.Sqlite, database.Kind);
        Assert.True(Path.IsPathFullyQualified(database.Target));
        Assert.EndsWith("spoke.db", database.Target, StringComparison.Ordinal);
        Assert.Equal("sqlite:" + database.Target, database.ToString());
    }

    [Theory]
    [InlineData("postgres:Host=db.internal;Database=spoke;Username=sync;Password=hunter2")]
    [InlineData("postgresql:Host=db.internal;Database=spoke;Username=sync;Password=hunter2")]
    public void A_postgres_string_keeps_the_connection_string_and_prints_without_the_password(string value)
    {
        var database = SyncDatabase.Parse(value);
        Assert.Equal(SyncDatabaseKind.Postgres, database.Kind);
        Assert.Equal("Host=db.internal;Database=spoke;Username=sync;Password=hunter2", database.Target);
        Assert.DoesNotContain("hunter2", database.ToString(), StringComparison.Ordinal);
        Assert.Contains("Host=db.internal", database.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("spoke.db", "names no kind")]
    [InlineData("mysql:Server=x", "'mysql' is unknown")]
    [InlineData("sqlite:", "has no path")]
    [InlineData("sqlite://tmp/x.db", "is a URL")]
    [InlineData("postgres:", "has no connection string")]
    [InlineData("postgres://sync:hunter2@db/spoke", "URL")]
    [InlineData("postgres:Hots=db;Password=hunter2", "not valid")]
    [InlineData("postgres:Database=spoke;Password=hunter2", "names no Host")]
    public void Anything_else_is_a_clear_error_that_never_repeats_a_password(string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SyncDatabase.Parse(value));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains("sqlite:", StringComparison.Ordinal) || error.Message.Contains("postgres:", StringComparison.Ordinal), error.Message); // says what to write
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
