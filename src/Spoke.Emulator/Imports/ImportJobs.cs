using Spoke.Emulator.Hosting;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Webhooks;

namespace Spoke.Emulator.Imports;

/// <summary>
/// The portal's imports and their background processing: rows are written in chunks of
/// <see cref="FidelityOptions.ImportRowsPerChunk"/>, each chunk in one write scope (so the records of a finished import
/// are in the data file like any other write). Import jobs themselves live in memory: they do not survive a restart,
/// and a reset forgets them. Every job field is read and changed under the portal lock.
/// </summary>
internal sealed class ImportJobs
{
    private readonly PortalState _portal;
    private readonly BulkJobGate _gate;
    private readonly List<ImportJob> _jobs = [];
    private long _nextId = 40_000_001;
    private DateOnly _day;
    private long _rowsToday;

    public ImportJobs(PortalState portal, BulkJobGate gate)
    {
        _portal = portal;
        _gate = gate;
        portal.WasReset += () =>
        {
            using var _ = portal.Write();
            foreach (var job in _jobs)
            {
                job.CancelRequested = true;
            }

            _jobs.Clear();
        };
    }

    /// <summary>The jobs, oldest first (caller holds the portal lock).</summary>
    public IReadOnlyList<ImportJob> All => _jobs;

    public long NextId() => _nextId++;

    public ImportJob? Find(string id) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? _jobs.Find(j => j.Id == n) : null;

    /// <summary>Counts the rows against the portal's daily import limit; false when they would exceed it (caller holds the lock).</summary>
    public bool TryReserveRows(long rows, int dailyLimit)
    {
        var today = DateOnly.FromDateTime(_portal.Now.UtcDateTime);
        if (today != _day)
        {
            _day = today;
            _rowsToday = 0;
        }

        if (_rowsToday + rows > dailyLimit)
        {
            return false;
        }

        _rowsToday += rows;
        return true;
    }

    /// <summary>Adds a job (caller holds the write lock) and starts processing it in the background.</summary>
    public void Start(ImportJob job)
    {
        _jobs.Add(job);
        _gate.Run(ct => ProcessAsync(job, ct));
    }

    private async Task ProcessAsync(ImportJob job, CancellationToken cancellationToken)
    {
        // Changes made by an import report changeSource IMPORT in their webhook events, as HubSpot's do.
        WebhookChangeSource.Set("IMPORT", job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var chunk = Math.Max(1, _portal.Fidelity.ImportRowsPerChunk);
        try
        {
            while (true)
            {
                await _gate.WaitWhilePausedAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                using (_portal.Write())
                {
                    if (ImportStates.IsTerminal(job.State))
                    {
                        return;
                    }

                    if (job.CancelRequested)
                    {
                        Finish(job, ImportStates.Canceled);
                        return;
                    }

                    job.State = ImportStates.Processing;
                    var writer = new ImportRowWriter(_portal, job);
                    var done = 0;
                    while (done < chunk && job.NextFile < job.Files.Count)
                    {
                        var file = job.Files[job.NextFile];
                        if (job.NextRow >= file.Rows.Count)
                        {
                            job.NextFile++;
                            job.NextRow = 0;
                            continue;
                        }

                        writer.Write(file, file.Rows[job.NextRow++]);
                        done++;
                    }

                    job.UpdatedAt = _portal.Now;
                    if (job.NextFile >= job.Files.Count || (job.NextFile == job.Files.Count - 1 && job.NextRow >= job.Files[^1].Rows.Count))
                    {
                        Finish(job, ImportStates.Done);
                        return;
                    }
                }

                await Task.Yield();
            }
        }
        catch (OperationCanceledException)
        {
            // The emulator is stopping: an import in flight does not survive it.
        }
        catch (Exception)
        {
            using (_portal.Write())
            {
                Finish(job, ImportStates.Failed);
            }
        }
    }

    private void Finish(ImportJob job, string state)
    {
        job.State = state;
        job.UpdatedAt = _portal.Now;
    }
}
