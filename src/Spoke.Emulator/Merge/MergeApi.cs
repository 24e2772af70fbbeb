using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Merge;

/// <summary>
/// <c>POST /crm/v3/objects/{objectType}/merge</c> (and the dated aliases): <c>{primaryObjectId, objectIdToMerge}</c>
/// → 200 with the surviving record (docs/hubspot-api.md §3.1). Contacts, companies, deals, tickets and custom objects merge;
/// products, line items and engagements don't.
/// </summary>
internal static class MergeApi
{
    public static void MapMergeApi(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix).MapPost("/{objectType}/merge", Merge);

    private static async Task<IResult> Merge(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var primaryId = body.Field("primaryObjectId").IdString();
        var mergedId = body.Field("objectIdToMerge").IdString();
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(type.WriteScopes);
        if (!type.SupportsMerge && !type.IsCustom)
        {
            throw ApiError.Validation($"Merging is not supported for {type.Name} ({type.TypeId}): only contacts, companies, deals, tickets and custom objects can be merged.",
                context: ApiError.Ctx("objectType", type.Name));
        }

        if (string.IsNullOrWhiteSpace(primaryId) || string.IsNullOrWhiteSpace(mergedId))
        {
            throw ApiError.Validation("Invalid input JSON: \"primaryObjectId\" and \"objectIdToMerge\" are both required.",
                context: ApiError.Ctx("field", string.IsNullOrWhiteSpace(primaryId) ? "primaryObjectId" : "objectIdToMerge"));
        }

        if (primaryId == mergedId)
        {
            throw ApiError.Validation($"primaryObjectId and objectIdToMerge are both {primaryId}: a {type.Singular} can't be merged into itself.",
                context: ApiError.Ctx("ids", primaryId));
        }

        var survivor = Require(portal, type, primaryId, "primaryObjectId");
        var merged = Require(portal, type, mergedId, "objectIdToMerge");
        if (survivor.Id == merged.Id)
        {
            throw ApiError.Validation($"{type.Singular} {mergedId} was already merged into {RecordJson.Id(survivor.Id)}: there is nothing left to merge.",
                context: ApiError.Ctx("ids", primaryId, mergedId));
        }

        new RecordMerger(portal).Merge(type, survivor, merged);
        var selection = PropertySelection.DefaultsPlus(type, [], portal.Fidelity.ReturnNullForEmptyRequestedProperties);
        var catalog = portal.Catalog(type);
        return JsonIO.Json(w => RecordJson.Write(w, survivor, selection, catalog));
    }

    /// <summary>
    /// A live record by id. A merged-away id stands for the record that absorbed it (the alias rule of GET), so
    /// merging into or from a merged id works on the final survivor.
    /// </summary>
    private static CrmRecord Require(PortalState portal, ObjectType type, string id, string field)
    {
        var store = portal.Store(type);
        var record = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? store.Find(n) : null;
        record = MergedIds.Resolve(portal, store, record);
        if (record is null || record.Deleted)
        {
            throw new ApiError(404, "OBJECT_NOT_FOUND", $"No {type.Singular} with id {id} exists ({field}).")
            {
                Context = new Dictionary<string, IReadOnlyList<string>> { ["id"] = [id], ["field"] = [field] },
            };
        }

        if (record.Archived)
        {
            throw ApiError.Validation($"{type.Singular} {id} ({field}) is archived: restore it before merging.",
                context: new Dictionary<string, IReadOnlyList<string>> { ["id"] = [id], ["field"] = [field] });
        }

        return record;
    }
}
