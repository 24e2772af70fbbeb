using System.IO.Compression;
using Spoke.Crm;
using Spoke.Exports;

namespace Spoke.DataTools.Export;

/// <summary>What an export through HubSpot's Exports API wrote.</summary>
/// <param name="TaskId">HubSpot's export task id.</param>
/// <param name="Bytes">The CSV's size as written.</param>
/// <param name="Elapsed">From the request to the last byte written.</param>
public sealed record ExportsApiResult(string TaskId, long Bytes, TimeSpan Elapsed);

/// <summary>
/// <c>spoke export --via exports-api</c>: one request to HubSpot's asynchronous export (a VIEW of the object with the
/// same <c>--filter</c> syntax, internal property names and values, so the file imports back with the same map), polled
/// to its end, then its file streamed to the output. When HubSpot delivers a zip, its one CSV is unpacked. HubSpot's
/// export writes CSV (or spreadsheets) only and cannot export archived records or several association types, so those
/// options are refused with the fix.
/// </summary>
public sealed class ExportsApiExporter
{
    private readonly HubSpotClient _client;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;

    /// <param name="client">The portal's client.</param>
    /// <param name="pollInterval">How often the export's state is read (default 2 s).</param>
    /// <param name="timeProvider">Measures the elapsed time (default the system clock).</param>
    public ExportsApiExporter(HubSpotClient client, TimeSpan? pollInterval = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(2);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Exports the object's records that the options select into <paramref name="output"/> (left open).</summary>
    /// <param name="objectType">The object (e.g. <c>contacts</c>).</param>
    /// <param name="output">Where the CSV goes.</param>
    /// <param name="options">Properties, filters and at most one association type; CSV only, not archived.</param>
    /// <param name="started">Told HubSpot's task id once the export is accepted.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="FormatException">An option HubSpot's export cannot carry, an unknown property or a bad filter; nothing is written.</exception>
    public async Task<ExportsApiResult> ExportAsync(string objectType, Stream output, ExportOptions options, Action<string>? started = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Format != ExportFormat.Csv)
        {
            throw new FormatException("HubSpot's Exports API writes CSV (or spreadsheets), not JSONL: use --format csv, or export without --via exports-api.");
        }

        if (options.Archived)
        {
            throw new FormatException("HubSpot's Exports API cannot export archived records: export them without --via exports-api.");
        }

        if (options.Associations.Count > 1)
        {
            throw new FormatException("HubSpot's Exports API adds one associated object type per export: give one in --associations, or export without --via exports-api.");
        }

        var started0 = _time.GetTimestamp();
        // The direct exporter's checks of the properties and filters, on one read of the definitions.
        var definitions = await RecordExporter.DefinitionsAsync(_client, objectType, cancellationToken).ConfigureAwait(false);
        var (properties, filters) = RecordExporter.Resolve(objectType, options, definitions);
        var filter = filters.Count > 0 ? new CrmSearchRequest().AddFilterGroup(filters) : null;

        var request = ExportRequest.View(objectType, $"spoke export {objectType}", properties, filter) with
        {
            InternalNames = true,
            InternalValues = true,
            AssociatedObjectType = options.Associations.Count == 1 ? options.Associations[0] : null,
        };
        var taskId = await _client.Exports.StartAsync(request, cancellationToken).ConfigureAwait(false);
        started?.Invoke(taskId);
        var status = await _client.Exports.WaitForCompletionAsync(taskId, _pollInterval, cancellationToken).ConfigureAwait(false);
        if (status.Status != ExportTaskStatus.Complete)
        {
            throw new InvalidOperationException($"HubSpot's export {taskId} ended {status.Status}, with no file; export without --via exports-api, or try again.");
        }

        // Downloaded to a temporary file first: a zip can only be opened once it is whole.
        var download = Path.Combine(Path.GetTempPath(), $"spoke-export-{Guid.NewGuid():N}");
        try
        {
            await using (var file = new FileStream(download, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                await _client.Exports.DownloadAsync(status, file, cancellationToken).ConfigureAwait(false);
            }

            long written;
            await using (var file = new FileStream(download, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true))
            {
                var magic = new byte[4];
                var read = await file.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                file.Position = 0;
                if (read == 4 && magic is [(byte)'P', (byte)'K', 3, 4])
                {
                    using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
                    var entry = zip.Entries.FirstOrDefault(e => e.Name.Length > 0)
                        ?? throw new InvalidOperationException($"HubSpot's export {taskId} delivered an empty zip.");
                    await using var csv = entry.Open();
                    written = await CopyAsync(csv, output, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    written = await CopyAsync(file, output, cancellationToken).ConfigureAwait(false);
                }
            }

            return new ExportsApiResult(taskId, written, _time.GetElapsedTime(started0));
        }
        finally
        {
            File.Delete(download);
        }
    }

    private static async Task<long> CopyAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            total += read;
        }

        return total;
    }
}
