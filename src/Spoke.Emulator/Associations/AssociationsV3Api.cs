using System.Globalization;
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

/// <summary>
/// Legacy v3 associations, addressed by v3 type names such as <c>contact_to_company</c> (docs/hubspot-api.md §3.2): the batch
/// endpoints, the type list, and the object-path form <c>/crm/v3/objects/{type}/{id}/associations/…</c>.
/// </summary>
internal static class AssociationsV3Api
{
    public const string PairPrefix = "/crm/v3/associations";
    public const string RecordPrefix = "/crm/v3/objects";

    public static void MapAssociationsV3Api(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup(PairPrefix);
        g.MapGet("/{fromType}/{toType}/types", ListTypes);
        g.MapPost("/{fromType}/{toType}/batch/create", BatchCreate);
        g.MapPost("/{fromType}/{toType}/batch/read", BatchRead);
        g.MapPost("/{fromType}/{toType}/batch/archive", BatchArchive);
        var r = app.MapGroup(RecordPrefix);
        r.MapGet("/{fromType}/{fromId}/associations/{toType}", ListForRecord);
        r.MapPut("/{fromType}/{fromId}/associations/{toType}/{toId}/{associationType}", Associate);
        r.MapDelete("/{fromType}/{fromId}/associations/{toType}/{toId}/{associationType}", Dissociate);
    }

    /// <summary>A v3 type: its name (<c>contact_to_company</c>) or its numeric id.</summary>
    private static AssociationDefinition ResolveName(Associator associator, ObjectType from, ObjectType to, string? name)
    {
        var definitions = associator.Definitions(from, to);
        if (definitions.Count == 0)
        {
            throw Associator.NotAssociable(from, to);
        }

        return definitions.Find(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? definitions.Find(d => d.TypeId == id) : null)
            ?? throw ApiError.Validation($"{name} is not a valid association type between {from.Name} and {to.Name}. Valid types: {string.Join(", ", definitions.Select(d => d.Name).Distinct())}.",
                context: ApiError.Ctx("type", name ?? ""));
    }

    private static IResult ListTypes(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var _ = portal.Read();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireRead(grant, from, to);
        var definitions = AssociationCatalog.For(portal, from.TypeId, to.TypeId);
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var d in definitions)
            {
                w.WriteStartObject();
                w.WriteString("id", Text(d.TypeId));
                w.WriteString("name", d.Name);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> BatchCreate(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal).Select(i => (From: ObjectId(i, "from"), To: ObjectId(i, "to"), Type: i.String("type"))).ToList();
        var started = portal.Now;
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        var results = new List<(long From, long To, AssociationDefinition Type)>();
        var errors = new List<ApiError>();
        foreach (var input in inputs)
        {
            AssociationsV4Api.Each(errors, () =>
            {
                var type = ResolveName(associator, from, to, input.Type);
                var (a, b) = AssociationsV4Api.AddBetweenLive(associator, from, input.From, to, input.To, [type]);
                results.Add((a.Id, b.Id, type));
            });
        }

        return Batch.Result(ctx, started, portal.Now, 201, results, errors, (w, r) =>
        {
            w.WriteStartObject();
            WriteObjectId(w, "from", r.From);
            WriteObjectId(w, "to", r.To);
            w.WriteString("type", r.Type.Name);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> BatchRead(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var ids = Batch.Inputs(doc.RootElement, portal)
            .Select(i => i.Field("id").IdString() ?? throw ApiError.Validation("Invalid input JSON: each batch read input needs an \"id\".")).ToList();
        var started = portal.Now;
        using var _ = portal.Read();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireRead(grant, from, to);
        var associator = new Associator(portal);
        var results = new List<(long Id, List<AssociatedRecord> To)>();
        var errors = new List<ApiError>();
        foreach (var id in ids)
        {
            var associated = AssociationsV4Api.ReadLive(associator, from, id, to, after: long.MinValue, take: int.MaxValue);
            if (associated.Count == 0)
            {
                errors.Add(AssociationsV4Api.NoAssociations(from, to, id));
            }
            else
            {
                results.Add((long.Parse(id, CultureInfo.InvariantCulture), associated));
            }
        }

        return Batch.Result(ctx, started, portal.Now, 200, results, errors, (w, r) =>
        {
            w.WriteStartObject();
            WriteObjectId(w, "from", r.Id);
            w.WriteStartArray("to");
            foreach (var t in r.To)
            {
                WriteTypedIds(w, t);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> BatchArchive(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal).Select(i => (From: ObjectId(i, "from"), To: ObjectId(i, "to"), Type: i.String("type"))).ToList();
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        var work = inputs.Select(i => (i.From, i.To, Type: ResolveName(associator, from, to, i.Type))).ToList();
        foreach (var (fromId, toId, type) in work)
        {
            AssociationsV4Api.RemoveTypesIfLive(associator, from, fromId, to, toId, [type]);
        }

        return JsonIO.NoContent();
    }

    private static IResult ListForRecord(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string fromId, string toType) =>
        AssociationsV4Api.ListPage(ctx, portal, grant, fromType, fromId, toType, WriteTypedIds);

    /// <summary>v3 lists one <c>{id, type}</c> entry per association type of the pair.</summary>
    private static void WriteTypedIds(System.Text.Json.Utf8JsonWriter w, AssociatedRecord r)
    {
        foreach (var d in r.Types)
        {
            w.WriteStartObject();
            w.WriteString("id", RecordJson.Id(r.ToId));
            w.WriteString("type", d.Name);
            w.WriteEndObject();
        }
    }

    private static IResult Associate(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string fromId, string toType, string toId, string associationType)
    {
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        var type = ResolveName(associator, from, to, associationType);
        var (a, _) = AssociationsV4Api.AddBetweenLive(associator, from, fromId, to, toId, [type]);
        var selection = PropertySelection.DefaultsPlus(from, [], false);
        var written = RecordAssociations.Writer(portal, from, a, [new RecordAssociations.Requested(to.Name, to)], Query.Origin(ctx));
        return JsonIO.Json(w => RecordJson.Write(w, a, selection, portal.Catalog(from), written));
    }

    private static IResult Dissociate(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string fromId, string toType, string toId, string associationType)
    {
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        RequireWrite(grant, from, to);
        var associator = new Associator(portal);
        var type = ResolveName(associator, from, to, associationType);
        AssociationsV4Api.RemoveTypesIfLive(associator, from, fromId, to, toId, [type]);

        return JsonIO.NoContent();
    }
}
