using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Imports;

/// <summary>
/// CRM imports v3 (docs/hubspot-api.md §3.9): a multipart POST of an <c>importRequest</c> and its CSV files starts an
/// import that runs in the background (STARTED → PROCESSING → DONE, or CANCELED); list, read, cancel, and the row errors.
/// </summary>
internal static class ImportsApi
{
    public const string Scope = "crm.import";
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 100;

    /// <summary>The <c>importRequest</c> part is JSON text; more than this is not an import request.</summary>
    private const int MaxRequestJsonBytes = 1024 * 1024;

    private static readonly string[] Operations = ["CREATE", "UPDATE", "UPSERT"];
    private static readonly string[] DateFormats = ["MONTH_DAY_YEAR", "DAY_MONTH_YEAR", "YEAR_MONTH_DAY"];

    public static readonly IReadOnlyList<string> Prefixes = ["/crm/v3/imports", "/crm/imports/2026-03", "/crm/imports/2026-09"];

    public static void MapImportsApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapPost("", (Delegate)StartAsync);
        g.MapGet("", List);
        g.MapGet("/{importId}", Get);
        g.MapPost("/{importId}/cancel", Cancel);
        g.MapGet("/{importId}/errors", Errors);
    }

    private sealed record Part(string FileName, byte[] Bytes);

    private static async Task<IResult> StartAsync(HttpContext ctx, PortalState portal, ImportJobs jobs, TokenGrant grant)
    {
        var fidelity = portal.Fidelity;
        using (portal.Read())
        {
            // Refuse before reading a large body with a token that may not import.
            grant.Require(Scope);
        }

        var (requestJson, parts) = await ReadMultipartAsync(ctx, fidelity.ImportMaxFileBytes).ConfigureAwait(false);
        using var doc = ParseRequest(requestJson);
        var body = doc.RootElement;
        var name = body.String("name");
        var dateFormat = body.String("dateFormat") ?? "MONTH_DAY_YEAR";
        if (!DateFormats.Contains(dateFormat))
        {
            throw ApiError.Validation($"dateFormat must be one of {string.Join(", ", DateFormats)}; got \"{dateFormat}\".", context: ApiError.Ctx("dateFormat", dateFormat));
        }

        var fileSpecs = body.Field("files");
        if (fileSpecs.ValueKind != JsonValueKind.Array || fileSpecs.GetArrayLength() == 0)
        {
            throw ApiError.Validation("The importRequest needs \"files\": one entry per uploaded file, with its fileName and fileImportPage.columnMappings.",
                context: ApiError.Ctx("field", "files"));
        }

        if (parts.Count == 0)
        {
            throw ApiError.Validation("The request holds no file: send each CSV as a multipart part named \"files\".", context: ApiError.Ctx("field", "files"));
        }

        using var _ = portal.Write();
        grant.Require(Scope);
        var operations = ReadOperations(portal, body.Field("importOperations"));
        var files = new List<ImportFile>();
        var mapped = new List<string>();
        var fileNumber = 0;
        foreach (var spec in fileSpecs.EnumerateArray())
        {
            var fileName = spec.String("fileName");
            var part = parts.Find(p => p.FileName == fileName) ?? (fileSpecs.GetArrayLength() == 1 && parts.Count == 1 ? parts[0] : null)
                ?? throw ApiError.Validation($"No uploaded file is named \"{fileName}\": each files[].fileName must match the name of a \"files\" part.",
                    context: ApiError.Ctx("fileName", fileName ?? ""));
            var format = spec.String("fileFormat") ?? "CSV";
            if (format != "CSV" || part.FileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) || part.FileName.EndsWith(".xls", StringComparison.OrdinalIgnoreCase))
            {
                throw ApiError.Validation($"The emulator imports CSV files only; \"{part.FileName}\" is {format}. Save the sheet as CSV (UTF-8).",
                    context: ApiError.Ctx("fileFormat", format));
            }

            var page = spec.Field("fileImportPage");
            var hasHeader = page.Field("hasHeader").ValueKind != JsonValueKind.False;
            var (header, rows) = CsvFile.Parse(part.FileName, part.Bytes, hasHeader, fidelity.ImportMaxRowsPerFile);
            var columns = ReadColumns(portal, page.Field("columnMappings"), header, part.FileName);
            foreach (var typeId in columns.Select(c => c.ObjectTypeId).Where(t => !mapped.Contains(t)))
            {
                mapped.Add(typeId);
            }

            var fileId = (90_000_000_000L + (jobs.All.Count * 10) + fileNumber++).ToString(CultureInfo.InvariantCulture);
            files.Add(new ImportFile(fileId, part.FileName, columns, rows, Math.Max(header.Count, columns.Count == 0 ? 0 : columns.Max(c => c.Index) + 1)));
        }

        var total = files.Sum(f => (long)f.Rows.Count);
        if (!jobs.TryReserveRows(total, fidelity.ImportMaxRowsPerDay))
        {
            throw new ApiError(429, "RATE_LIMITS",
                string.Create(CultureInfo.InvariantCulture, $"This import's {total} rows would pass the portal's daily import limit of {fidelity.ImportMaxRowsPerDay} rows. Import the rest tomorrow."));
        }

        var now = portal.Now;
        var job = new ImportJob
        {
            Id = jobs.NextId(),
            Name = name,
            RequestJson = requestJson,
            Operations = operations,
            DateFormat = dateFormat,
            Files = files,
            MappedObjectTypeIds = mapped,
            OptOutImport = false,
            CreatedAt = now,
            UpdatedAt = now,
        };
        job.Count(ImportCounters.MappedColumns, files.Sum(f => f.Columns.Count));
        var unmapped = files.Sum(f => Math.Max(0, f.HeaderColumns - f.Columns.Count));
        if (unmapped > 0)
        {
            job.Count(ImportCounters.UnmappedColumns, unmapped);
        }

        var answer = Snapshot(w => WriteJob(w, job));
        jobs.Start(job);
        return answer;
    }

    private static IResult List(HttpContext ctx, PortalState portal, ImportJobs jobs, TokenGrant grant)
    {
        var q = ctx.Request.Query;
        var limit = Math.Clamp(Query.Int(q, "limit") ?? DefaultPageSize, 1, MaxPageSize);
        var after = Query.After(q);
        using var _ = portal.Read();
        grant.Require(Scope);
        // Newest first, as HubSpot's import history lists them; the cursor is the id of the next page's first import.
        var ordered = jobs.All.Reverse().Where(j => after == 0 || j.Id <= after).ToList();
        var page = ordered.Take(limit).ToList();
        var next = ordered.Count > limit ? ordered[limit] : null;
        var url = Query.BaseUrl(ctx);
        return Snapshot(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var job in page)
            {
                WriteJob(w, job);
            }

            w.WriteEndArray();
            if (next is not null)
            {
                Query.WritePaging(w, ctx, url, next.Id.ToString(CultureInfo.InvariantCulture));
            }

            w.WriteEndObject();
        });
    }

    private static IResult Get(PortalState portal, ImportJobs jobs, TokenGrant grant, string importId)
    {
        using var _ = portal.Read();
        grant.Require(Scope);
        var job = Require(jobs, importId);
        return Snapshot(w => WriteJob(w, job));
    }

    private static IResult Cancel(PortalState portal, ImportJobs jobs, TokenGrant grant, string importId)
    {
        using var _ = portal.Write();
        grant.Require(Scope);
        var job = Require(jobs, importId);
        var requestedAt = portal.Now;
        if (!ImportStates.IsTerminal(job.State))
        {
            // The worker writes rows only under the portal lock, which this request holds: no chunk is half done.
            job.CancelRequested = true;
            job.State = ImportStates.Canceled;
            job.UpdatedAt = requestedAt;
        }

        return Snapshot(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "COMPLETE");
            w.WriteString("requestedAt", PropertyValues.FormatInstant(requestedAt));
            w.WriteString("startedAt", PropertyValues.FormatInstant(requestedAt));
            w.WriteString("completedAt", PropertyValues.FormatInstant(portal.Now));
            w.WriteStartObject("links");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static IResult Errors(HttpContext ctx, PortalState portal, ImportJobs jobs, TokenGrant grant, string importId)
    {
        var q = ctx.Request.Query;
        var limit = Math.Clamp(Query.Int(q, "limit") ?? DefaultPageSize, 1, MaxPageSize);
        var after = Query.After(q);
        var includeMessage = Query.Bool(q, "includeErrorMessage") ?? false;
        var includeRowData = Query.Bool(q, "includeRowData") ?? false;
        using var _ = portal.Read();
        grant.Require(Scope);
        var job = Require(jobs, importId);
        var start = (int)Math.Min(after, job.Errors.Count);
        var page = job.Errors.Skip(start).Take(limit).ToList();
        var hasNext = start + page.Count < job.Errors.Count;
        var url = Query.BaseUrl(ctx);
        return Snapshot(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var error in page)
            {
                WriteError(w, portal, error, includeMessage, includeRowData);
            }

            w.WriteEndArray();
            if (hasNext)
            {
                Query.WritePaging(w, ctx, url, (start + page.Count).ToString(CultureInfo.InvariantCulture));
            }

            w.WriteEndObject();
        });
    }

    private static ImportJob Require(ImportJobs jobs, string importId) =>
        jobs.Find(importId) ?? throw ApiError.NotFound($"Import {importId} was not found: it may not exist, or belong to another portal.");

    private static async Task<(string RequestJson, List<Part> Files)> ReadMultipartAsync(HttpContext ctx, long maxFileBytes)
    {
        if (!MediaTypeHeaderValue.TryParse(ctx.Request.ContentType, out var contentType) ||
            !string.Equals(contentType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase) ||
            HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            throw ApiError.Validation("An import is a multipart/form-data request (with a boundary): an \"importRequest\" part holding JSON and one \"files\" part per CSV.",
                context: ApiError.Ctx("contentType", ctx.Request.ContentType ?? ""));
        }

        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // Several files may come in one request; each is checked against the per-file bound below.
            size.MaxRequestBodySize = maxFileBytes > long.MaxValue / 8 ? null : (maxFileBytes * 8) + MaxRequestJsonBytes;
        }

        string? requestJson = null;
        var files = new List<Part>();
        var reader = new MultipartReader(boundary, ctx.Request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        try
        {
            while (await reader.ReadNextSectionAsync(ctx.RequestAborted).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) || !disposition.Name.HasValue)
                {
                    throw ApiError.Validation("Every part of the multipart body needs a Content-Disposition: form-data header with a name.");
                }

                var partName = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                switch (partName)
                {
                    case "importRequest":
                        var json = await ReadBoundedAsync(section.Body, MaxRequestJsonBytes, "importRequest", ctx.RequestAborted).ConfigureAwait(false);
                        if (!System.Text.Unicode.Utf8.IsValid(json))
                        {
                            throw ApiError.Validation("The importRequest part is not valid UTF-8 JSON.", context: ApiError.Ctx("field", "importRequest"));
                        }

                        requestJson = System.Text.Encoding.UTF8.GetString(json);
                        break;
                    case "files":
                        var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                        if (string.IsNullOrWhiteSpace(fileName))
                        {
                            throw ApiError.Validation("A \"files\" part needs a filename in its Content-Disposition header.", context: ApiError.Ctx("field", "files"));
                        }

                        files.Add(new Part(fileName, await ReadBoundedAsync(section.Body, maxFileBytes, fileName, ctx.RequestAborted).ConfigureAwait(false)));
                        break;
                    default:
                        // Parts HubSpot does not know are ignored, but still read through.
                        await section.Body.CopyToAsync(Stream.Null, ctx.RequestAborted).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge("The import request", maxFileBytes);
        }
        catch (IOException ex)
        {
            throw ApiError.Validation($"The multipart body could not be read: {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            throw ApiError.Validation($"The multipart body is malformed: {ex.Message}");
        }

        if (requestJson is null)
        {
            throw ApiError.Validation("The request has no \"importRequest\" part: send the import's settings as JSON in a part named importRequest.",
                context: ApiError.Ctx("field", "importRequest"));
        }

        return (requestJson, files);
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, long max, string what, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw TooLarge($"\"{what}\"", max);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ApiError TooLarge(string what, long max) =>
        new(429, "RATE_LIMITS", string.Create(CultureInfo.InvariantCulture,
            $"{what} is larger than {max} bytes, the most one import file may hold here (HubSpot: 512 MB; the emulator's bound is FidelityOptions.ImportMaxFileBytes). Split the file."))
        {
            Context = ApiError.Ctx("maxBytes", max.ToString(CultureInfo.InvariantCulture)),
        };

    private static JsonDocument ParseRequest(string json)
    {
        try
        {
            var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw ApiError.Validation("The importRequest part must be a JSON object.", context: ApiError.Ctx("field", "importRequest"));
            }

            return doc;
        }
        catch (JsonException ex)
        {
            throw ApiError.Validation(
                $"The importRequest part is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}): {ex.Message}",
                context: ApiError.Ctx("field", "importRequest"));
        }
    }

    private static Dictionary<string, string> ReadOperations(PortalState portal, JsonElement operations)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (operations.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return result;
        }

        if (operations.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.Validation("importOperations must be an object of object type ids to CREATE, UPDATE or UPSERT, e.g. {\"0-1\":\"UPSERT\"}.",
                context: ApiError.Ctx("field", "importOperations"));
        }

        foreach (var p in operations.EnumerateObject())
        {
            var op = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : "";
            if (!Operations.Contains(op))
            {
                throw ApiError.Validation($"importOperations[\"{p.Name}\"] must be CREATE, UPDATE or UPSERT; got \"{op}\".", context: ApiError.Ctx("importOperations", p.Name));
            }

            result[portal.ResolveType(p.Name).TypeId] = op;
        }

        return result;
    }

    private static List<ImportColumn> ReadColumns(PortalState portal, JsonElement mappings, IReadOnlyList<string> header, string fileName)
    {
        if (mappings.ValueKind != JsonValueKind.Array || mappings.GetArrayLength() == 0)
        {
            throw ApiError.Validation($"files[].fileImportPage.columnMappings for \"{fileName}\" must list the columns to import (columnName, columnObjectTypeId, propertyName).",
                context: ApiError.Ctx("field", "columnMappings"));
        }

        var columns = new List<ImportColumn>();
        var position = 0;
        foreach (var m in mappings.EnumerateArray())
        {
            var columnName = m.String("columnName");
            var typeKey = m.String("columnObjectTypeId") ?? throw ApiError.Validation(
                $"Column \"{columnName}\" of \"{fileName}\" needs a columnObjectTypeId (e.g. 0-1 for contacts).", context: ApiError.Ctx("columnName", columnName ?? ""));
            var type = portal.ResolveType(typeKey);
            var index = header.Count == 0 ? position : IndexOf(header, columnName);
            if (index < 0)
            {
                throw ApiError.Validation($"The file \"{fileName}\" has no column \"{columnName}\"; its header names: {string.Join(", ", header)}.",
                    context: ApiError.Ctx("columnName", columnName ?? ""));
            }

            var property = m.String("propertyName");
            var columnType = m.String("columnType") ?? m.String("idColumnType");
            if (property is not null && portal.Catalog(type).Find(property) is null)
            {
                throw ApiError.Validation($"Column \"{columnName}\" maps to \"{property}\", which is not a property of {type.Name}. Create the property first, or map the column to another.",
                    context: ApiError.Ctx("propertyName", property));
            }

            if (property is null && columnType is not ImportRowWriter.ObjectIdColumn)
            {
                throw ApiError.Validation($"Column \"{columnName}\" needs a propertyName (or columnType HUBSPOT_OBJECT_ID for record ids).",
                    context: ApiError.Ctx("columnName", columnName ?? ""));
            }

            columns.Add(new ImportColumn(index, columnName ?? "", type.TypeId, property, columnType));
            position++;
        }

        return columns;
    }

    private static int IndexOf(IReadOnlyList<string> header, string? columnName)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i].Trim(), columnName?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    internal static void WriteJob(Utf8JsonWriter w, ImportJob job)
    {
        w.WriteStartObject();
        w.WriteString("id", job.Id.ToString(CultureInfo.InvariantCulture));
        w.WriteString("state", job.State);
        w.WriteString("createdAt", PropertyValues.FormatInstant(job.CreatedAt));
        w.WriteString("updatedAt", PropertyValues.FormatInstant(job.UpdatedAt));
        w.WriteStartObject("metadata");
        w.WriteStartObject("counters");
        // HubSpot lists the counters that counted something; TOTAL_ROWS is there from the start.
        w.WriteNumber(ImportCounters.TotalRows, job.Counters.GetValueOrDefault(ImportCounters.TotalRows));
        foreach (var (name, value) in job.Counters.Where(c => c.Key != ImportCounters.TotalRows && c.Value != 0).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(name, value);
        }

        w.WriteEndObject();
        w.WriteStartArray("fileIds");
        foreach (var file in job.Files)
        {
            w.WriteStringValue(file.FileId);
        }

        w.WriteEndArray();
        w.WriteStartArray("objectLists");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("mappedObjectTypeIds");
        foreach (var t in job.MappedObjectTypeIds)
        {
            w.WriteStringValue(t);
        }

        w.WriteEndArray();
        w.WriteBoolean("optOutImport", job.OptOutImport);
        if (job.Name is not null)
        {
            w.WriteString("importName", job.Name);
        }

        w.WriteString("importSource", "API");
        w.WritePropertyName("importRequestJson");
        w.WriteRawValue(job.RequestJson, skipInputValidation: false);
        w.WriteEndObject();
    }

    private static void WriteError(Utf8JsonWriter w, PortalState portal, ImportRowError error, bool includeMessage, bool includeRowData)
    {
        w.WriteStartObject();
        w.WriteString("id", error.Id);
        w.WriteNumber("createdAt", error.CreatedAt.ToUnixTimeMilliseconds());
        w.WriteString("errorType", error.ErrorType);
        w.WriteString("objectTypeId", error.ObjectTypeId);
        if (LegacyObjectType(portal, error.ObjectTypeId) is { } legacy)
        {
            w.WriteString("objectType", legacy);
        }

        if (includeMessage)
        {
            w.WriteString("errorMessage", error.Message);
            if (error.InvalidValue is not null)
            {
                w.WriteString("invalidValue", error.InvalidValue);
            }
        }

        if (error.PropertyName is not null && portal.FindType(error.ObjectTypeId) is { } type && portal.Catalog(type).Find(error.PropertyName) is { } def)
        {
            w.WriteStartObject("invalidPropertyValue");
            w.WriteString("name", def.Name);
            w.WriteString("value", includeMessage ? error.InvalidValue ?? "" : "");
            w.WriteEndObject();
        }

        w.WriteStartObject("sourceData");
        // Row values are personal data: only when asked for (includeRowData=true).
        w.WriteStartArray("rowData");
        if (includeRowData)
        {
            foreach (var cell in error.Row.Cells)
            {
                w.WriteStringValue(cell);
            }
        }

        w.WriteEndArray();
        w.WriteBoolean("containsEncryptedProperties", false);
        w.WriteNumber("lineNumber", error.Row.LineNumber);
        w.WriteNumber("fileId", long.Parse(error.FileId, CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The import errors API's <c>objectType</c> enum for standard objects (custom objects carry only the id).</summary>
    private static string? LegacyObjectType(PortalState portal, string typeId) => typeId switch
    {
        "0-1" => "CONTACT",
        "0-2" => "COMPANY",
        "0-3" => "DEAL",
        "0-5" => "TICKET",
        "0-7" => "PRODUCT",
        "0-8" => "LINE_ITEM",
        "0-27" => "TASK",
        "0-46" => "NOTE",
        _ => portal.FindType(typeId) is { IsCustom: false } t ? t.Singular.ToUpperInvariant() : null,
    };

    /// <summary>Serializes now, under the caller's lock: job state changes in the background.</summary>
    internal static IResult Snapshot(Action<Utf8JsonWriter> write, int status = 200)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, JsonIO.WriterOptions))
        {
            write(w);
        }

        var bytes = buffer.WrittenMemory.ToArray();
        return status == 200 ? Results.Bytes(bytes, "application/json;charset=utf-8") : new StatusBytes(status, bytes);
    }

    private sealed class StatusBytes(int status, byte[] bytes) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json;charset=utf-8";
            httpContext.Response.ContentLength = bytes.Length;
            return httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
        }
    }
}
