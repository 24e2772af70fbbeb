using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spoke.Http;
using Spoke.Paging;
using static Spoke.Http.ApiPaths;

// "Imports" is a Visual Basic keyword; the namespace is named for HubSpot's Imports API, and VB callers can write [Imports].
[assembly: System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Scope = "namespace", Target = "~N:Spoke.Imports",
    Justification = "Named for HubSpot's Imports API; Visual Basic callers escape it as [Imports].")]

namespace Spoke.Imports;

/// <summary>
/// HubSpot's Imports API (docs/hubspot-api.md §3.9): start an import of CSV files, follow it to a terminal state, list
/// its row errors, cancel it.
/// <code>
/// var started = await client.Imports.StartAsync(new ImportRequest { Name = "Leads" }, [file], ct);
/// var done = await client.Imports.WaitForCompletionAsync(started.Id, TimeSpan.FromSeconds(5), ct);
/// await foreach (var error in client.Imports.ListErrorsAsync(done.Id, new ImportErrorOptions { IncludeErrorMessage = true }, ct)) { ... }
/// </code>
/// </summary>
public class ImportsClient
{
    private static readonly ImportsJsonContext Json = ImportsJsonContext.Default;
    private static readonly MediaTypeHeaderValue CsvMediaType = new("text/csv");
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected ImportsClient()
    {
    }

    internal ImportsClient(HubSpotHttp http) => _http = http;

    private string Root => _http.Options.ImportsPrefix();

    private string One(string importId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(importId);
        return $"{Root}/{Seg(importId)}";
    }

    /// <summary>
    /// Starts an import: the request's settings and each file, uploaded as a stream (opened with
    /// <see cref="ImportFile.OpenRead"/>, not read into memory). HubSpot answers at once (usually STARTED) and imports in the
    /// background: follow it with <see cref="WaitForCompletionAsync"/>. Not sent again after a failure that may have
    /// reached HubSpot (an import twice would write every row twice).
    /// </summary>
    /// <exception cref="ArgumentException">No files, or two files with the same name.</exception>
    public virtual async Task<HubSpotImport> StartAsync(ImportRequest request, IReadOnlyList<ImportFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new ArgumentException("An import needs at least one file.", nameof(files));
        }

        if (files.GroupBy(f => f.FileName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Two import files are named \"{twice.Key}\": HubSpot matches uploads to their settings by name, so names must differ.", nameof(files));
        }

        var requestJson = JsonSerializer.Serialize(ToDto(request, files), Json.ImportRequestDto);
        var dto = await _http.SendContentAsync(HubSpotOperation.Create(Root), Root, ct => MultipartAsync(requestJson, files, ct), Json.ImportResponseDto, cancellationToken)
            .ConfigureAwait(false);
        return ToModel(dto);
    }

    /// <summary>One import: its state and counters.</summary>
    public virtual async Task<HubSpotImport> GetAsync(string importId, CancellationToken cancellationToken = default)
    {
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root, "{importId}"), One(importId), Json.ImportResponseDto, cancellationToken).ConfigureAwait(false);
        return ToModel(dto);
    }

    /// <summary>The portal's imports, newest first, streamed page by page.</summary>
    public virtual AsyncPageable<HubSpotImport> ListAsync(CancellationToken cancellationToken = default) =>
        new(async (after, pageSize, ct) =>
        {
            var dto = await _http.SendAsync(HubSpotOperation.Get(Root), Root + PageQuery(after, pageSize), Json.ImportPageDto, ct).ConfigureAwait(false);
            return new Page<HubSpotImport>([.. dto.Results.Select(ToModel)], dto.Paging?.Next?.After);
        }, cancellationToken);

    /// <summary>Cancels an import that has not finished; rows already written stay.</summary>
    public virtual Task CancelAsync(string importId, CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Converge(Root, "{importId}/cancel"), $"{One(importId)}/cancel", Json.ImportCancelDto, cancellationToken);

    /// <summary>The rows that failed, streamed page by page, with messages and row data when asked for.</summary>
    public virtual AsyncPageable<ImportError> ListErrorsAsync(string importId, ImportErrorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var path = $"{One(importId)}/errors";
        var flags = $"includeErrorMessage={(options?.IncludeErrorMessage == true ? "true" : "false")}&includeRowData={(options?.IncludeRowData == true ? "true" : "false")}";
        return new AsyncPageable<ImportError>(async (after, pageSize, ct) =>
        {
            var dto = await _http.SendAsync(HubSpotOperation.Get(Root, "{importId}/errors"), $"{path}{PageQuery(after, pageSize)}&{flags}", Json.ImportErrorPageDto, ct)
                .ConfigureAwait(false);
            return new Page<ImportError>([.. dto.Results.Select(ToModel)], dto.Paging?.Next?.After);
        }, cancellationToken);
    }

    /// <summary>
    /// Reads the import every <paramref name="pollInterval"/> (on the client's <see cref="HubSpotClientOptions.TimeProvider"/>)
    /// until it is DONE, FAILED, CANCELED or REVERTED, and returns it then. Cancel the token to stop waiting (the import goes on).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pollInterval"/> is not positive.</exception>
    public virtual async Task<HubSpotImport> WaitForCompletionAsync(string importId, TimeSpan pollInterval, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        while (true)
        {
            var import = await GetAsync(importId, cancellationToken).ConfigureAwait(false);
            if (import.IsTerminal)
            {
                return import;
            }

            await Task.Delay(pollInterval, _http.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string PageQuery(string? after, int? pageSize) =>
        $"?limit={(pageSize ?? 100).ToString(CultureInfo.InvariantCulture)}{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}";

    /// <summary>A fresh multipart body: the settings as the <c>importRequest</c> field, each file streamed as a <c>files</c> part.</summary>
    private static async Task<HttpContent> MultipartAsync(string requestJson, IReadOnlyList<ImportFile> files, CancellationToken cancellationToken)
    {
        var content = new MultipartFormDataContent();
        try
        {
#pragma warning disable CA2000 // Each part is handed to the multipart content, which disposes it (and the file stream) with itself.
            content.Add(new StringContent(requestJson, Encoding.UTF8), "importRequest");
            foreach (var file in files)
            {
                var stream = await file.OpenRead(cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"ImportFile.OpenRead returned no stream for \"{file.FileName}\".");
                var part = new StreamContent(stream);
                part.Headers.ContentType = CsvMediaType;
                content.Add(part, "files", file.FileName);
            }
#pragma warning restore CA2000

            return content;
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    private static ImportRequestDto ToDto(ImportRequest request, IReadOnlyList<ImportFile> files) => new()
    {
        Name = request.Name,
        ImportOperations = request.Operations.Count == 0 ? null : request.Operations.ToDictionary(kv => kv.Key, kv => kv.Value switch
        {
            ImportOperation.Create => "CREATE",
            ImportOperation.Update => "UPDATE",
            _ => "UPSERT",
        }, StringComparer.Ordinal),
        DateFormat = request.DateFormat switch
        {
            ImportDateFormat.DayMonthYear => "DAY_MONTH_YEAR",
            ImportDateFormat.YearMonthDay => "YEAR_MONTH_DAY",
            _ => "MONTH_DAY_YEAR",
        },
        MarketableContactImport = request.MarketableContactImport,
        Files = [.. files.Select(f => new ImportFileDto
        {
            FileName = f.FileName,
            FileFormat = f.FileFormat,
            FileImportPage = new ImportFilePageDto
            {
                HasHeader = f.HasHeader,
                ColumnMappings = [.. f.ColumnMappings.Select(c => new ImportColumnDto
                {
                    ColumnName = c.ColumnName,
                    ColumnObjectTypeId = c.ObjectTypeId,
                    PropertyName = c.PropertyName,
                    ColumnType = c.ColumnType,
                    ToColumnObjectTypeId = c.ToColumnObjectTypeId,
                    AssociationIdentifierColumn = c.AssociationIdentifierColumn,
                })],
            },
        })],
    };

    private static HubSpotImport ToModel(ImportResponseDto dto) => new()
    {
        Id = dto.Id,
        State = dto.State,
        Name = dto.ImportName,
        CreatedAt = dto.CreatedAt,
        UpdatedAt = dto.UpdatedAt,
        Counters = dto.Metadata?.Counters ?? new Dictionary<string, long>(),
        FileIds = dto.Metadata?.FileIds ?? [],
        MappedObjectTypeIds = dto.MappedObjectTypeIds ?? [],
    };

    private static ImportError ToModel(ImportErrorDto dto) => new()
    {
        Id = dto.Id,
        ErrorType = dto.ErrorType,
        ObjectTypeId = dto.ObjectTypeId,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(dto.CreatedAt),
        ErrorMessage = dto.ErrorMessage,
        InvalidValue = dto.InvalidValue,
        LineNumber = dto.SourceData?.LineNumber,
        RowData = dto.SourceData?.RowData ?? [],
    };
}
