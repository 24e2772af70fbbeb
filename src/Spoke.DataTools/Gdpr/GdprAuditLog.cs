using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Spoke.DataTools.Gdpr;

/// <summary>What a GDPR delete did, to record in the audit log (the email is hashed there, never stored).</summary>
public sealed class GdprAuditRecord
{
    /// <summary>The subject's email, when known: only its salted hash is stored. Null when the request named an id and the contact had no email.</summary>
    public string? Email { get; init; }

    /// <summary>The HubSpot portal (hub) id.</summary>
    public required long PortalId { get; init; }

    /// <summary>The object type deleted (<c>contacts</c>).</summary>
    public string ObjectType { get; init; } = "contacts";

    /// <summary>The HubSpot record ids removed (the contact, and the records merged into it); empty when no contact had the email.</summary>
    public IReadOnlyList<string> RecordIds { get; init; } = [];

    /// <summary>What HubSpot did, in words (e.g. "GDPR-deleted contact 101; verified gone, archived included").</summary>
    public required string HubSpotOutcome { get; init; }

    /// <summary>Which mirror was purged (<c>sqlite:PATH</c>, <c>postgres:</c> with the password masked), or why none was.</summary>
    public required string Mirror { get; init; }

    /// <summary>Rows removed from the mirror per table.</summary>
    public IReadOnlyDictionary<string, long> MirrorRows { get; init; } = new Dictionary<string, long>();
}

/// <summary>One audit entry as stored: no personal data, only a salted hash of the email.</summary>
/// <param name="EntryId">The entry's number.</param>
/// <param name="PerformedAt">When the request was carried out.</param>
/// <param name="PortalId">The portal.</param>
/// <param name="ObjectType">The object type deleted.</param>
/// <param name="RecordIds">The HubSpot record ids removed.</param>
/// <param name="HasEmailHash">Whether the entry holds an email hash (<see cref="GdprAuditLog.MatchAsync"/> can prove it).</param>
/// <param name="HubSpotOutcome">What HubSpot did.</param>
/// <param name="Mirror">Which mirror was purged, or why none was.</param>
/// <param name="MirrorRows">Rows removed from the mirror per table.</param>
public sealed record GdprAuditEntry(long EntryId, DateTimeOffset PerformedAt, long PortalId, string ObjectType, IReadOnlyList<string> RecordIds,
    bool HasEmailHash, string HubSpotOutcome, string Mirror, IReadOnlyDictionary<string, long> MirrorRows);

/// <summary>
/// The GDPR audit log: a SQLite file (default <c>spoke-gdpr-audit.db</c>) proving each delete was carried out without
/// holding the person's data. Each entry stores a PBKDF2-SHA256 hash of the normalized email (trimmed, lower-cased)
/// with a random 16-byte salt of its own and its iteration count (<see cref="Iterations"/>), so the log cannot be
/// searched for an email by anyone without it, nor one entry's hash compared with another's; given the email,
/// <see cref="MatchAsync"/> recomputes each entry's hash and says which entries are about it.
/// </summary>
public sealed class GdprAuditLog
{
    /// <summary>PBKDF2 iterations for new entries (stored per entry, so raising it keeps old entries verifiable).</summary>
    public const int Iterations = 210_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    /// <param name="path">The audit file (created on first write).</param>
    /// <param name="timeProvider">For each entry's time; the system clock when null.</param>
    public GdprAuditLog(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        // No pooling: the file is closed between calls, so it can be copied or archived as soon as a command ends.
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The audit file's full path.</summary>
    public string Path { get; }

    /// <summary>Appends an entry (committed before this returns) and returns it as stored.</summary>
    public async Task<GdprAuditEntry> RecordAsync(GdprAuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        byte[]? salt = null;
        byte[]? hash = null;
        if (!string.IsNullOrWhiteSpace(record.Email))
        {
            salt = RandomNumberGenerator.GetBytes(SaltBytes);
            hash = Hash(record.Email, salt, Iterations);
        }

        var at = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO gdpr_audit (performed_at, portal_id, object_type, record_ids, email_salt, email_hash, iterations, hubspot_outcome, mirror, mirror_rows)
            VALUES (@at, @PortalId, @ObjectType, @ids, @salt, @hash, @iterations, @HubSpotOutcome, @Mirror, @rows);
            SELECT last_insert_rowid();
            """, new
        {
            at = at.ToString("O", CultureInfo.InvariantCulture), record.PortalId, record.ObjectType, ids = JsonSerializer.Serialize(record.RecordIds.ToArray(), GdprAuditJson.Default.StringArray),
            salt, hash, iterations = hash is null ? (int?)null : Iterations, record.HubSpotOutcome, record.Mirror,
            rows = JsonSerializer.Serialize(new Dictionary<string, long>(record.MirrorRows), GdprAuditJson.Default.DictionaryStringInt64),
        }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new GdprAuditEntry(id, at, record.PortalId, record.ObjectType, record.RecordIds, hash is not null, record.HubSpotOutcome, record.Mirror, record.MirrorRows);
    }

    /// <summary>Every entry, oldest first (none when the file does not exist).</summary>
    public async Task<IReadOnlyList<GdprAuditEntry>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(cancellationToken).ConfigureAwait(false)).Select(r => r.Entry)];

    /// <summary>The entries about <paramref name="email"/>: each entry's hash recomputed with its own salt and compared in constant time.</summary>
    public async Task<IReadOnlyList<GdprAuditEntry>> MatchAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var matches = new List<GdprAuditEntry>();
        foreach (var (entry, salt, hash, iterations) in await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (salt is not null && hash is not null && iterations is > 0 and var n
                && CryptographicOperations.FixedTimeEquals(Hash(email, salt, n), hash))
            {
                matches.Add(entry);
            }
        }

        return matches;
    }

    private static byte[] Hash(string email, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(GdprSubject.Normalize(email)), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private async Task<List<(GdprAuditEntry Entry, byte[]? Salt, byte[]? Hash, int? Iterations)>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition("""
            SELECT entry_id AS EntryId, performed_at AS PerformedAt, portal_id AS PortalId, object_type AS ObjectType, record_ids AS RecordIds,
                   email_salt AS EmailSalt, email_hash AS EmailHash, iterations AS Iterations, hubspot_outcome AS HubSpotOutcome, mirror AS Mirror, mirror_rows AS MirrorRows
            FROM gdpr_audit ORDER BY entry_id
            """, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => (new GdprAuditEntry(r.EntryId, DateTimeOffset.Parse(r.PerformedAt, CultureInfo.InvariantCulture), r.PortalId, r.ObjectType,
            JsonSerializer.Deserialize(r.RecordIds, GdprAuditJson.Default.StringArray) ?? [], r.EmailHash is not null, r.HubSpotOutcome, r.Mirror,
            JsonSerializer.Deserialize(r.MirrorRows, GdprAuditJson.Default.DictionaryStringInt64) ?? []), r.EmailSalt, r.EmailHash, (int?)r.Iterations))];
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("""
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS gdpr_audit (
                entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
                performed_at TEXT NOT NULL,
                portal_id INTEGER NOT NULL,
                object_type TEXT NOT NULL,
                record_ids TEXT NOT NULL,
                email_salt BLOB,
                email_hash BLOB,
                iterations INTEGER,
                hubspot_outcome TEXT NOT NULL,
                mirror TEXT NOT NULL,
                mirror_rows TEXT NOT NULL);
            """, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return connection;
    }

    private sealed class AuditRow
    {
        public long EntryId { get; set; }

        public string PerformedAt { get; set; } = "";

        public long PortalId { get; set; }

        public string ObjectType { get; set; } = "";

        public string RecordIds { get; set; } = "[]";

        public byte[]? EmailSalt { get; set; }

        public byte[]? EmailHash { get; set; }

        public long? Iterations { get; set; }

        public string HubSpotOutcome { get; set; } = "";

        public string Mirror { get; set; } = "";

        public string MirrorRows { get; set; } = "{}";
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class GdprAuditJson : System.Text.Json.Serialization.JsonSerializerContext;
