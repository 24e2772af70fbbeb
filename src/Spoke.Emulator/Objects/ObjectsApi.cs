using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Merge;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Objects;

/// <summary>CRM objects v3: list, get, create, update, archive and batch (docs/hubspot-api.md §3.1, §4).</summary>
internal static class ObjectsApi
{
    /// <summary>The classic path and the dated aliases (docs/hubspot-api.md §1a).</summary>
    public static readonly string[] Prefixes = ["/crm/v3/objects", "/crm/objects/2026-03", "/crm/objects/2026-09"];

    /// <summary>Maps the object routes under a prefix such as <c>/crm/v3/objects</c> or <c>/crm/objects/2026-09</c>.</summary>
    public static void MapObjectsApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapGet("/{objectType}", List);
        g.MapPost("/{objectType}", Create);
        g.MapGet("/{objectType}/{objectId}", Get);
        g.MapPatch("/{objectType}/{objectId}", Update);
        g.MapDelete("/{objectType}/{objectId}", Archive);
        g.MapPost("/{objectType}/batch/read", BatchRead);
        g.MapPost("/{objectType}/batch/create", BatchCreate);
        g.MapPost("/{objectType}/batch/update", BatchUpdate);
        g.MapPost("/{objectType}/batch/upsert", BatchUpsert);
        g.MapPost("/{objectType}/batch/archive", BatchArchive);
    }

    private static IResult List(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        var q = ctx.Request.Query;
        using var _ = portal.Read();
        var type = portal.ResolveType(objectType);
        grant.Require(type.ReadScopes);
        var selection = PropertySelection.From(type, q["properties"], q["propertiesWithHistory"], portal.Fidelity.ReturnNullForEmptyRequestedProperties);
        // propertiesWithHistory caps a page at 50 (docs/hubspot-api.md §3.1; UNVERIFIED figure, conventional).
        var max = selection.WithHistory.Count > 0 ? 50 : portal.Fidelity.ListMaxLimit;
        var limit = Math.Clamp(Query.Int(q, "limit") ?? 10, 1, max);
        var afterId = Query.After(q);
        var archived = Query.Bool(q, "archived") ?? false;
        var store = portal.Store(type);
        var catalog = portal.Catalog(type);
        var associations = RecordAssociations.Parse(grant, portal, q["associations"]);
        var page = new List<CrmRecord>(limit);
        CrmRecord? next = null;
        foreach (var r in store.After(afterId - 1))
        {
            if (r.Archived != archived)
            {
                continue;
            }

            if (page.Count == limit)
            {
                next = r;
                break;
            }

            page.Add(r);
        }

        var url = Query.BaseUrl(ctx);
        var origin = Query.Origin(ctx);
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var r in page)
            {
                RecordJson.Write(w, r, selection, catalog, RecordAssociations.Writer(portal, type, r, associations, origin));
            }

            w.WriteEndArray();
            if (next is not null)
            {
                Query.WritePaging(w, ctx, url, RecordJson.Id(next.Id));
            }

            w.WriteEndObject();
        });
    }

    private static IResult Get(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string objectId)
    {
        var q = ctx.Request.Query;
        using var _ = portal.Read();
        var type = portal.ResolveType(objectType);
        grant.Require(type.ReadScopes);
        var archived = Query.Bool(q, "archived") ?? false;
        var record = portal.Store(type).Lookup(objectId, q["idProperty"], archived) ?? throw ObjectStore.NotFound(objectId);
        var selection = PropertySelection.From(type, q["properties"], q["propertiesWithHistory"], portal.Fidelity.ReturnNullForEmptyRequestedProperties);
        var catalog = portal.Catalog(type);
        var associations = RecordAssociations.Writer(portal, type, record, RecordAssociations.Parse(grant, portal, q["associations"]), Query.Origin(ctx));
        return JsonIO.Json(w => RecordJson.Write(w, record, selection, catalog, associations));
    }

    private static async Task<IResult> Create(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var input = RecordWriter.ReadProperties(doc.RootElement.Field("properties"));
        var associationInputs = RecordAssociations.ReadCreateInputs(doc.RootElement);
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(type.WriteScopes);
        var writer = new RecordWriter(portal);
        var values = writer.PrepareCreate(type, input);
        var associate = RecordAssociations.Prepare(grant, portal, type, associationInputs);
        var record = writer.CommitCreate(type, values);
        associate(record);
        var selection = PropertySelection.DefaultsPlus(type, input.Keys, false);
        var catalog = portal.Catalog(type);
        return JsonIO.Json(201, w => RecordJson.Write(w, record, selection, catalog));
    }

    private static async Task<IResult> Update(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string objectId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var input = RecordWriter.ReadProperties(doc.RootElement.Field("properties"));
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(type.WriteScopes);
        var record = portal.Store(type).Lookup(objectId, ctx.Request.Query["idProperty"], archived: false) ?? throw ObjectStore.NotFound(objectId);
        new RecordWriter(portal).Update(type, record, input);
        var selection = PropertySelection.DefaultsPlus(type, input.Keys, false);
        var catalog = portal.Catalog(type);
        return JsonIO.Json(w => RecordJson.Write(w, record, selection, catalog));
    }

    private static IResult Archive(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string objectId)
    {
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(type.WriteScopes);
        // HubSpot answers 204 whether or not the record existed.
        // A merged-away id is not an alias here: deleting it must not archive the record that absorbed it.
        if (portal.Store(type).Lookup(objectId, null, archived: false, followMerged: false) is { } record)
        {
            ArchiveRecord(portal, type, record);
        }

        return JsonIO.NoContent();
    }

    /// <summary>Echoes an input's <c>objectWriteTraceId</c> on its result, as HubSpot's batch responses may.</summary>
    private static Action<System.Text.Json.Utf8JsonWriter>? TraceWriter(string? traceId) =>
        traceId is null ? null : w => w.WriteString("objectWriteTraceId", traceId);

    internal static void ArchiveRecord(PortalState portal, ObjectType type, CrmRecord record)
    {
        var store = portal.Store(type);
        store.SetArchived(record, true, portal.Now);
        portal.Touch(store, record);
    }

    private static async Task<IResult> BatchRead(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var inputs = Batch.Inputs(body, portal);
        var started = portal.Now;
        using var _ = portal.Read();
        var type = portal.ResolveType(objectType);
        grant.Require(type.ReadScopes);
        var archived = Query.Bool(ctx.Request.Query, "archived") ?? false;
        var idProperty = body.String("idProperty");
        var selection = PropertySelection.From(type, Batch.Strings(body.Field("properties")), Batch.Strings(body.Field("propertiesWithHistory")),
            portal.Fidelity.ReturnNullForEmptyRequestedProperties);
        var catalog = portal.Catalog(type);
        var found = new List<CrmRecord>();
        var seen = new HashSet<long>();
        var missing = new List<string>();
        foreach (var input in inputs)
        {
            var id = input.Field("id").IdString() ?? throw ApiError.Validation("Each batch read input needs an \"id\".");
            var record = portal.Store(type).Lookup(id, idProperty, archived);
            if (record is null)
            {
                missing.Add(id);
            }
            else if (seen.Add(record.Id))
            {
                found.Add(record);
            }
        }

        var errors = missing.Count == 0 ? [] : new List<ApiError>
        {
            new(404, "OBJECT_NOT_FOUND", $"Could not get some {type.Singular.ToUpperInvariant()} objects, they may be deleted or not exist. Check that ids are valid.")
            {
                Context = ApiError.Ctx("ids", [.. missing]),
            },
        };
        return Batch.Result(ctx, started, portal.Now, 200, found, errors, (w, r) => RecordJson.Write(w, r, selection, catalog));
    }

    private static async Task<IResult> BatchCreate(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal);
        var started = portal.Now;
        var parsed = inputs.Select(i => (
            Properties: RecordWriter.ReadProperties(i.Field("properties")),
            TraceId: i.String("objectWriteTraceId"),
            Associations: RecordAssociations.ReadCreateInputs(i))).ToList();

        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(type.WriteScopes);
        var writer = new RecordWriter(portal);
        var catalog = portal.Catalog(type);
        var guard = new UniqueGuard(portal.Store(type));
        // Associations are validated with their input, before anything is written, so all-or-nothing holds for them too.
        var outcome = Batch.Apply(parsed, p => p.TraceId, p =>
        {
            var values = writer.PrepareCreate(type, p.Properties);
            var associate = RecordAssociations.Prepare(grant, portal, type, p.Associations);
            var record = writer.CommitCreate(type, values);
            associate(record);
            return record;
        }, p =>
        {
            var values = writer.PrepareCreate(type, p.Properties);
            guard.Check(values);
            var associate = RecordAssociations.Prepare(grant, portal, type, p.Associations);
            return () =>
            {
                var record = writer.CommitCreate(type, values);
                associate(record);
                return record;
            };
        });
        var names = parsed.SelectMany(p => p.Properties.Keys).ToList();
        var selection = PropertySelection.DefaultsPlus(type, names, false);
        return Batch.Result(ctx, started, portal.Now, 201, [.. outcome.Traced], outcome.Errors, (w, r) => RecordJson.Write(w, r.Result, selection, catalog, TraceWriter(r.TraceId)));
    }

    private static async Task<IResult> BatchUpdate(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal);
        var started = portal.Now;
        var parsed = inputs.Select(i => (
            Id: i.Field("id").IdString() ?? throw ApiError.Validation("Each batch update input needs an \"id\"."),
            IdProperty: i.String("idProperty"),
            Properties: RecordWriter.ReadProperties(i.Field("properties")),
            TraceId: i.String("objectWriteTraceId"))).ToList();
        Batch.RejectDuplicateIds(parsed.Select(p => p.Id));
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(type.WriteScopes);
        var writer = new RecordWriter(portal);
        var catalog = portal.Catalog(type);
        var missing = new List<string>();
        var present = new List<(CrmRecord Record, Dictionary<string, string> Properties, string? TraceId)>();
        foreach (var p in parsed)
        {
            if (portal.Store(type).Lookup(p.Id, p.IdProperty, archived: false) is { } record)
            {
                present.Add((record, p.Properties, p.TraceId));
            }
            else
            {
                missing.Add(p.Id);
            }
        }

        var guard = new UniqueGuard(portal.Store(type));
        var outcome = Batch.Apply(present, p => p.TraceId, p =>
        {
            writer.Update(type, p.Record, p.Properties);
            return p.Record;
        }, p =>
        {
            var values = writer.PrepareUpdate(type, p.Record, p.Properties);
            guard.Check(values);
            return () =>
            {
                writer.CommitUpdate(type, p.Record, values);
                return p.Record;
            };
        });
        if (missing.Count > 0)
        {
            outcome.Errors.Add(new ApiError(404, "OBJECT_NOT_FOUND", $"Could not update some {type.Singular.ToUpperInvariant()} objects, they may be deleted or not exist. Check that ids are valid.")
            {
                Context = ApiError.Ctx("ids", [.. missing]),
            });
        }

        var selection = PropertySelection.DefaultsPlus(type, parsed.SelectMany(p => p.Properties.Keys), false);
        return Batch.Result(ctx, started, portal.Now, 200, [.. outcome.Traced], outcome.Errors, (w, r) => RecordJson.Write(w, r.Result, selection, catalog, TraceWriter(r.TraceId)));
    }

    private static async Task<IResult> BatchUpsert(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal);
        var started = portal.Now;
        var parsed = inputs.Select(i => (
            Id: i.Field("id").IdString() ?? throw ApiError.Validation("Each batch upsert input needs an \"id\": the value of its idProperty."),
            IdProperty: i.String("idProperty"),
            Properties: RecordWriter.ReadProperties(i.Field("properties")),
            TraceId: i.String("objectWriteTraceId"))).ToList();
        Batch.RejectDuplicateIds(parsed.Select(p => $"{p.IdProperty}:{p.Id.ToLowerInvariant()}"), parsed.Select(p => p.Id).ToList());
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(type.WriteScopes);
        var writer = new RecordWriter(portal);
        var store = portal.Store(type);
        var catalog = portal.Catalog(type);
        var created = new HashSet<long>();
        var guard = new UniqueGuard(store);
        Func<CrmRecord> Prepare((string Id, string? IdProperty, Dictionary<string, string> Properties, string? TraceId) p)
        {
            var idProperty = p.IdProperty ?? "hs_object_id";
            var record = portal.Store(type).Lookup(p.Id, idProperty, archived: false);
            if (record is not null)
            {
                var changes = writer.PrepareUpdate(type, record, p.Properties);
                guard.Check(changes);
                return () =>
                {
                    writer.CommitUpdate(type, record, changes);
                    return record;
                };
            }

            if (idProperty == "hs_object_id")
            {
                throw ObjectStore.NotFound(p.Id);
            }

            var values = writer.PrepareCreate(type, new Dictionary<string, string>(p.Properties, StringComparer.Ordinal) { [idProperty] = p.Id });
            guard.Check(values);
            return () =>
            {
                var made = writer.CommitCreate(type, values);
                created.Add(made.Id);
                return made;
            };
        }

        var outcome = Batch.Apply(parsed, p => p.TraceId, p => Prepare(p)(), Prepare);
        var selection = PropertySelection.DefaultsPlus(type, parsed.SelectMany(p => p.Properties.Keys), false);
        return Batch.Result(ctx, started, portal.Now, 200, [.. outcome.Traced], outcome.Errors,
            (w, r) => RecordJson.Write(w, r.Result, selection, catalog, x =>
            {
                x.WriteBoolean("new", created.Contains(r.Result.Id));
                TraceWriter(r.TraceId)?.Invoke(x);
            }));
    }

    private static async Task<IResult> BatchArchive(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal);
        var ids = inputs.Select(i => i.Field("id").IdString() ?? throw ApiError.Validation("Each batch archive input needs an \"id\".")).ToList();
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(type.WriteScopes);
        foreach (var id in ids)
        {
            if (portal.Store(type).Lookup(id, null, archived: false, followMerged: false) is { } record)
            {
                ArchiveRecord(portal, type, record);
            }
        }

        return JsonIO.NoContent();
    }
}

/// <summary>Within one all-or-nothing batch, two inputs may not claim the same unique value.</summary>
internal sealed class UniqueGuard(ObjectStore store)
{
    private readonly HashSet<(string, string)> _seen = [];

    public void Check(Dictionary<string, string> values)
    {
        foreach (var (name, value) in values)
        {
            if (value.Length > 0 && store.IsUnique(name) && !_seen.Add((name, ObjectStore.UniqueKey(value))))
            {
                throw ApiError.Validation($"Two inputs of this batch set {name} to {value}; {name} must be unique.",
                    context: ApiError.Ctx("propertyName", name));
            }
        }
    }
}
