using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Merge;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Gdpr;

/// <summary>
/// <c>POST /crm/v3/objects/contacts/gdpr-delete</c> (and the dated aliases): <c>{objectId, idProperty?}</c> → 204.
/// Permanently deletes a contact by id or by email, with its associations, list memberships, timeline events and
/// the records merged into it; its emails are blocklisted. An email no contact has is blocklisted too (docs/hubspot-api.md §3.1, §13).
/// </summary>
internal static class GdprApi
{
    public static void MapGdprApi(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix).MapPost("/{objectType}/gdpr-delete", Delete);

    private static async Task<IResult> Delete(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var objectId = body.Field("objectId").IdString();
        var idProperty = body.String("idProperty");
        using var _ = portal.Write();
        var type = portal.FindType(objectType);
        if (type?.TypeId != "0-1")
        {
            throw new ApiError(404, "OBJECT_NOT_FOUND",
                $"GDPR delete is only available for contacts (POST /crm/v3/objects/contacts/gdpr-delete), not for {objectType}.")
            {
                Context = ApiError.Ctx("objectType", objectType),
            };
        }

        grant.Require(type.WriteScopes);
        if (string.IsNullOrWhiteSpace(objectId))
        {
            throw ApiError.Validation("Invalid input JSON: \"objectId\" is required (a contact id, or an email with \"idProperty\": \"email\").",
                context: ApiError.Ctx("field", "objectId"));
        }

        var byEmail = idProperty == "email";
        if (!byEmail && !string.IsNullOrEmpty(idProperty) && idProperty != "hs_object_id")
        {
            throw ApiError.Validation($"idProperty \"{idProperty}\" can't identify a contact for a GDPR delete: use \"email\" or leave it out for a contact id.",
                context: ApiError.Ctx("idProperty", idProperty));
        }

        // Archived contacts are deleted too: a GDPR request covers every copy HubSpot keeps.
        var contact = portal.Store(type).Lookup(objectId, byEmail ? "email" : null, archived: false)
                      ?? portal.Store(type).Lookup(objectId, byEmail ? "email" : null, archived: true);
        if (contact is null)
        {
            if (!byEmail)
            {
                throw ObjectStore.NotFound(objectId);
            }

            // HubSpot blocklists an email that no contact has (SPEC gdpr-delete description).
            portal.BlockedEmails.Block(objectId);
            return JsonIO.NoContent();
        }

        if (byEmail)
        {
            portal.BlockedEmails.Block(objectId);
        }

        Erase(portal, type, contact);
        return JsonIO.NoContent();
    }

    /// <summary>Removes a contact for good with everything that points at it, and blocklists its emails.</summary>
    internal static void Erase(PortalState portal, ObjectType type, CrmRecord contact)
    {
        var store = portal.Store(type);
        foreach (var email in ContactEmailAliases.AllEmails(contact))
        {
            portal.BlockedEmails.Block(email);
        }

        // The records merged into this one hold the same person's data.
        var absorbed = MergedIds.Split(contact.Get(RecordMerger.MergedIdsProperty))
            .Select(id => long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? store.Find(n) : null)
            .OfType<CrmRecord>()
            .Where(r => r.MergedInto is not null)
            .ToList();
        var ids = absorbed.Select(r => r.Id).Append(contact.Id).ToHashSet();
        portal.Webhooks.OnPrivacyDeleted(type, contact);
        foreach (var record in absorbed.Append(contact))
        {
            // Associations go with the record: AssociationStore forgets them when a record is deleted without a merge target.
            store.Delete(record);
            portal.Touch(store, record);
        }

        foreach (var list in portal.Lists.All.Where(l => l.ObjectTypeId == type.TypeId))
        {
            foreach (var id in ids)
            {
                list.Forget(id);
            }
        }

        portal.Timeline.RemoveEvents(e => ids.Contains(e.ObjectId) && portal.Timeline.FindTemplate(e.EventTemplateId)?.ObjectTypeId == type.TypeId);
        // The lists' definitions (their sizes) are saved again; the erased memberships and events are journaled rows.
        portal.Lists.MarkDirty();
    }
}
