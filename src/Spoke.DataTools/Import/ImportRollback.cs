using System.Text.Json;
using Spoke.Associations;
using Spoke.Batching;
using Spoke.Crm;
using Spoke.DataTools.Journal;

namespace Spoke.DataTools.Import;

/// <summary>
/// Undoes a finished import from its journal: removes the associations it added, archives the records it created, and
/// restores the previous values of the properties it changed on the others (a previously empty value is cleared). A
/// property whose value is no longer the one the import wrote (someone changed it since) is left as it is and reported,
/// unless forced. Each step is journalled as it completes, so a rollback that stops resumes when run again, and a finished
/// one does nothing the second time.
/// </summary>
public sealed class ImportRollback
{
    private const int ChunkSize = 100;
    private readonly HubSpotClient _client;
    private readonly ImportJournal _journal;

    /// <summary>A rollback writing through <paramref name="client"/> from what <paramref name="journal"/> recorded.</summary>
    public ImportRollback(HubSpotClient client, ImportJournal journal)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(journal);
        _client = client;
        _journal = journal;
    }

    /// <summary>Rolls an import back (or finishes rolling it back).</summary>
    /// <param name="importId">The import's number in the journal.</param>
    /// <param name="force">Restore the previous values even of properties someone changed since the import.</param>
    /// <param name="cancellationToken">Stops the rollback (resumable).</param>
    /// <exception cref="ArgumentException">The journal has no such import.</exception>
    /// <exception cref="InvalidOperationException">The import is unfinished: resume it first.</exception>
    public async Task<RollbackResult> RunAsync(long importId, bool force = false, CancellationToken cancellationToken = default)
    {
        var import = await _journal.FindImportAsync(importId, cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException($"The journal {_journal.Path} has no import {importId}; `spoke import list` shows the imports it has.", nameof(importId));
        if (import.State != "completed")
        {
            throw new InvalidOperationException(
                $"Import {importId} is unfinished (rows were sent whose answer never arrived), so the journal cannot yet say what it did. Run the same `spoke import` command again to finish it, then roll it back.");
        }

        if (import.RollbackState == "done")
        {
            return new RollbackResult { ImportId = importId, AlreadyRolledBack = true };
        }

        await _journal.SetRollbackStateAsync(importId, "running", cancellationToken).ConfigureAwait(false);
        var removed = 0L;
        foreach (var group in (await _journal.AssociationsToRollBackAsync(importId, cancellationToken).ConfigureAwait(false)).GroupBy(a => a.ToType))
        {
            foreach (var chunk in group.Chunk(ChunkSize))
            {
                var result = await _client.Associations.BatchArchiveAsync(import.ObjectType, group.Key,
                    chunk.Select(a => new AssociationPair(a.FromId, a.ToId)), cancellationToken).ConfigureAwait(false);
                ThrowOnFailure(result);
                await _journal.MarkAssociationsRolledBackAsync(importId, chunk, cancellationToken).ConfigureAwait(false);
                removed += chunk.Length;
            }
        }

        var objects = _client.Crm.Objects(import.ObjectType);
        var rows = await _journal.RowsToRollBackAsync(importId, cancellationToken).ConfigureAwait(false);
        var archived = 0L;
        foreach (var chunk in rows.Where(r => r.Created == 1).Chunk(ChunkSize))
        {
            ThrowOnFailure(await objects.BatchArchiveAsync(chunk.Select(r => r.RecordId), cancellationToken).ConfigureAwait(false));
            await _journal.MarkRolledBackAsync(importId, [.. chunk.Select(r => r.Line)], [], cancellationToken).ConfigureAwait(false);
            archived += chunk.Length;
        }

        var restored = 0L;
        var conflicts = new List<RollbackConflict>();
        foreach (var chunk in rows.Where(r => r.Created == 0).Chunk(ChunkSize))
        {
            var changes = chunk.Select(r => (Row: r, Previous: Values(r.PreviousValues), Written: Values(r.WrittenValues))).ToList();
            var names = changes.SelectMany(c => c.Previous.Keys).Distinct(StringComparer.Ordinal).ToList();
            var current = new Dictionary<string, CrmObject>(StringComparer.Ordinal);
            if (names.Count > 0)
            {
                var read = await objects.BatchReadAsync(changes.Where(c => c.Previous.Count > 0).Select(c => c.Row.RecordId).Distinct(StringComparer.Ordinal),
                    new CrmReadOptions { Properties = names }, cancellationToken).ConfigureAwait(false);
                if (read.Failed.FirstOrDefault(f => f.ChunkFailed || f.Status is not 404) is { } failure)
                {
                    throw failure.ToException();
                }

                current = read.Values.ToDictionary(r => r.Id, StringComparer.Ordinal);
            }

            var updates = new List<(string Id, PropertyBag Properties)>();
            var chunkConflicts = new List<RollbackConflict>();
            foreach (var (row, previous, written) in changes)
            {
                var bag = new PropertyBag();
                foreach (var (name, was) in previous)
                {
                    var now = current.TryGetValue(row.RecordId, out var record) ? record.Properties.GetString(name) : null;
                    if (string.Equals(now, was, StringComparison.Ordinal) && record is not null)
                    {
                        continue; // already restored (a rollback resumed after this row's update)
                    }

                    if (record is null || !string.Equals(now, written.GetValueOrDefault(name), StringComparison.Ordinal) && !force)
                    {
                        chunkConflicts.Add(new RollbackConflict(row.Line, row.RecordId, name));
                        continue;
                    }

                    bag[name] = was ?? ""; // "" clears a value that was empty before the import
                }

                if (bag.Count > 0)
                {
                    updates.Add((row.RecordId, bag));
                }
            }

            if (updates.Count > 0)
            {
                var result = await objects.BatchUpdateAsync(updates, cancellationToken: cancellationToken).ConfigureAwait(false);
                ThrowOnFailure(result);
                restored += updates.Count;
            }

            await _journal.MarkRolledBackAsync(importId, [.. chunk.Select(r => r.Line)], chunkConflicts, cancellationToken).ConfigureAwait(false);
            conflicts.AddRange(chunkConflicts);
        }

        await _journal.SetRollbackStateAsync(importId, "done", cancellationToken).ConfigureAwait(false);
        var summary = await _journal.GetAsync(importId, cancellationToken).ConfigureAwait(false);
        return new RollbackResult
        {
            ImportId = importId,
            Archived = archived,
            Restored = restored,
            AssociationsRemoved = removed,
            Conflicts = summary?.RollbackConflicts ?? conflicts,
        };
    }

    private static Dictionary<string, string?> Values(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize(json, JournalJson.Default.DictionaryStringString) ?? [];

    private static void ThrowOnFailure<T>(BatchResult<T> result)
    {
        if (result.Failed.Count > 0 && result.Failed[0] is { } failure)
        {
            throw failure.ToException();
        }
    }
}

/// <summary>What a rollback did.</summary>
public sealed record RollbackResult
{
    /// <summary>The import rolled back.</summary>
    public required long ImportId { get; init; }

    /// <summary>True when it had been rolled back already (nothing was done).</summary>
    public bool AlreadyRolledBack { get; init; }

    /// <summary>Records the import created, archived now.</summary>
    public long Archived { get; init; }

    /// <summary>Records whose previous values were restored.</summary>
    public long Restored { get; init; }

    /// <summary>Associations the import added, removed now.</summary>
    public long AssociationsRemoved { get; init; }

    /// <summary>Properties left as they are because someone changed them after the import (all of this import's, over every run of the rollback).</summary>
    public IReadOnlyList<RollbackConflict> Conflicts { get; init; } = [];
}
