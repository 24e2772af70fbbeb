using Npgsql;

namespace Spoke.Sync.Store;

/// <summary>The kind of database a mirror lives in.</summary>
public enum SyncDatabaseKind
{
    /// <summary>A SQLite file (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database.</summary>
    Postgres,
}

/// <summary>
/// Where a mirror lives, as given to <c>--database</c>: <c>sqlite:PATH</c> (e.g. <c>sqlite:./spoke.db</c>) or
/// <c>postgres:CONNECTION_STRING</c> (an Npgsql connection string, e.g.
/// <c>postgres:Host=localhost;Database=spoke;Username=spoke</c>; <c>postgresql:</c> is accepted too).
/// </summary>
public sealed class SyncDatabase
{
    private const string Examples = "use sqlite:PATH (e.g. sqlite:./spoke.db) or postgres:CONNECTION_STRING (e.g. postgres:Host=localhost;Database=spoke;Username=spoke)";

    private SyncDatabase(SyncDatabaseKind kind, string target)
    {
        Kind = kind;
        Target = target;
    }

    /// <summary>SQLite or PostgreSQL.</summary>
    public SyncDatabaseKind Kind { get; }

    /// <summary>The SQLite file's full path, or the PostgreSQL connection string (it may hold a password: never print it; use <see cref="ToString"/>).</summary>
    public string Target { get; }

    /// <summary>A SQLite file.</summary>
    public static SyncDatabase Sqlite(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new SyncDatabase(SyncDatabaseKind.Sqlite, Path.GetFullPath(path));
    }

    /// <summary>A PostgreSQL database (an Npgsql connection string).</summary>
    public static SyncDatabase Postgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new SyncDatabase(SyncDatabaseKind.Postgres, connectionString);
    }

    /// <summary>Parses a <c>--database</c> value.</summary>
    /// <exception cref="FormatException">The value is not <c>sqlite:PATH</c> or a valid <c>postgres:CONNECTION_STRING</c>; the message says what was wrong and what to write (it never repeats a connection string, which may hold a password).</exception>
    public static SyncDatabase Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new FormatException(text.Length == 0
                ? $"The database is empty: {Examples}."
                : $"The database '{text}' names no kind: {Examples}.");
        }

        var scheme = text[..colon].ToLowerInvariant();
        var rest = text[(colon + 1)..].Trim();
        switch (scheme)
        {
            case "sqlite":
                if (rest.Length == 0)
                {
                    throw new FormatException("The database 'sqlite:' has no path: write sqlite:PATH, e.g. sqlite:./spoke.db.");
                }

                if (rest.StartsWith("//", StringComparison.Ordinal))
                {
                    throw new FormatException($"The database 'sqlite:{rest}' is a URL: write sqlite:PATH with a plain file path, e.g. sqlite:./spoke.db or sqlite:/var/lib/spoke/spoke.db.");
                }

                try
                {
                    return Sqlite(rest);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
                {
                    throw new FormatException($"The database 'sqlite:{rest}' is not a usable file path ({e.Message}).", e);
                }

            case "postgres" or "postgresql":
                if (rest.Length == 0)
                {
                    throw new FormatException("The database 'postgres:' has no connection string: write postgres:CONNECTION_STRING, e.g. postgres:Host=localhost;Database=spoke;Username=spoke.");
                }

                if (rest.StartsWith("//", StringComparison.Ordinal))
                {
                    throw new FormatException("The PostgreSQL database is written as a URL (postgres://…); write an Npgsql connection string instead: postgres:Host=HOST;Port=5432;Database=DB;Username=USER;Password=…");
                }

                try
                {
                    var builder = new NpgsqlConnectionStringBuilder(rest);
                    if (string.IsNullOrWhiteSpace(builder.Host))
                    {
                        throw new FormatException("The PostgreSQL connection string names no Host: write postgres:Host=HOST;Database=DB;Username=USER.");
                    }
                }
                catch (ArgumentException e)
                {
                    // Npgsql's message names the bad keyword, never the value.
                    throw new FormatException($"The PostgreSQL connection string is not valid: {e.Message} Write postgres:Host=HOST;Database=DB;Username=USER (Npgsql keywords, separated by ';').", e);
                }

                return Postgres(rest);

            default:
                throw new FormatException($"The database kind '{text[..colon]}' is unknown: {Examples}.");
        }
    }

    /// <summary>Opens (creating and migrating as needed) the store this database holds.</summary>
    /// <exception cref="SyncStoreVersionException">The database was written by a newer Spoke.</exception>
    public async Task<ISyncStore> OpenAsync(SyncStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Kind == SyncDatabaseKind.Sqlite)
        {
            return await SqliteSyncStore.OpenAsync(Target, options, cancellationToken).ConfigureAwait(false);
        }

        return await PostgresSyncStore.OpenAsync(Target, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>sqlite:PATH</c>, or <c>postgres:</c> with the connection string's password masked.</summary>
    public override string ToString() => Kind == SyncDatabaseKind.Sqlite ? "sqlite:" + Target : "postgres:" + Redact(Target);

    internal static string Redact(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = "***";
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(an invalid connection string)";
        }
    }
}

/// <summary>The database's schema is newer than this version of Spoke.Sync knows: it was written by a newer Spoke.</summary>
public sealed class SyncStoreVersionException : InvalidOperationException
{
    /// <summary>Creates the exception with a message naming both versions and what to do.</summary>
    public SyncStoreVersionException(string database, int databaseVersion, int supportedVersion)
        : base($"The sync database {database} is at schema version {databaseVersion}, but this Spoke knows versions up to {supportedVersion}: it was written by a newer Spoke. Upgrade Spoke, or use another database.")
    {
        DatabaseVersion = databaseVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The database's schema version.</summary>
    public int DatabaseVersion { get; }

    /// <summary>The newest schema version this code knows.</summary>
    public int SupportedVersion { get; }
}
