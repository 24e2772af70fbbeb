using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Imports;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Search;

namespace Spoke.Emulator.Exports;

/// <summary>
/// CRM exports v3 (docs/hubspot-api.md §3.9): start a VIEW export (optionally filtered like a search) or a LIST export;
/// 202 with a task locator; the task's status turns COMPLETE with a download link. The link works without a token
/// (HubSpot's is a pre-signed file URL) and is a random secret that expires on the emulator clock.
/// </summary>
internal static class ExportsApi
{
    public const string Scope = "crm.export";

    /// <summary>Where downloads are served. Outside the API paths: the pipeline lets these through without a token.</summary>
    public const string DownloadPrefix = "/_export-files";

    public static readonly IReadOnlyList<string> Prefixes = ["/crm/v3/exports", "/crm/exports/2026-03", "/crm/exports/2026-09"];

    private static readonly string[] Languages = ["EN", "DE", "ES", "FR", "JA", "NL", "PT_BR", "IT", "PL", "SV", "FI", "ZH_TW", "DA_DK", "NO"];

    public static void MapExportsApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapPost("/export/async", (Delegate)StartAsync);
        g.MapGet("/export/async/tasks/{taskId}/status", Status);
        g.MapGet("/export/{exportId}", Get);
    }

    public static void MapExportDownloads(this IEndpointRouteBuilder app) =>
        app.MapGet(DownloadPrefix + "/{token}/{fileName}", Download);

    /// <summary>True for a download path (the pipeline skips authentication for it: the token in the path is the credential).</summary>
    public static bool IsDownloadPath(PathString path) =>
        path.StartsWithSegments(DownloadPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The portal whose exports know the download link in <paramref name="path"/>; null when none does.</summary>
    public static Portal.PortalServices? DownloadPortal(PathString path, Portal.PortalDirectory directory)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            return null;
        }

        return directory.Services.FirstOrDefault(s =>
        {
            using var _ = s.Portal.Read();
            return s.Exports.FindDownload(segments[1]) is not null;
        });
    }

    private static async Task<IResult> StartAsync(HttpContext ctx, PortalState portal, ExportJobs jobs, TokenGrant grant)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx, 64 * 1024).ConfigureAwait(false);
        var body = doc.RootElement;
        using var _ = portal.Write();
        grant.Require(Scope);
        var exportType = body.String("exportType");
        if (exportType is not ("VIEW" or "LIST"))
        {
            throw ApiError.Validation($"exportType must be VIEW or LIST; got \"{exportType}\".", context: ApiError.Ctx("field", "exportType"));
        }

        var format = body.String("format") ?? "CSV";
        if (format is "XLS" or "XLSX")
        {
            throw ApiError.Validation($"The emulator exports CSV only; format {format} is not built. Ask for \"format\":\"CSV\".", context: ApiError.Ctx("format", format));
        }

        if (format != "CSV")
        {
            throw ApiError.Validation($"format must be CSV, XLS or XLSX; got \"{format}\".", context: ApiError.Ctx("format", format));
        }

        var language = body.String("language") ?? "EN";
        if (!Languages.Contains(language))
        {
            throw ApiError.Validation($"language must be one of {string.Join(", ", Languages)}; got \"{language}\".", context: ApiError.Ctx("language", language));
        }

        var objectType = body.String("objectType") ?? throw ApiError.Validation("An export needs an \"objectType\" (e.g. CONTACT, contacts or 0-1).",
            context: ApiError.Ctx("field", "objectType"));
        var type = ResolveType(portal, objectType);
        grant.Require(type.ReadScopes);
        var catalog = portal.Catalog(type);
        var propertiesField = body.Field("objectProperties");
        if (propertiesField.ValueKind != JsonValueKind.Array || propertiesField.GetArrayLength() == 0)
        {
            throw ApiError.Validation("An export needs \"objectProperties\": the internal names of the properties to export.", context: ApiError.Ctx("field", "objectProperties"));
        }

        var properties = new List<string>();
        foreach (var p in propertiesField.EnumerateArray())
        {
            var name = p.ValueKind == JsonValueKind.String ? p.GetString()! : throw ApiError.InvalidJson("\"objectProperties\" must be an array of strings.");
            if (catalog.Find(name) is null)
            {
                throw ApiError.Validation($"\"{name}\" is not a property of {type.Name}.", context: ApiError.Ctx("propertyName", name));
            }

            if (!properties.Contains(name))
            {
                properties.Add(name);
            }
        }

        var internals = body.Field("exportInternalValuesOptions");
        var internalOptions = internals.ValueKind == JsonValueKind.Array
            ? internals.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).ToList()
            : [];
        ObjectType? associated = body.String("associatedObjectType") is { } assoc ? ResolveType(portal, assoc) : null;
        SearchPlan? filter = null;
        long? listId = null;
        if (exportType == "LIST")
        {
            var rawListId = body.Field("listId").IdString();
            if (rawListId is null || !long.TryParse(rawListId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || portal.Lists.Find(id) is not { } list)
            {
                throw ApiError.Validation($"A LIST export needs the \"listId\" of a list in this portal; got \"{rawListId}\".", context: ApiError.Ctx("listId", rawListId ?? ""));
            }

            if (list.ObjectTypeId != type.TypeId)
            {
                throw ApiError.Validation($"List {id} holds {list.ObjectTypeId} records, not {type.TypeId} ({type.Name}).", context: ApiError.Ctx("listId", rawListId));
            }

            listId = id;
        }
        else if (body.Field("publicCrmSearchRequest") is { ValueKind: JsonValueKind.Object } search)
        {
            filter = SearchPlan.Build(SearchRequest.Parse(AsSearchBody(search).RootElement, portal.Fidelity), type, catalog, portal);
        }

        var now = portal.Now;
        var job = new ExportJob
        {
            Id = jobs.NextId(),
            ExportType = exportType,
            ExportName = body.String("exportName") ?? $"{type.Name} export",
            Type = type,
            ObjectTypeName = objectType,
            Properties = properties,
            InternalNames = internalOptions.Contains("NAMES"),
            InternalValues = internalOptions.Contains("VALUES"),
            Filter = filter,
            ListId = listId,
            AssociatedType = associated,
            RequestedAt = now,
            UpdatedAt = now,
        };
        var taskId = job.Id.ToString(CultureInfo.InvariantCulture);
        var statusLink = $"{Query.Origin(ctx)}{PrefixOf(ctx)}/export/async/tasks/{taskId}/status";
        jobs.Start(job);
        return ImportsApi.Snapshot(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", taskId);
            w.WriteStartObject("links");
            w.WriteString("status", statusLink);
            w.WriteEndObject();
            w.WriteEndObject();
        }, 202);
    }

    private static IResult Status(HttpContext ctx, PortalState portal, ExportJobs jobs, TokenGrant grant, string taskId)
    {
        using var _ = portal.Read();
        grant.Require(Scope);
        var job = Require(jobs, taskId);
        var origin = Query.Origin(ctx);
        return ImportsApi.Snapshot(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", job.TaskStatus);
            if (job.State == "DONE" && job.DownloadExpiresAt > portal.Now)
            {
                w.WriteString("result", $"{origin}{DownloadPrefix}/{job.DownloadToken}/{Uri.EscapeDataString(job.FileName!)}");
            }

            w.WriteString("requestedAt", PropertyValues.FormatInstant(job.RequestedAt));
            w.WriteString("startedAt", PropertyValues.FormatInstant(job.RequestedAt));
            w.WriteString("completedAt", PropertyValues.FormatInstant(job.CompletedAt ?? job.UpdatedAt));
            w.WriteStartObject("links");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static IResult Get(PortalState portal, ExportJobs jobs, TokenGrant grant, string exportId)
    {
        using var _ = portal.Read();
        grant.Require(Scope);
        var job = Require(jobs, exportId);
        return ImportsApi.Snapshot(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", job.Id.ToString(CultureInfo.InvariantCulture));
            w.WriteString("createdAt", PropertyValues.FormatInstant(job.RequestedAt));
            w.WriteString("updatedAt", PropertyValues.FormatInstant(job.UpdatedAt));
            w.WriteString("exportName", job.ExportName);
            w.WriteString("exportState", job.State);
            w.WriteString("exportType", job.ExportType);
            w.WriteString("objectType", job.Type.TypeId);
            w.WriteStartArray("objectProperties");
            foreach (var p in job.Properties)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
            if (job.State == "DONE")
            {
                w.WriteNumber("recordCount", job.RecordCount);
            }

            w.WriteEndObject();
        });
    }

    /// <summary>The file, for whoever holds the link: no token (HubSpot's link is pre-signed), no rate limit.</summary>
    private static IResult Download(PortalState portal, ExportJobs jobs, string token)
    {
        ExportJob? job;
        byte[]? file;
        string? fileName;
        using (portal.Read())
        {
            job = jobs.FindDownload(token);
            file = job?.File;
            fileName = job?.FileName;
        }

        if (job is null || file is null || fileName is null)
        {
            // One answer for an unknown and an expired link, as a pre-signed store gives: nothing to probe.
            throw new ApiError(403, "FORBIDDEN", "This download link is not valid or has expired. Ask for the export's status again for a fresh link, or start a new export.");
        }

        var zip = fileName.EndsWith(".zip", StringComparison.Ordinal);
        return Results.File(file, zip ? "application/zip" : "text/csv; charset=utf-8", fileName);
    }

    private static ExportJob Require(ExportJobs jobs, string id) =>
        jobs.Find(id) ?? throw ApiError.NotFound($"Export {id} was not found: it may not exist, or belong to another portal.");

    /// <summary>Export object types: a name (contacts), a type id (0-1), or HubSpot's upper-case singular (CONTACT).</summary>
    private static ObjectType ResolveType(PortalState portal, string key) =>
        portal.FindTypeLenient(key) ?? portal.FindTypeLenient(key.Replace(' ', '_')) ?? throw ApiError.UnknownObjectType(key);

    /// <summary>A search body from <c>publicCrmSearchRequest</c>; its top-level <c>filters</c> are one filter group.</summary>
    private static JsonDocument AsSearchBody(JsonElement search)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("filterGroups");
            if (search.Field("filterGroups") is { ValueKind: JsonValueKind.Array } groups && groups.GetArrayLength() > 0)
            {
                groups.WriteTo(w);
            }
            else if (search.Field("filters") is { ValueKind: JsonValueKind.Array } filters && filters.GetArrayLength() > 0)
            {
                w.WriteStartArray();
                w.WriteStartObject();
                w.WritePropertyName("filters");
                filters.WriteTo(w);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            else
            {
                w.WriteStartArray();
                w.WriteEndArray();
            }

            foreach (var name in new[] { "sorts", "query" })
            {
                if (search.Field(name) is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } value)
                {
                    w.WritePropertyName(name);
                    value.WriteTo(w);
                }
            }

            w.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    private static string PrefixOf(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        var at = path.IndexOf("/export/async", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? "/crm/v3/exports" : path[..at];
    }
}
