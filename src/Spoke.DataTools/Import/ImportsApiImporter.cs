using System.Globalization;
using System.Text;
using CsvHelper;
using Spoke.Crm;
using Spoke.Imports;

namespace Spoke.DataTools.Import;

/// <summary>What an import through HubSpot's Imports API did.</summary>
public sealed record ImportsApiResult
{
    /// <summary>HubSpot's id of the import (it shows in HubSpot's import history).</summary>
    public required string HubSpotImportId { get; init; }

    /// <summary>HubSpot's final state: DONE, FAILED or CANCELED.</summary>
    public required string State { get; init; }

    /// <summary>Rows read from the file.</summary>
    public long Rows { get; init; }

    /// <summary>Rows sent to HubSpot (those the map and validation passed).</summary>
    public long Sent { get; init; }

    /// <summary>Records HubSpot created.</summary>
    public long Created { get; init; }

    /// <summary>Records HubSpot updated.</summary>
    public long Updated { get; init; }

    /// <summary>Rows rejected: by Spoke's validation before the upload, plus the rows HubSpot's import refused.</summary>
    public long Rejected { get; init; }

    /// <summary>Where the rejected rows went, or null when none was rejected.</summary>
    public string? RejectsPath { get; init; }

    /// <summary>The time from the first row read to HubSpot's final state.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Writes an <see cref="ImportPlan"/> through HubSpot's asynchronous Imports API (<c>spoke import --via imports-api</c>)
/// instead of batch calls: for files too large to write at the API's rate limit. The plan's valid rows become one CSV of
/// mapped values (a temporary file, streamed) uploaded with one column mapping per property; the import is polled to
/// its end; the rows HubSpot refused are fetched with their data and go to the rejects file with the original fields
/// and line, beside those Spoke's validation refused. Rows are always matched (UPSERT): by the upsert property, or by
/// Spoke's <see cref="Importer.ImportKeyProperty"/> valued from the file's hash and the row's line, so uploading the
/// same file again updates what the first upload created instead of duplicating it. HubSpot's import cannot be
/// reverted through the API, so such an import has no journal and no rollback.
/// </summary>
public sealed class ImportsApiImporter
{
    private readonly HubSpotClient _client;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;

    /// <param name="client">The portal's client.</param>
    /// <param name="pollInterval">How often the import's state is read (default 2 s).</param>
    /// <param name="timeProvider">Measures the elapsed time (default the system clock).</param>
    public ImportsApiImporter(HubSpotClient client, TimeSpan? pollInterval = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(2);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Uploads the plan's valid rows as one HubSpot import and waits for it to end.</summary>
    /// <param name="plan">The validated plan.</param>
    /// <param name="rejectsPath">Where rejected rows go (default <c>FILE.rejects.csv</c>).</param>
    /// <param name="started">Told HubSpot's import id as soon as the upload is accepted.</param>
    /// <param name="cancellationToken">Stops waiting (HubSpot's import goes on; cancel it in HubSpot if needed).</param>
    /// <exception cref="FormatException">The plan asks for what the Imports API path cannot carry (associations, clearing values, a custom object named other than by its id).</exception>
    public async Task<ImportsApiResult> RunAsync(ImportPlan plan, string? rejectsPath = null, Action<string>? started = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var typeId = ObjectTypeId(plan.ObjectType);
        var startedAt = _time.GetTimestamp();
        var keyProperty = plan.UpsertBy ?? Importer.ImportKeyProperty;
        var keyPrefix = plan.FileSha256[..Math.Min(16, plan.FileSha256.Length)];

        // Pass 1: the properties the valid rows set (the upload's columns), and what this path cannot carry.
        var properties = new SortedSet<string>(StringComparer.Ordinal);
        long rows = 0;
        await foreach (var row in plan.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
        {
            rows++;
            if (!row.IsValid)
            {
                continue;
            }

            if (row.Associations.Count > 0)
            {
                throw new FormatException($"Line {row.LineNumber}: the map's associations cannot be sent through HubSpot's Imports API by Spoke; import without --via imports-api, or drop the map's associations.");
            }

            foreach (var (name, value) in row.Properties)
            {
                if (string.IsNullOrEmpty(value))
                {
                    throw new FormatException($"Line {row.LineNumber}: {name} is to be cleared (\"whenEmpty\": \"clear\"), but HubSpot's import leaves a blank cell's value as it is; import without --via imports-api to clear values.");
                }

                properties.Add(name);
            }
        }

        properties.Remove(keyProperty);
        await Importer.EnsurePropertiesAsync(_client, plan, needsImportKey: plan.UpsertBy is null, cancellationToken).ConfigureAwait(false);

        var upload = Path.Combine(Path.GetTempPath(), $"spoke-import-{Guid.NewGuid():N}.csv");
        var rejects = new RejectsFile(rejectsPath ?? RejectsFile.DefaultPath(plan.FilePath), plan.Header);
        try
        {
            // Pass 2: the upload (key first), and the rejects of Spoke's validation. Rows are found again by their key.
            var lineOfKey = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            long sent = 0;
            rejects.DeleteStale();
            await using (var writer = new StreamWriter(upload, false, new UTF8Encoding(false)))
            await using (var csv = new CsvWriter(writer, CultureInfo.InvariantCulture))
            {
                csv.WriteField(keyProperty);
                foreach (var name in properties)
                {
                    csv.WriteField(name);
                }

                await csv.NextRecordAsync().ConfigureAwait(false);
                await foreach (var row in plan.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!row.IsValid)
                    {
                        rejects.Write(row.SourceFields, row.LineNumber, row.Problems);
                        continue;
                    }

                    var key = plan.UpsertBy is null ? string.Create(CultureInfo.InvariantCulture, $"{keyPrefix}:{row.LineNumber}") : row.UpsertKey ?? "";
                    lineOfKey[key] = row.LineNumber;
                    csv.WriteField(key);
                    foreach (var name in properties)
                    {
                        csv.WriteField(row.Properties.GetValueOrDefault(name) ?? "");
                    }

                    await csv.NextRecordAsync().ConfigureAwait(false);
                    sent++;
                }
            }

            var localRejects = rejects.Count;
            if (sent == 0)
            {
                return new ImportsApiResult
                {
                    HubSpotImportId = "", State = ImportState.Done, Rows = rows, Rejected = localRejects,
                    RejectsPath = localRejects > 0 ? rejects.Path : null, Elapsed = _time.GetElapsedTime(startedAt),
                };
            }

            var mappings = new List<ImportColumnMapping> { ImportColumnMapping.MatchOn(keyProperty, typeId, keyProperty) };
            mappings.AddRange(properties.Select(name => new ImportColumnMapping(name, typeId, name)));
            var request = new ImportRequest { Name = $"spoke import {Path.GetFileName(plan.FilePath)}", DateFormat = ImportDateFormat.YearMonthDay }
                .WithOperation(typeId, ImportOperation.Upsert);
            var file = new ImportFile(Path.GetFileName(plan.FilePath), _ => Task.FromResult<Stream>(File.OpenRead(upload)), mappings);
            var import = await _client.Imports.StartAsync(request, [file], cancellationToken).ConfigureAwait(false);
            started?.Invoke(import.Id);
            import = await _client.Imports.WaitForCompletionAsync(import.Id, _pollInterval, cancellationToken).ConfigureAwait(false);

            // HubSpot's refusals, each found by the row's key (the first cell of its data), with every message of the row.
            var refused = new SortedDictionary<long, List<string>>();
            await foreach (var error in _client.Imports.ListErrorsAsync(import.Id, new ImportErrorOptions { IncludeErrorMessage = true, IncludeRowData = true }, cancellationToken).ConfigureAwait(false))
            {
                var line = error.RowData.Count > 0 && lineOfKey.TryGetValue(error.RowData[0], out var l) ? l : -1;
                var reason = $"HubSpot's import refused the row: {error.ErrorType}{(error.ErrorMessage is { Length: > 0 } m ? $" ({m})" : "")}";
                if (!refused.TryGetValue(line, out var reasons))
                {
                    refused[line] = reasons = [];
                }

                reasons.Add(reason);
            }

            if (refused.Count > 0)
            {
                // Pass 3: the original fields of the refused rows.
                await foreach (var row in plan.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (row.IsValid && refused.Remove(row.LineNumber, out var reasons))
                    {
                        rejects.Write(row.SourceFields, row.LineNumber, reasons);
                    }
                }

                // Errors HubSpot gave without a row Spoke can name (no row data): recorded with line 0 so none is lost.
                foreach (var (_, reasons) in refused)
                {
                    rejects.Write([], 0, reasons);
                }
            }

            return new ImportsApiResult
            {
                HubSpotImportId = import.Id,
                State = import.State,
                Rows = rows,
                Sent = sent,
                Created = import.CreatedObjects,
                Updated = import.UpdatedObjects,
                Rejected = rejects.Count,
                RejectsPath = rejects.Count > 0 ? rejects.Path : null,
                Elapsed = _time.GetElapsedTime(startedAt),
            };
        }
        finally
        {
            await rejects.DisposeAsync().ConfigureAwait(false);
            File.Delete(upload);
        }
    }

    /// <summary>HubSpot's object type id (<c>0-1</c>) for an object name, as the Imports API takes ids.</summary>
    internal static string ObjectTypeId(string objectType) => objectType.ToLowerInvariant() switch
    {
        "contacts" or "contact" => CrmObjectTypeIds.Contacts,
        "companies" or "company" => CrmObjectTypeIds.Companies,
        "deals" or "deal" => CrmObjectTypeIds.Deals,
        "tickets" or "ticket" => CrmObjectTypeIds.Tickets,
        "products" or "product" => CrmObjectTypeIds.Products,
        "line_items" or "line_item" => CrmObjectTypeIds.LineItems,
        "notes" or "note" => CrmObjectTypeIds.Notes,
        "tasks" or "task" => CrmObjectTypeIds.Tasks,
        "calls" or "call" => CrmObjectTypeIds.Calls,
        "meetings" or "meeting" => CrmObjectTypeIds.Meetings,
        "emails" or "email" => CrmObjectTypeIds.Emails,
        var id when id.Length > 2 && id[1] == '-' && char.IsAsciiDigit(id[0]) => objectType,
        _ => throw new FormatException($"HubSpot's Imports API names objects by type id; give {objectType} as its id (e.g. 2-123 for a custom object, from `spoke sync status` or the schemas API)."),
    };
}
