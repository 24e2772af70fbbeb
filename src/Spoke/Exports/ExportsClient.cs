using Spoke.Crm;
using Spoke.Http;
using Spoke.Json;
using static Spoke.Http.ApiPaths;

namespace Spoke.Exports;

/// <summary>
/// HubSpot's Exports API (docs/hubspot-api.md §3.9): start an export, follow it until COMPLETE, stream the file.
/// <code>
/// var taskId = await client.Exports.StartAsync(ExportRequest.View("contacts", "All contacts", ["email"]), ct);
/// var status = await client.Exports.WaitForCompletionAsync(taskId, TimeSpan.FromSeconds(5), ct);
/// await using var file = File.Create("contacts.csv");
/// await client.Exports.DownloadAsync(status, file, ct);
/// </code>
/// </summary>
public class ExportsClient
{
    private static readonly ExportsJsonContext Json = ExportsJsonContext.Default;
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected ExportsClient()
    {
    }

    internal ExportsClient(HubSpotHttp http) => _http = http;

    private string Root => _http.Options.ExportsPrefix();

    /// <summary>Starts an export; the answer is its task id. Not sent again after a failure that may have reached HubSpot.</summary>
    public virtual async Task<string> StartAsync(ExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var dto = await _http.SendAsync(HubSpotOperation.Create(Root, "export/async"), $"{Root}/export/async", ToDto(request), Json.ExportRequestDto, Json.TaskLocatorDto,
            cancellationToken).ConfigureAwait(false);
        return dto.Id;
    }

    /// <summary>Where the export stands; once COMPLETE, with its download link.</summary>
    public virtual async Task<ExportStatus> GetStatusAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root, "export/async/tasks/{taskId}/status"), $"{Root}/export/async/tasks/{Seg(taskId)}/status",
            Json.ExportStatusDto, cancellationToken).ConfigureAwait(false);
        return new ExportStatus
        {
            TaskId = taskId,
            Status = dto.Status,
            ResultUrl = Uri.TryCreate(dto.Result, UriKind.Absolute, out var url) ? url : null,
            RequestedAt = dto.RequestedAt,
            StartedAt = dto.StartedAt,
            CompletedAt = dto.CompletedAt,
        };
    }

    /// <summary>
    /// Reads the status every <paramref name="pollInterval"/> (on the client's <see cref="HubSpotClientOptions.TimeProvider"/>)
    /// until it is COMPLETE or CANCELED. Download soon after: the link expires.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pollInterval"/> is not positive.</exception>
    public virtual async Task<ExportStatus> WaitForCompletionAsync(string taskId, TimeSpan pollInterval, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        while (true)
        {
            var status = await GetStatusAsync(taskId, cancellationToken).ConfigureAwait(false);
            if (status.IsTerminal)
            {
                return status;
            }

            await Task.Delay(pollInterval, _http.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Streams a completed export's file (a CSV, or a zip when HubSpot zips it) into <paramref name="destination"/>.
    /// The link is pre-signed: no token is sent with it, whatever its host.
    /// </summary>
    /// <exception cref="InvalidOperationException">The export is not COMPLETE or has no link.</exception>
    public virtual Task DownloadAsync(ExportStatus status, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(destination);
        if (status.Status != ExportTaskStatus.Complete || status.ResultUrl is not { } url)
        {
            throw new InvalidOperationException($"Export {status.TaskId} is {status.Status}, not COMPLETE with a download link: wait for it with WaitForCompletionAsync first.");
        }

        return _http.DownloadAsync(url, destination, cancellationToken);
    }

    private static ExportRequestDto ToDto(ExportRequest request)
    {
        var options = new List<string>();
        if (request.InternalNames)
        {
            options.Add("NAMES");
        }

        if (request.InternalValues)
        {
            options.Add("VALUES");
        }

        return new ExportRequestDto
        {
            ExportType = request.ExportType,
            ExportName = request.ExportName,
            Format = request.Format,
            Language = request.Language,
            ObjectType = request.ObjectType,
            ObjectProperties = [.. request.ObjectProperties],
            ListId = request.ListId,
            AssociatedObjectType = request.AssociatedObjectType,
            ExportInternalValuesOptions = options.Count == 0 ? null : options,
            PublicCrmSearchRequest = request.Filter is { } filter ? ToSearch(filter) : null,
        };
    }

    private static ExportSearchDto ToSearch(CrmSearchRequest filter) => new()
    {
        FilterGroups = filter.FilterGroups.Count == 0 ? null : [.. filter.FilterGroups.Select(g => new SearchFilterGroupDto { Filters = [.. g.Select(SearchWindows.ToDto)] })],
        Sorts = filter.SortProperty is { } sort
            ? [new SearchSortDto { PropertyName = sort, Direction = filter.SortDirection == SortDirection.Descending ? "DESCENDING" : "ASCENDING" }]
            : null,
        Query = filter.Query,
    };
}
