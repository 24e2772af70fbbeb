using System.Globalization;
using System.Threading.Channels;
using Spoke.Batching;
using Spoke.Crm;
using Spoke.DataTools.Journal;
using Spoke.Errors;
using Spoke.Properties;

namespace Spoke.DataTools.Import;

/// <summary>
/// Writes an <see cref="ImportPlan"/>'s valid rows to HubSpot with batch upsert, 100 rows a batch, several batches in
/// flight inside the client's rate-limit gate, journalling each batch before it is sent and its outcome after. Rejected
/// rows go to the rejects file with every reason. Running the same plan again (same object, same file by SHA-256, same
/// upsert property) resumes the unfinished import: rows written are skipped, rows sent without an answer are sent again.
/// </summary>
public sealed class Importer
{
    /// <summary>
    /// The hidden unique property an import without an upsert key writes each record by (value <c>IMPORT:LINE</c>), so that a
    /// batch sent again after a lost answer updates the records the first send created instead of creating them twice.
    /// </summary>
    public const string ImportKeyProperty = "spoke_import_key";

    internal const int BatchSize = 100;

    private readonly HubSpotClient _client;
    private readonly ImportJournal _journal;
    private readonly ImportOptions _options;

    /// <summary>An importer writing through <paramref name="client"/> and journalling in <paramref name="journal"/>.</summary>
    public Importer(HubSpotClient client, ImportJournal journal, ImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(journal);
        _client = client;
        _journal = journal;
        _options = options ?? new ImportOptions();
        if (_options.MaxBatchesInFlight < 1)
        {
            throw new ArgumentException("MaxBatchesInFlight must be at least 1.", nameof(options));
        }
    }

    /// <summary>
    /// Writes the plan (or resumes its unfinished import). Cancelling stops after the batches in flight are journalled as sent;
    /// the next run resumes. A failure HubSpot did not tie to one row (5xx after retries, a broken connection) ends the run
    /// with its exception, resumable the same way; a row HubSpot refuses is rejected.
    /// </summary>
    /// <param name="plan">What to write.</param>
    /// <param name="progress">Receives figures after each batch.</param>
    /// <param name="cancellationToken">Stops the run (resumable).</param>
    public async Task<ImportResult> RunAsync(ImportPlan plan, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        var session = await _journal.FindUnfinishedAsync(plan.ObjectType, plan.FileSha256, plan.UpsertBy, cancellationToken).ConfigureAwait(false);
        var resumed = session is not null;
        session ??= await _journal.StartAsync(plan.ObjectType, plan.FilePath, plan.FileSha256, plan.UpsertBy, plan.UpsertBy ?? ImportKeyProperty, cancellationToken)
            .ConfigureAwait(false);
        var states = resumed ? await _journal.RowStatesAsync(session.Id, cancellationToken).ConfigureAwait(false) : [];
        await EnsurePropertiesAsync(_client, plan, session.IdProperty == ImportKeyProperty && plan.UpsertBy is null, cancellationToken).ConfigureAwait(false);

        var rejects = new RejectsFile(_options.RejectsPath ?? RejectsFile.DefaultPath(plan.FilePath), plan.Header);
        var run = new RunState(plan, session, states, new ServerClock(session.ServerOffsetMs), rejects, new AssociationTargets(_client), progress) { Resumed = resumed };
        await using (rejects.ConfigureAwait(false))
        {
            run.Rejects.DeleteStale();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var batches = Channel.CreateBounded<List<PreparedRow>>(new BoundedChannelOptions(_options.MaxBatchesInFlight) { SingleWriter = true });
            var workers = Enumerable.Range(0, _options.MaxBatchesInFlight).Select(_ => Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in batches.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                    {
                        await WriteBatchAsync(run, batch, stop.Token).ConfigureAwait(false);
                    }
                }
                catch
                {
                    await stop.CancelAsync().ConfigureAwait(false); // stops the reader and the other batches: the run is resumable
                    throw;
                }
            }, CancellationToken.None)).ToList();

            try
            {
                await ProduceAsync(run, batches.Writer, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // A worker failed; its exception is the one to report (below).
            }
            catch
            {
                // Cancelled, or the file could not be read: let the batches in flight finish journalling before the caller
                // closes the journal, then report this.
                batches.Writer.TryComplete();
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(workers).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
                throw;
            }
            finally
            {
                batches.Writer.TryComplete();
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
        }

        await _journal.CompleteAsync(session.Id, cancellationToken).ConfigureAwait(false);
        var summary = (await _journal.GetAsync(session.Id, cancellationToken).ConfigureAwait(false))!;
        run.Report();
        return new ImportResult
        {
            ImportId = session.Id,
            ResumedAtLine = run.ResumedAtLine,
            Rows = run.RowsRead,
            Created = summary.Created,
            Updated = summary.Updated,
            Rejected = summary.Rejected,
            Associations = summary.Associations,
            RejectsPath = run.Rejects.Count > 0 ? run.Rejects.Path : null,
            WrittenThisRun = Interlocked.Read(ref run.Created) + Interlocked.Read(ref run.Updated),
            Elapsed = time.GetElapsedTime(started),
        };
    }

    /// <summary>
    /// The plan's rows with, for valid rows, the problems of their associations added (a target record that does not exist,
    /// or several that match), found with the same read-only lookups an import makes. Writes nothing: a dry run's last check.
    /// </summary>
    /// <param name="client">The portal's client.</param>
    /// <param name="plan">What would be written.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    public static async IAsyncEnumerable<PreparedRow> CheckAsync(HubSpotClient client, ImportPlan plan,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(plan);
        var targets = new AssociationTargets(client);
        var batch = new List<PreparedRow>(BatchSize);
        await foreach (var row in plan.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Add(row);
            if (batch.Count == BatchSize)
            {
                foreach (var checkedRow in await CheckBatchAsync(targets, batch, cancellationToken).ConfigureAwait(false))
                {
                    yield return checkedRow;
                }

                batch = new List<PreparedRow>(BatchSize);
            }
        }

        foreach (var checkedRow in await CheckBatchAsync(targets, batch, cancellationToken).ConfigureAwait(false))
        {
            yield return checkedRow;
        }
    }

    private static async Task<List<PreparedRow>> CheckBatchAsync(AssociationTargets targets, List<PreparedRow> batch, CancellationToken cancellationToken)
    {
        var linked = batch.Where(r => r.IsValid && r.Associations.Count > 0).ToList();
        if (linked.Count == 0)
        {
            return batch;
        }

        await targets.ResolveAsync(linked.SelectMany(r => r.Associations), cancellationToken).ConfigureAwait(false);
        return [.. batch.Select(row =>
        {
            var problems = row.IsValid ? row.Associations.Select(targets.Problem).OfType<string>().Distinct(StringComparer.Ordinal).ToList() : [];
            return problems.Count == 0 ? row : new PreparedRow
            {
                LineNumber = row.LineNumber, SourceFields = row.SourceFields, Properties = row.Properties, UpsertKey = row.UpsertKey,
                Associations = row.Associations, Problems = problems,
            };
        })];
    }

    /// <summary>Reads the plan, skips what earlier runs finished, rejects invalid rows, and hands out batches of 100.</summary>
    private async Task ProduceAsync(RunState run, ChannelWriter<List<PreparedRow>> batches, CancellationToken cancellationToken)
    {
        var batch = new List<PreparedRow>(BatchSize);
        var rejected = new List<(long Line, IReadOnlyList<string> Reasons)>();
        await foreach (var row in run.Plan.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
        {
            run.RowsRead++;
            run.States.TryGetValue(row.LineNumber, out var known);
            if (known is { State: "written" })
            {
                run.Skipped++;
                continue;
            }

            if (run.Resumed && run.ResumedAtLine is null)
            {
                run.ResumedAtLine = row.LineNumber;
                run.Report();
            }

            if (known is { State: "rejected" })
            {
                // Rejected by an earlier run (validation, a missing association target, HubSpot): the reasons it journalled.
                run.Rejects.Write(row.SourceFields, row.LineNumber, known.Reasons.Count > 0 ? known.Reasons : row.Problems);
                Interlocked.Increment(ref run.Rejected);
                continue;
            }

            if (!row.IsValid)
            {
                run.Rejects.Write(row.SourceFields, row.LineNumber, row.Problems);
                Interlocked.Increment(ref run.Rejected);
                rejected.Add((row.LineNumber, row.Problems));
                if (rejected.Count >= BatchSize)
                {
                    await _journal.RecordRejectedAsync(run.Session.Id, rejected, cancellationToken).ConfigureAwait(false);
                    rejected = [];
                }

                continue;
            }

            batch.Add(row);
            if (batch.Count == BatchSize)
            {
                await batches.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                batch = new List<PreparedRow>(BatchSize);
            }
        }

        if (batch.Count > 0)
        {
            await batches.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        await _journal.RecordRejectedAsync(run.Session.Id, rejected, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteBatchAsync(RunState run, List<PreparedRow> batch, CancellationToken cancellationToken)
    {
        var rejected = new List<(long Line, IReadOnlyList<string> Reasons)>();
        void Reject(PreparedRow row, IReadOnlyList<string> reasons)
        {
            rejected.Add((row.LineNumber, reasons));
            run.Rejects.Write(row.SourceFields, row.LineNumber, reasons);
            Interlocked.Increment(ref run.Rejected);
        }

        // Association targets first: a row whose target is missing is rejected before anything of it is written.
        var send = batch;
        if (batch.Exists(r => r.Associations.Count > 0))
        {
            await run.Targets.ResolveAsync(batch.SelectMany(r => r.Associations), cancellationToken).ConfigureAwait(false);
            send = [];
            foreach (var row in batch)
            {
                var problems = row.Associations.Select(run.Targets.Problem).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
                if (problems.Count > 0)
                {
                    Reject(row, problems);
                }
                else
                {
                    send.Add(row);
                }
            }
        }

        if (send.Count == 0)
        {
            await _journal.RecordRejectedAsync(run.Session.Id, rejected, cancellationToken).ConfigureAwait(false);
            run.Report();
            return;
        }

        var firstSent = await _journal.MarkSentAsync(run.Session.Id, [.. send.Select(r => r.LineNumber)], cancellationToken).ConfigureAwait(false);
        var idProperty = run.Session.IdProperty;
        var inputs = send.Select(r => (Id: UpsertId(run, r), Properties: PropertiesOf(run, r))).ToList();
        var objects = _client.Crm.Objects(run.Plan.ObjectType);
        var result = await objects.BatchUpsertAsync(idProperty, inputs, cancellationToken).ConfigureAwait(false);
        var answered = _options.TimeProvider.GetUtcNow();
        foreach (var failure in result.Failed)
        {
            if (failure.ChunkFailed || failure.Status is 0 or 429 or >= 500)
            {
                // Not about this row: the batch stays journalled as sent, and the next run sends it again.
                throw failure.ToException();
            }

            Reject(send[failure.InputIndex], [$"HubSpot refused the row: {failure.Message}"]);
        }

        foreach (var item in result.Succeeded)
        {
            run.Clock.Observe(item.Value.Object.UpdatedAt, answered);
        }

        var cutoff = run.Clock.ServerTimeOf(firstSent) - _options.ClockSkewAllowance;
        var createsByKey = run.Plan.UpsertBy is null; // a spoke_import_key value names this import's own record, whatever "new" says
        var answers = result.Succeeded.Select(i => (Row: send[i.InputIndex], Record: i.Value.Object, Created: i.Value.IsNew || createsByKey)).ToList();
        var history = await HistoryAsync(run, [.. answers.Where(a => !a.Created)], cancellationToken).ConfigureAwait(false);
        var written = new List<(PreparedRow Row, CrmObject Record, bool Created)>(answers.Count);
        var previous = new Dictionary<string, (Dictionary<string, string?> Before, Dictionary<string, string?> After)>(StringComparer.Ordinal);
        foreach (var (row, record, isNew) in answers)
        {
            var versions = history.GetValueOrDefault(record.Id);
            // "Not new" from a batch sent more than once (a lost answer: the journal's resend, or the client's retry) can be a
            // record this import's earlier send created: HubSpot created it after the batch was first sent, with the values
            // this row writes.
            var created = isNew || record.CreatedAt >= cutoff && versions is not null && WrittenNames(row).All(name =>
                string.Equals(ValueAt(versions.PropertiesWithHistory.GetValueOrDefault(name), record.CreatedAt), Answered(row, record, name), StringComparison.Ordinal));
            written.Add((row, record, created));
            if (!created && versions is not null)
            {
                previous[record.Id] = Changes(row, record, versions, cutoff);
            }
        }

        var associations = await CreateAssociationsAsync(run, written, cancellationToken).ConfigureAwait(false);
        var rows = written.Select(w =>
        {
            var (before, after) = previous.GetValueOrDefault(w.Record.Id, (Empty, Empty));
            return new WrittenRow(w.Row.LineNumber, w.Record.Id, w.Created, before, after);
        }).ToList();
        await _journal.RecordOutcomeAsync(run.Session.Id, rows, rejected, associations, run.Clock.OffsetMilliseconds, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref run.Created, written.Count(w => w.Created));
        Interlocked.Add(ref run.Updated, written.Count(w => !w.Created));
        Interlocked.Add(ref run.Associations, associations.Count);
        run.Report();
    }

    private static readonly Dictionary<string, string?> Empty = [];

    private static string UpsertId(RunState run, PreparedRow row) => run.Plan.UpsertBy is null
        ? string.Create(CultureInfo.InvariantCulture, $"{run.Session.Uid}:{row.LineNumber}")
        : row.UpsertKey ?? row.Properties.GetString(run.Plan.UpsertBy) ?? throw new InvalidOperationException($"Line {row.LineNumber} has no {run.Plan.UpsertBy} to upsert by.");

    private static PropertyBag PropertiesOf(RunState run, PreparedRow row)
    {
        if (run.Plan.UpsertBy is not null)
        {
            return row.Properties;
        }

        var bag = new PropertyBag(row.Properties) { [ImportKeyProperty] = UpsertId(run, row) };
        return bag;
    }

    private static IEnumerable<string> WrittenNames(PreparedRow row) => row.Properties.Keys.Where(n => n != ImportKeyProperty);

    /// <summary>The value HubSpot answered for a written property (as it stores it), or the one sent.</summary>
    private static string? Answered(PreparedRow row, CrmObject record, string name) =>
        Normalize(record.Properties.TryGetValue(name, out var answered) ? answered : row.Properties[name]);

    /// <summary>Reads the history of the written properties of records the upsert did not create (100 ids, 50 with history, per call).</summary>
    private async Task<Dictionary<string, CrmObject>> HistoryAsync(RunState run, List<(PreparedRow Row, CrmObject Record, bool Created)> updated,
        CancellationToken cancellationToken)
    {
        if (updated.Count == 0)
        {
            return [];
        }

        var names = updated.SelectMany(u => WrittenNames(u.Row)).Distinct(StringComparer.Ordinal).ToList();
        var read = await _client.Crm.Objects(run.Plan.ObjectType).BatchReadAsync(updated.Select(u => u.Record.Id).Distinct(StringComparer.Ordinal),
            new CrmReadOptions { Properties = names, PropertiesWithHistory = names }, cancellationToken).ConfigureAwait(false);
        if (read.Failed.Count > 0 && read.Failed[0] is { } failure)
        {
            throw failure.ToException();
        }

        return read.Values.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>
    /// The values the import replaced on a record it updated: per property written, the latest value in the record's history
    /// stamped before the cutoff (when HubSpot first got this batch). Only properties whose value changed are kept.
    /// </summary>
    private static (Dictionary<string, string?> Before, Dictionary<string, string?> After) Changes(PreparedRow row, CrmObject record, CrmObject history, DateTimeOffset cutoff)
    {
        var before = new Dictionary<string, string?>(StringComparer.Ordinal);
        var after = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in WrittenNames(row))
        {
            var now = Answered(row, record, name);
            var was = ValueBefore(history.PropertiesWithHistory.GetValueOrDefault(name), cutoff);
            if (!string.Equals(was, now, StringComparison.Ordinal))
            {
                before[name] = was;
                after[name] = now;
            }
        }

        return (before, after);
    }

    /// <summary>The value a property had at an instant (the latest version stamped then or earlier; null when none or empty).</summary>
    internal static string? ValueAt(IReadOnlyList<PropertyVersion>? history, DateTimeOffset at) =>
        Normalize(history?.Where(v => v.Timestamp <= at).OrderByDescending(v => v.Timestamp).FirstOrDefault()?.Value);

    /// <summary>The latest value stamped before <paramref name="cutoff"/> (null when there is none, or it was empty).</summary>
    internal static string? ValueBefore(IReadOnlyList<PropertyVersion>? history, DateTimeOffset cutoff) =>
        Normalize(history?.Where(v => v.Timestamp < cutoff).OrderByDescending(v => v.Timestamp).FirstOrDefault()?.Value);

    private static string? Normalize(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private async Task<List<CreatedAssociation>> CreateAssociationsAsync(RunState run, List<(PreparedRow Row, CrmObject Record, bool Created)> written,
        CancellationToken cancellationToken)
    {
        var wanted = written.SelectMany(w => w.Row.Associations.Select(a => (w.Row.LineNumber, w.Record.Id, w.Created, Association: a, ToId: run.Targets.Id(a)!)))
            .ToList();
        var made = new List<CreatedAssociation>();
        foreach (var group in wanted.GroupBy(w => (w.Association.ToObjectType, w.Association.AssociationTypeId, w.Association.AssociationCategory)))
        {
            var toType = group.Key.ToObjectType;
            // A pair that existed before this import is left out of the journal, so a rollback never removes what it did not add.
            var existing = new HashSet<(string, string)>();
            var updatedIds = group.Where(g => !g.Created).Select(g => g.Id).Distinct(StringComparer.Ordinal).ToList();
            if (updatedIds.Count > 0)
            {
                var read = await _client.Associations.BatchReadAsync(run.Plan.ObjectType, toType, updatedIds, cancellationToken).ConfigureAwait(false);
                if (read.Failed.Count > 0 && read.Failed[0] is { } failure)
                {
                    throw failure.ToException();
                }

                foreach (var record in read.Values)
                {
                    foreach (var to in record.To)
                    {
                        existing.Add((record.FromObjectId, to.ToObjectId));
                    }
                }
            }

            var pairs = group.DistinctBy(g => (g.Id, g.ToId)).ToList();
            if (group.Key.AssociationTypeId is { } typeId)
            {
                var category = new Associations.AssociationCategory(group.Key.AssociationCategory ?? "USER_DEFINED");
                var result = await _client.Associations.BatchCreateAsync(run.Plan.ObjectType, toType,
                    pairs.Select(p => new Associations.AssociationInput(p.Id, p.ToId, [new Associations.AssociationType(category, typeId)])), cancellationToken).ConfigureAwait(false);
                ThrowOnFailure(result);
            }
            else
            {
                var result = await _client.Associations.BatchCreateDefaultAsync(run.Plan.ObjectType, toType,
                    pairs.Select(p => new Associations.AssociationPair(p.Id, p.ToId)), cancellationToken).ConfigureAwait(false);
                ThrowOnFailure(result);
            }

            made.AddRange(pairs.Where(p => !existing.Contains((p.Id, p.ToId)))
                .Select(p => new CreatedAssociation(p.LineNumber, p.Id, toType, p.ToId, group.Key.AssociationTypeId, group.Key.AssociationCategory)));
        }

        return made;
    }

    private static void ThrowOnFailure<T>(BatchResult<T> result)
    {
        if (result.Failed.Count > 0 && result.Failed[0] is { } failure)
        {
            throw failure.ToException();
        }
    }

    /// <summary>Creates the plan's missing custom properties, and the hidden import-key property when rows are created.</summary>
    /// <summary>Creates the plan's missing properties (and Spoke's import key when creates are written by it); shared with the Imports API path.</summary>
    internal static async Task EnsurePropertiesAsync(HubSpotClient client, ImportPlan plan, bool needsImportKey, CancellationToken cancellationToken)
    {
        var wanted = plan.PropertiesToCreate.ToList();
        if (needsImportKey)
        {
            wanted.Add(new PropertyCreate
            {
                Name = ImportKeyProperty,
                Label = "Spoke import key",
                Description = "Written by spoke import (IMPORT:LINE) so that a batch sent again after a lost answer updates the records it created instead of duplicating them.",
                Type = PropertyType.String,
                FieldType = PropertyFieldType.Text,
                HasUniqueValue = true,
                Hidden = true,
                FormField = false,
            });
        }

        if (wanted.Count == 0)
        {
            return;
        }

        var existing = (await client.Properties.ListAsync(plan.ObjectType, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string? defaultGroup = null;
        foreach (var property in wanted.Where(p => !existing.Contains(p.Name)))
        {
            var create = property;
            if (property.GroupName is null)
            {
                // HubSpot requires a group; an object's first group is its "information" group.
                defaultGroup ??= (await client.Properties.ListGroupsAsync(plan.ObjectType, cancellationToken).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false))?.Name
                    ?? throw new InvalidOperationException($"{plan.ObjectType} has no property group to create {property.Name} in.");
                create = WithGroup(property, defaultGroup);
            }

            try
            {
                await client.Properties.CreateAsync(plan.ObjectType, create, cancellationToken).ConfigureAwait(false);
            }
            catch (HubSpotApiException e) when (e.Status == 409)
            {
                // Created meanwhile (another run): it exists, which is all the import needs.
            }
        }
    }

    private static PropertyCreate WithGroup(PropertyCreate p, string group) => new()
    {
        Name = p.Name, Label = p.Label, Type = p.Type, FieldType = p.FieldType, GroupName = group, Description = p.Description, Options = p.Options,
        DisplayOrder = p.DisplayOrder, HasUniqueValue = p.HasUniqueValue, Hidden = p.Hidden, FormField = p.FormField, ExternalOptions = p.ExternalOptions,
        ReferencedObjectType = p.ReferencedObjectType, CalculationFormula = p.CalculationFormula, DataSensitivity = p.DataSensitivity,
    };

    /// <summary>One run's shared state; counters are touched by every batch in flight.</summary>
    private sealed class RunState(ImportPlan plan, ImportRow session, Dictionary<long, JournalRowState> states, ServerClock clock, RejectsFile rejects,
        AssociationTargets targets, IProgress<ImportProgress>? progress)
    {
        public ImportPlan Plan { get; } = plan;
        public ImportRow Session { get; } = session;
        public Dictionary<long, JournalRowState> States { get; } = states;
        public ServerClock Clock { get; } = clock;
        public RejectsFile Rejects { get; } = rejects;
        public AssociationTargets Targets { get; } = targets;
        public bool Resumed { get; init; }
        public long? ResumedAtLine { get; set; }
        public long RowsRead { get; set; }
        public long Skipped { get; set; }
#pragma warning disable CA1051 // fields, for Interlocked
        public long Created;
        public long Updated;
        public long Rejected;
        public long Associations;
#pragma warning restore CA1051

        public void Report() => progress?.Report(new ImportProgress
        {
            ImportId = Session.Id,
            ResumedAtLine = ResumedAtLine,
            RowsRead = RowsRead,
            Skipped = Skipped,
            Created = Interlocked.Read(ref Created),
            Updated = Interlocked.Read(ref Updated),
            Rejected = Interlocked.Read(ref Rejected),
            Associations = Interlocked.Read(ref Associations),
        });
    }
}
