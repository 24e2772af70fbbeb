using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Spoke.Emulator.Hosting;
using Spoke.Emulator.Lists;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Search;

namespace Spoke.Emulator.Exports;

/// <summary>One export: what was asked, its state and, once done, the file and its secret download token.</summary>
internal sealed class ExportJob
{
    public required long Id { get; init; }
    public required string ExportType { get; init; }
    public required string ExportName { get; init; }
    public required ObjectType Type { get; init; }
    public required string ObjectTypeName { get; init; }
    public required IReadOnlyList<string> Properties { get; init; }
    public required bool InternalNames { get; init; }
    public required bool InternalValues { get; init; }
    public SearchPlan? Filter { get; init; }
    public long? ListId { get; init; }
    public ObjectType? AssociatedType { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>ENQUEUED, PROCESSING, DONE or CANCELED (PublicExportResponse.exportState).</summary>
    public string State { get; set; } = "ENQUEUED";
    public int RecordCount { get; set; }
    public byte[]? File { get; set; }
    public string? FileName { get; set; }
    public string? DownloadToken { get; set; }
    public DateTimeOffset? DownloadExpiresAt { get; set; }

    /// <summary>The task status HubSpot reports: PENDING, PROCESSING, COMPLETE or CANCELED.</summary>
    public string TaskStatus => State switch
    {
        "ENQUEUED" => "PENDING",
        "DONE" => "COMPLETE",
        _ => State,
    };
}

/// <summary>
/// The portal's exports and their background work: an export reads its records in one read scope (a consistent
/// snapshot), writes a CSV, and gets a random download token that expires on the emulator clock
/// (<see cref="FidelityOptions.ExportDownloadLifetime"/>). Jobs live in memory; a reset forgets them.
/// Every job field is read and changed under the portal lock.
/// </summary>
internal sealed class ExportJobs
{
    private readonly PortalState _portal;
    private readonly BulkJobGate _gate;
    private readonly List<ExportJob> _jobs = [];
    private long _nextId = 70_000_001;

    public ExportJobs(PortalState portal, BulkJobGate gate)
    {
        _portal = portal;
        _gate = gate;
        portal.WasReset += () =>
        {
            using var _ = portal.Write();
            _jobs.Clear();
        };
    }

    public long NextId() => _nextId++;

    public ExportJob? Find(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? _jobs.Find(j => j.Id == n) : null;

    /// <summary>The export whose download token this is, while the link is valid (constant-time token compare).</summary>
    public ExportJob? FindDownload(string token)
    {
        var given = Encoding.UTF8.GetBytes(token);
        foreach (var job in _jobs)
        {
            if (job.DownloadToken is { } t && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(t), given))
            {
                return job.DownloadExpiresAt > _portal.Now ? job : null;
            }
        }

        return null;
    }

    public void Start(ExportJob job)
    {
        _jobs.Add(job);
        _gate.Run(ct => ProcessAsync(job, ct));
    }

    private async Task ProcessAsync(ExportJob job, CancellationToken cancellationToken)
    {
        try
        {
            using (_portal.Write())
            {
                job.State = "PROCESSING";
                job.UpdatedAt = _portal.Now;
            }

            await _gate.WaitWhilePausedAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            using (_portal.Write())
            {
                if (job.State != "PROCESSING")
                {
                    return;
                }

                var records = Records(job);
                var csv = Csv(job, records);
                job.RecordCount = records.Count;
                var baseName = SafeFileName(job.ExportName);
                if (_portal.Fidelity.ExportDownloadAsZip)
                {
                    job.File = Zip(baseName + ".csv", csv);
                    job.FileName = baseName + ".zip";
                }
                else
                {
                    job.File = csv;
                    job.FileName = baseName + ".csv";
                }

                var now = _portal.Now;
                job.DownloadToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
                job.DownloadExpiresAt = now + _portal.Fidelity.ExportDownloadLifetime;
                job.CompletedAt = now;
                job.UpdatedAt = now;
                job.State = "DONE";
            }
        }
        catch (OperationCanceledException)
        {
            // The emulator is stopping: an export in flight does not survive it.
        }
    }

    private List<CrmRecord> Records(ExportJob job)
    {
        var store = _portal.Store(job.Type);
        if (job.ListId is { } listId)
        {
            var list = _portal.Lists.Find(listId);
            return list is null ? [] : [.. ListStore.CurrentMembers(_portal, list).Select(m => store.Find(m.RecordId)).OfType<CrmRecord>()];
        }

        if (job.Filter is { } plan)
        {
            return [.. SearchExecutor.Run(plan, store, SearchIndexes.For(_portal).Of(store), 0, int.MaxValue).Page];
        }

        return [.. store.All().Where(r => !r.Archived)];
    }

    /// <summary>"Record ID", then one column per property (labels unless NAMES was asked), then associated ids.</summary>
    private byte[] Csv(ExportJob job, List<CrmRecord> records)
    {
        var catalog = _portal.Catalog(job.Type);
        var defs = job.Properties.Select(p => catalog.Find(p)).ToList();
        var sb = new StringBuilder();
        var header = new List<string> { "Record ID" };
        header.AddRange(job.Properties.Select((p, i) => job.InternalNames ? p : defs[i]?.Label ?? p));
        if (job.AssociatedType is { } assoc)
        {
            header.Add($"Associated {Capitalized(assoc.Singular)} IDs");
        }

        AppendRow(sb, header);
        var associator = job.AssociatedType is null ? null : new Associations.Associator(_portal);
        foreach (var record in records)
        {
            var row = new List<string> { RecordJson.Id(record.Id) };
            for (var i = 0; i < job.Properties.Count; i++)
            {
                row.Add(Display(defs[i], record.Get(job.Properties[i]) ?? "", job.InternalValues));
            }

            if (associator is not null && job.AssociatedType is { } to)
            {
                row.Add(string.Join(';', associator.LiveTargetIds(job.Type.TypeId, record.Id, to.TypeId).Select(RecordJson.Id)));
            }

            AppendRow(sb, row);
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Display(PropertyDefinition? def, string value, bool internalValues)
    {
        if (internalValues || def is not { Type: "enumeration" } || value.Length == 0)
        {
            return value;
        }

        return string.Join(';', value.Split(';').Select(v => def.Options.Find(o => o.Value == v)?.Label ?? v));
    }

    private static void AppendRow(StringBuilder sb, List<string> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            var cell = cells[i];
            if (cell.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                sb.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                sb.Append(cell);
            }
        }

        sb.Append("\r\n");
    }

    private static byte[] Zip(string entryName, byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry(entryName, CompressionLevel.Fastest);
            using var stream = entry.Open();
            stream.Write(content);
        }

        return buffer.ToArray();
    }

    private static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].Replace('_', ' ');

    private static string SafeFileName(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ' ' ? c : '_').ToArray();
        var safe = new string(chars).Trim();
        return safe.Length == 0 ? "export" : safe[..Math.Min(safe.Length, 100)];
    }
}
