using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using static Spoke.Emulator.Associations.AssociationJson;

namespace Spoke.Emulator.Associations;

/// <summary>Associations v4: one record's associations and the batch endpoints (docs/hubspot-api.md §3.2, dated aliases §1a).</summary>
internal static class AssociationsV4Api
{
    /// <summary>Where one record's associations live: <c>{prefix}/{type}/{id}/associations/…</c>.</summary>
    public static readonly string[] RecordPrefixes = ["/crm/v4/objects", "/crm/objects/2026-03", "/crm/objects/2026-09"];

    /// <summary>Where the type-pair endpoints live: <c>{prefix}/{from}/{to}/batch/…</c> and <c>…/labels</c>.</summary>
    public static readonly string[] PairPrefixes = ["/crm/v4/associations", "/crm/associations/v4", "/crm/associations/2026-03", "/crm/associations/2026-09"];

    /// <summary>The per-record GET pages at most 500 associations (docs/hubspot-api.md §14).</summary>
    public const int MaxPage = 500;

    public static void MapAssociationsRecordApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapPut("/{fromType}/{fromId}/associations/default/{toType}/{toId}", PutDefault);
        g.MapPut("/{fromType}/{fromId}/associations/{toType}/{toId}", PutLabelled);
        g.MapDelete("/{fromType}/{fromId}/associations/{toType}/{toId}", DeletePair);
        g.MapGet("/{fromType}/{fromId}/associations/{toType}", List);
    }

    public static void MapAssociationsBatchApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapPost("/{fromType}/{toType}/batch/associate/default", BatchAssociateDefault);
        g.MapPost("/{fromType}/{toType}/batch/create", BatchCreate);
        g.MapPost("/{fromType}/{toType}/batch/read", BatchRead);
        g.MapPost("/{fromType}/{toType}/batch/archive", BatchArchive);
        g.MapPost("/{fromType}/{toType}/batch/labels/archive", BatchArchiveLabels);
    }

    private static IResult PutDefault(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string fromId, string toType, string toId)
    {
        var started = portal.Now;
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        var type = associator.RequireDefault(from, to);
        var (a, b) = AddBetweenLive(associator, from, fromId, to, toId, [type]);
        var inverse = associator.Definitions(to, from).Find(d => d.TypeId == type.InverseTypeId) ?? type;
        return Batch.Result(ctx, started, portal.Now, 200, [(a.Id, b.Id, type), (b.Id, a.Id, inverse)], [], WriteDefaultAssociation);
    }

    private static async Task<IResult> PutLabelled(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string fromId, string toType, string toId)
    {
        using var doc = await JsonIO.ReadAsync(ctx).ConfigureAwait(false);
        var specs = ReadSpecs(doc.RootElement, "body");
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        var a = associator.RequireLive(from, fromId);
        var b = associator.RequireLive(to, toId);
        CreateLabelled(portal, associator, from, a, to, b, specs);
        var location = $"{Query.BaseUrl(ctx)[..^(toId.Length + 1)]}";
        return JsonIO.Json(201, w => WriteLabelsBetween(w, portal, from, a.Id, to, b.Id), new Dictionary<string, string> { ["Location"] = location });
    }

    /// <summary>A labelled create: replaces the pair's labels (or adds to them, see FidelityOptions).</summary>
    internal static void CreateLabelled(PortalState portal, Associator associator, ObjectType from, CrmRecord a, ObjectType to, CrmRecord b, List<AssociationSpec> specs)
    {
        if (specs.Count == 0)
        {
            throw ApiError.Validation("Invalid input JSON: send at least one {associationCategory, associationTypeId}.");
        }

        var definitions = associator.Definitions(from, to);
        if (definitions.Count == 0)
        {
            throw Associator.NotAssociable(from, to);
        }

        var types = specs.Select(s => associator.RequireType(from, to, s.Category, s.TypeId, definitions)).ToList();
        if (portal.Fidelity.LabelledCreateReplacesLabels)
        {
            associator.Replace(from, a, to, b, types);
        }
        else
        {
            associator.Add(from, a, to, b, types);
        }
    }

    private static IResult DeletePair(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string fromId, string toType, string toId)
    {
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        if (associator.FindLive(from, fromId) is { } a && associator.FindLive(to, toId) is { } b)
        {
            associator.RemovePair(from, a, to, b);
        }

        return JsonIO.NoContent();
    }

    private static IResult List(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string fromId, string toType) =>
        ListPage(ctx, portal, grant, fromType, fromId, toType, WriteAssociated);

    /// <summary>One record's associations to a type, a page at a time (v4 and v3 differ only in how an item is written).</summary>
    internal static IResult ListPage(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string fromId, string toType, Action<Utf8JsonWriter, AssociatedRecord> writeItem)
    {
        var q = ctx.Request.Query;
        var limit = Math.Clamp(Query.Int(q, "limit") ?? MaxPage, 1, MaxPage);
        var after = Query.After(q);
        using var _ = portal.Read();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireRead(grant, from, to);
        var associator = new Associator(portal);
        var a = associator.RequireLive(from, fromId);
        var page = associator.Read(from, a, to, after).Take(limit + 1).ToList();
        var url = Query.BaseUrl(ctx);
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var r in page.Take(limit))
            {
                writeItem(w, r);
            }

            w.WriteEndArray();
            if (page.Count > limit)
            {
                Query.WritePaging(w, ctx, url, RecordJson.Id(page[limit].ToId));
            }

            w.WriteEndObject();
        });
    }

    private static async Task<IResult> BatchAssociateDefault(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal).Select(i => (From: ObjectId(i, "from"), To: ObjectId(i, "to"))).ToList();
        var started = portal.Now;
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        var type = associator.RequireDefault(from, to);
        var inverse = associator.Definitions(to, from).Find(d => d.TypeId == type.InverseTypeId) ?? type;
        var results = new List<(long, long, AssociationDefinition)>();
        var errors = new List<ApiError>();
        foreach (var input in inputs)
        {
            Each(errors, () =>
            {
                var (a, b) = AddBetweenLive(associator, from, input.From, to, input.To, [type]);
                results.Add((a.Id, b.Id, type));
                results.Add((b.Id, a.Id, inverse));
            });
        }

        return Batch.Result(ctx, started, portal.Now, 200, results, errors, WriteDefaultAssociation);
    }

    private static async Task<IResult> BatchCreate(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal)
            .Select(i => (From: ObjectId(i, "from"), To: ObjectId(i, "to"), Types: ReadSpecs(i.Field("types"), "types"))).ToList();
        var started = portal.Now;
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        var results = new List<(long, long)>();
        var errors = new List<ApiError>();
        foreach (var input in inputs)
        {
            Each(errors, () =>
            {
                var a = associator.RequireLive(from, input.From);
                var b = associator.RequireLive(to, input.To);
                CreateLabelled(portal, associator, from, a, to, b, input.Types);
                results.Add((a.Id, b.Id));
            });
        }

        return Batch.Result(ctx, started, portal.Now, 201, results, errors, (w, r) => WriteLabelsBetween(w, portal, from, r.Item1, to, r.Item2));
    }

    private static async Task<IResult> BatchRead(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal).Select(i =>
        {
            var id = i.Field("id").IdString() ?? throw ApiError.Validation("Invalid input JSON: each batch read input needs an \"id\".");
            var after = i.String("after");
            return (Id: id, After: after is null ? 0 : long.TryParse(after, out var n) ? n
                : throw ApiError.Validation($"The \"after\" cursor \"{after}\" is not valid; pass back paging.next.after unchanged.", context: ApiError.Ctx("after", after)));
        }).ToList();
        var started = portal.Now;
        using var _ = portal.Read();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireRead(grant, from, to);
        var associator = new Associator(portal);
        var results = new List<(long Id, List<AssociatedRecord> Page, long? Next)>();
        var errors = new List<ApiError>();
        foreach (var input in inputs)
        {
            var page = ReadLive(associator, from, input.Id, to, input.After, MaxPage + 1);
            if (page.Count == 0)
            {
                errors.Add(NoAssociations(from, to, input.Id));
                continue;
            }

            results.Add((long.Parse(input.Id, System.Globalization.CultureInfo.InvariantCulture), [.. page.Take(MaxPage)], page.Count > MaxPage ? page[MaxPage].ToId : null));
        }

        return Batch.Result(ctx, started, portal.Now, 200, results, errors, (w, r) =>
        {
            w.WriteStartObject();
            WriteObjectId(w, "from", r.Id);
            w.WriteStartArray("to");
            foreach (var t in r.Page)
            {
                WriteAssociated(w, t);
            }

            w.WriteEndArray();
            if (r.Next is { } next)
            {
                w.WriteStartObject("paging");
                w.WriteStartObject("next");
                w.WriteString("after", RecordJson.Id(next));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
    }

    /// <summary>HubSpot reports an id with nothing associated (or no such record) as an error of the batch.</summary>
    internal static ApiError NoAssociations(ObjectType from, ObjectType to, string id) =>
        new(404, "OBJECT_NOT_FOUND", $"No {to.Singular} is associated with {from.Singular} {id}.")
        {
            SubCategory = "crm.associations.NO_ASSOCIATIONS_FOUND",
            Context = ApiError.Ctx("fromObjectId", id),
        };

    private static async Task<IResult> BatchArchive(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal).Select(i =>
        {
            var targets = i.Field("to");
            if (targets.ValueKind != JsonValueKind.Array)
            {
                throw ApiError.Validation("Invalid input JSON: each batch archive input needs \"to\": [{\"id\": \"…\"}].", context: ApiError.Ctx("field", "to"));
            }

            return (From: ObjectId(i, "from"), To: targets.EnumerateArray().Select(t => t.Field("id").IdString() ?? "").ToList());
        }).ToList();
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        foreach (var input in inputs)
        {
            if (associator.FindLive(from, input.From) is not { } a)
            {
                continue;
            }

            foreach (var toId in input.To)
            {
                if (associator.FindLive(to, toId) is { } b)
                {
                    associator.RemovePair(from, a, to, b);
                }
            }
        }

        return JsonIO.NoContent();
    }

    private static async Task<IResult> BatchArchiveLabels(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal)
            .Select(i => (From: ObjectId(i, "from"), To: ObjectId(i, "to"), Types: ReadSpecs(i.Field("types"), "types"))).ToList();
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        var definitions = associator.Definitions(from, to);
        // Validate every input before removing anything.
        var work = inputs.Select(i => (i.From, i.To, Types: i.Types.Select(s => associator.RequireType(from, to, s.Category, s.TypeId, definitions)).ToList())).ToList();
        foreach (var input in work)
        {
            RemoveTypesIfLive(associator, from, input.From, to, input.To, input.Types);
        }

        return JsonIO.NoContent();
    }

    /// <summary>Adds <paramref name="types"/> between two live records (404 for either missing); v3 and v4 writes share it.</summary>
    internal static (CrmRecord From, CrmRecord To) AddBetweenLive(Associator associator, ObjectType from, string fromId, ObjectType to, string toId, List<AssociationDefinition> types)
    {
        var a = associator.RequireLive(from, fromId);
        var b = associator.RequireLive(to, toId);
        associator.Add(from, a, to, b, types);
        return (a, b);
    }

    /// <summary>Removes <paramref name="types"/> between two records; nothing when either is missing (HubSpot's 204 either way).</summary>
    internal static void RemoveTypesIfLive(Associator associator, ObjectType from, string fromId, ObjectType to, string toId, List<AssociationDefinition> types)
    {
        if (associator.FindLive(from, fromId) is { } a && associator.FindLive(to, toId) is { } b)
        {
            associator.RemoveTypes(from, a, to, b, types);
        }
    }

    /// <summary>Up to <paramref name="take"/> associations of one record to a type after <paramref name="after"/>; empty when the record is missing.</summary>
    internal static List<AssociatedRecord> ReadLive(Associator associator, ObjectType from, string fromId, ObjectType to, long after, int take) =>
        associator.FindLive(from, fromId) is { } a ? [.. associator.Read(from, a, to, after).Take(take)] : [];

    /// <summary>Runs one batch input; its HubSpot error becomes an entry of the 207's <c>errors</c>.</summary>
    internal static void Each(List<ApiError> errors, Action work)
    {
        try
        {
            work();
        }
        catch (ApiError error) when (error.StatusCode is 400 or 404)
        {
            errors.Add(error);
        }
    }
}
