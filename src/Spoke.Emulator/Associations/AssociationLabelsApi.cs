using System.Globalization;
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

/// <summary>
/// Association labels (USER_DEFINED types with portal-specific ids and optional inverse labels) and per-type limit
/// configurations (docs/hubspot-api.md §3.2, SPEC associations-schema).
/// </summary>
internal static class AssociationLabelsApi
{
    public static readonly string[] DefinitionPrefixes =
        ["/crm/associations/v4/definitions", "/crm/v4/associations/definitions", "/crm/associations/2026-03/definitions", "/crm/associations/2026-09/definitions"];

    /// <summary>Maps <c>{prefix}/{from}/{to}/labels</c> (prefix from <see cref="AssociationsV4Api.PairPrefixes"/>).</summary>
    public static void MapAssociationLabelsApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapGet("/{fromType}/{toType}/labels", ListLabels);
        g.MapPost("/{fromType}/{toType}/labels", CreateLabel);
        g.MapPut("/{fromType}/{toType}/labels", UpdateLabel);
        g.MapDelete("/{fromType}/{toType}/labels/{associationTypeId}", DeleteLabel);
    }

    /// <summary>Maps <c>{prefix}/configurations/…</c> (prefix from <see cref="DefinitionPrefixes"/>).</summary>
    public static void MapAssociationConfigurationsApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix + "/configurations");
        g.MapGet("/all", ListAllLimits);
        g.MapGet("/{fromType}/{toType}", ListLimits);
        g.MapPost("/{fromType}/{toType}/batch/create", CreateLimits);
        g.MapPost("/{fromType}/{toType}/batch/update", UpdateLimits);
        g.MapPost("/{fromType}/{toType}/batch/purge", PurgeLimits);
    }

    private static IResult ListLabels(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var _ = portal.Read();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        grant.Require(from.ReadScopes);
        var definitions = AssociationCatalog.For(portal, from.TypeId, to.TypeId);
        return WriteResults(definitions);
    }

    private static async Task<IResult> CreateLabel(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var name = body.String("name");
        var label = body.String("label");
        var inverseLabel = body.String("inverseLabel");
        if (string.IsNullOrWhiteSpace(label) || string.IsNullOrWhiteSpace(name))
        {
            throw ApiError.Validation("Invalid input JSON: \"name\" and \"label\" are required.", context: ApiError.Ctx("field", string.IsNullOrWhiteSpace(name) ? "name" : "label"));
        }

        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        grant.Require(from.WriteScopes);
        var existing = AssociationCatalog.For(portal, from.TypeId, to.TypeId);
        if (!existing.Exists(d => d.IsDefault))
        {
            throw Associator.NotAssociable(from, to);
        }

        if (portal.Associations.Labels.Exists(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase)
                && ((l.FromTypeId == from.TypeId && l.ToTypeId == to.TypeId) || (l.FromTypeId == to.TypeId && l.ToTypeId == from.TypeId))))
        {
            throw ApiError.Conflict($"An association label named '{name}' already exists between {from.Name} and {to.Name}.");
        }

        var typeId = portal.Associations.AllocateTypeId();
        var symmetric = from.TypeId == to.TypeId && inverseLabel is null;
        var created = new AssociationLabel
        {
            FromTypeId = from.TypeId,
            ToTypeId = to.TypeId,
            TypeId = typeId,
            InverseTypeId = symmetric ? typeId : portal.Associations.AllocateTypeId(),
            Name = name,
            Label = label,
            InverseLabel = inverseLabel,
        };
        portal.Associations.Labels.Add(created);
        portal.Associations.MarkDirty();
        var forward = AssociationCatalog.For(portal, from.TypeId, to.TypeId).Where(d => d.TypeId == created.TypeId);
        var backward = symmetric ? [] : AssociationCatalog.For(portal, to.TypeId, from.TypeId).Where(d => d.TypeId == created.InverseTypeId);
        return WriteResults([.. forward.Concat(backward)]);
    }

    private static async Task<IResult> UpdateLabel(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var typeIdField = body.Field("associationTypeId");
        var label = body.String("label");
        if (typeIdField.ValueKind != JsonValueKind.Number || !typeIdField.TryGetInt32(out var typeId) || string.IsNullOrWhiteSpace(label))
        {
            throw ApiError.Validation("Invalid input JSON: \"associationTypeId\" (a number) and \"label\" are required.");
        }

        var inverseLabel = body.String("inverseLabel");
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        grant.Require(from.WriteScopes);
        var (found, forward) = FindLabel(portal, from, to, typeId);
        if (forward)
        {
            found.Label = label;
            found.InverseLabel = inverseLabel ?? found.InverseLabel;
        }
        else
        {
            // Edited from the other side: this side's label is the stored inverse.
            found.InverseLabel = label;
            found.Label = inverseLabel ?? found.Label;
        }

        portal.Associations.MarkDirty();
        return JsonIO.NoContent();
    }

    private static IResult DeleteLabel(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType, string associationTypeId)
    {
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        grant.Require(from.WriteScopes);
        if (!int.TryParse(associationTypeId, NumberStyles.None, CultureInfo.InvariantCulture, out var typeId))
        {
            throw ApiError.Validation($"associationTypeId must be a number; got \"{associationTypeId}\".", context: ApiError.Ctx("associationTypeId", associationTypeId));
        }

        var (found, _) = FindLabel(portal, from, to, typeId);
        var store = portal.Associations;
        store.Labels.Remove(found);
        store.Limits.RemoveAll(l => l.TypeId == found.TypeId || l.TypeId == found.InverseTypeId);
        var touched = store.RemoveTypeEverywhere(found.FromTypeId, found.ToTypeId, found.TypeId)
            .Concat(store.RemoveTypeEverywhere(found.ToTypeId, found.FromTypeId, found.InverseTypeId)).Distinct().ToList();
        var associator = new Associator(portal);
        foreach (var (type, id) in touched)
        {
            if (portal.Stores.TryGetValue(type, out var s) && s.Find(id) is { } record)
            {
                associator.Refresh(s, record);
            }
        }

        portal.Associations.MarkDirty();
        return JsonIO.NoContent();
    }

    /// <summary>The label with this id between the two types (either direction); 400 for HUBSPOT_DEFINED ids, else 404.</summary>
    private static (AssociationLabel Label, bool Forward) FindLabel(PortalState portal, ObjectType from, ObjectType to, int typeId)
    {
        foreach (var l in portal.Associations.Labels)
        {
            if (l.FromTypeId == from.TypeId && l.ToTypeId == to.TypeId && l.TypeId == typeId)
            {
                return (l, true);
            }

            if (l.FromTypeId == to.TypeId && l.ToTypeId == from.TypeId && l.InverseTypeId == typeId)
            {
                return (l, false);
            }
        }

        if (AssociationCatalog.For(portal, from.TypeId, to.TypeId).Exists(d => d.TypeId == typeId))
        {
            throw ApiError.Validation($"Association type {Text(typeId)} is not a USER_DEFINED label and can't be changed or deleted.",
                context: ApiError.Ctx("associationTypeId", Text(typeId)));
        }

        throw new ApiError(404, "OBJECT_NOT_FOUND", $"No association label {Text(typeId)} exists between {from.Name} and {to.Name}.")
        {
            Context = ApiError.Ctx("associationTypeId", Text(typeId)),
        };
    }

    private static IResult WriteResults(List<AssociationDefinition> definitions) => JsonIO.Results(definitions, (w, d) => WriteSpecWithLabel(w, d));

    private static IResult ListAllLimits(HttpContext ctx, PortalState portal)
    {
        using var _ = portal.Read();
        var limits = portal.Associations.Limits.ToList();
        return WriteLimits(portal, limits, withTypes: true);
    }

    private static IResult ListLimits(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var _ = portal.Read();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        grant.Require(from.ReadScopes);
        var limits = portal.Associations.Limits.Where(l => l.FromTypeId == from.TypeId && l.ToTypeId == to.TypeId).ToList();
        return WriteLimits(portal, limits, withTypes: false);
    }

    private static IResult WriteLimits(PortalState portal, List<AssociationLimit> limits, bool withTypes) => JsonIO.Results(limits, (w, l) => WriteLimit(w, portal, l, withLabel: true, withTypes));

    private static void WriteLimit(Utf8JsonWriter w, PortalState portal, AssociationLimit l, bool withLabel, bool withTypes)
    {
        w.WriteStartObject();
        if (withTypes)
        {
            w.WriteString("fromObjectTypeId", l.FromTypeId);
            w.WriteString("toObjectTypeId", l.ToTypeId);
        }

        w.WriteString("category", l.Category);
        w.WriteNumber("typeId", l.TypeId);
        w.WriteNumber("userEnforcedMaxToObjectIds", l.MaxToObjectIds);
        if (withLabel && AssociationCatalog.For(portal, l.FromTypeId, l.ToTypeId).Find(d => d.TypeId == l.TypeId)?.Label is { } label)
        {
            w.WriteString("label", label);
        }

        w.WriteEndObject();
    }

    private static Task<IResult> CreateLimits(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType) => ChangeLimits(ctx, portal, grant, fromType, toType, create: true);

    private static Task<IResult> UpdateLimits(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType) => ChangeLimits(ctx, portal, grant, fromType, toType, create: false);

    private static async Task<IResult> ChangeLimits(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType, bool create)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal).Select(i =>
        {
            var max = i.Field("maxToObjectIds");
            return (Category: i.String("category"), TypeId: i.Field("typeId").ValueKind == JsonValueKind.Number && i.Field("typeId").TryGetInt32(out var t) ? t : (int?)null,
                Max: max.ValueKind == JsonValueKind.Number && max.TryGetInt32(out var m) ? m : (int?)null);
        }).ToList();
        var started = portal.Now;
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        grant.Require(from.WriteScopes);
        var definitions = AssociationCatalog.For(portal, from.TypeId, to.TypeId);
        var results = new List<AssociationLimit>();
        var errors = new List<ApiError>();
        foreach (var input in inputs)
        {
            AssociationsV4Api.Each(errors, () =>
            {
                if (input.TypeId is not { } typeId || input.Max is not { } max || input.Category is null)
                {
                    throw ApiError.Validation("Invalid input JSON: each input needs \"category\", a numeric \"typeId\" and a numeric \"maxToObjectIds\".");
                }

                if (max < 1)
                {
                    throw ApiError.Validation($"maxToObjectIds must be at least 1; got {Text(max)}.", context: ApiError.Ctx("maxToObjectIds", Text(max)));
                }

                var def = definitions.Find(d => d.TypeId == typeId && Associator.CategoryMatches(d, input.Category))
                    ?? throw Associator.InvalidType(from, to, input.Category, typeId);
                var existing = portal.Associations.Limits.Find(l => l.FromTypeId == from.TypeId && l.ToTypeId == to.TypeId && l.TypeId == typeId);
                if (create && existing is not null)
                {
                    throw ApiError.Validation($"A limit for association type {Text(typeId)} already exists; use batch/update.", context: ApiError.Ctx("typeId", Text(typeId)));
                }

                if (!create && existing is null)
                {
                    throw new ApiError(404, "OBJECT_NOT_FOUND", $"No limit is configured for association type {Text(typeId)}; use batch/create.") { Context = ApiError.Ctx("typeId", Text(typeId)) };
                }

                if (existing is null)
                {
                    existing = new AssociationLimit { FromTypeId = from.TypeId, ToTypeId = to.TypeId, Category = def.Category, TypeId = typeId };
                    portal.Associations.Limits.Add(existing);
                }

                existing.MaxToObjectIds = max;
                results.Add(existing);
            });
        }

        portal.Associations.MarkDirty();
        return Batch.Result(ctx, started, portal.Now, create ? 201 : 200, results, errors, (w, l) => WriteLimit(w, portal, l, withLabel: create, withTypes: false));
    }

    private static async Task<IResult> PurgeLimits(HttpContext ctx, PortalState portal, TokenGrant grant, string fromType, string toType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var typeIds = Batch.Inputs(doc.RootElement, portal)
            .Select(i => i.Field("typeId").ValueKind == JsonValueKind.Number && i.Field("typeId").TryGetInt32(out var t) ? t
                : throw ApiError.Validation("Invalid input JSON: each input needs \"category\" and a numeric \"typeId\"."))
            .ToList();
        using var _ = portal.Write();
        var from = Type(portal, fromType);
        var to = Type(portal, toType);
        grant.Require(from.WriteScopes);
        portal.Associations.Limits.RemoveAll(l => l.FromTypeId == from.TypeId && l.ToTypeId == to.TypeId && typeIds.Contains(l.TypeId));
        portal.Associations.MarkDirty();
        return JsonIO.NoContent();
    }
}
