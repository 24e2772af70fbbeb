using Spoke.Http;
using Spoke.Json;

namespace Spoke.Crm;

/// <summary>How a GDPR delete names its contact: by record id (default) or by email.</summary>
public sealed class CrmGdprDeleteOptions
{
    /// <summary><c>email</c> to name the contact by email; null for a record id.</summary>
    public string? IdProperty { get; init; }
}

// Operations that identify records: upsert by a unique value, merge, GDPR delete.
public partial class CrmObjectsClient
{
    // Types whose HubSpot specs have no merge endpoint (products, line items, engagements); others are left to HubSpot.
    private static readonly HashSet<string> TypesWithoutMerge = new(StringComparer.OrdinalIgnoreCase)
    {
        "products", "0-7", "line_items", "0-8", "calls", "0-48", "emails", "0-49", "meetings", "0-47", "notes", "0-46",
        "tasks", "0-27", "communications", "0-18", "postal_mail", "0-116",
    };

    /// <summary>
    /// Creates or updates one record identified by a unique property (<paramref name="idProperty"/>, e.g. <c>email</c> or a
    /// custom unique property) whose value is <paramref name="value"/>. HubSpot has no single-record upsert, so this sends a
    /// batch upsert of one input; <see cref="CrmUpsertResult.IsNew"/> says whether the record was created. A refused input
    /// is thrown as a <see cref="Errors.HubSpotApiException"/>.
    /// </summary>
    public virtual async Task<CrmUpsertResult> UpsertAsync(string idProperty, string value, PropertyBag properties,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idProperty);
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        ArgumentNullException.ThrowIfNull(properties);
        var result = await BatchUpsertAsync(idProperty, [(value, properties)], cancellationToken).ConfigureAwait(false);
        return result.Failed.Count > 0 ? throw result.Failed[0].ToException() : result.Succeeded[0].Value;
    }

    /// <summary>
    /// Merges <see cref="CrmMergeInput.ObjectIdToMerge"/> into <see cref="CrmMergeInput.PrimaryObjectId"/> and returns the
    /// surviving record. HubSpot may answer with a new record id rather than the primary's: use the returned
    /// <see cref="CrmObject.Id"/>. Offered for contacts, companies, deals, tickets and custom objects; products, line items
    /// and engagements are refused here without a request.
    /// </summary>
    public virtual async Task<CrmObject> MergeAsync(CrmMergeInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(input.PrimaryObjectId, nameof(input));
        ArgumentException.ThrowIfNullOrWhiteSpace(input.ObjectIdToMerge, nameof(input));
        if (TypesWithoutMerge.Contains(ObjectType))
        {
            throw new NotSupportedException(
                $"HubSpot cannot merge {ObjectType}: merge is offered for contacts, companies, deals, tickets and custom objects.");
        }

        var op = HubSpotOperation.Create(Root, "merge");
        var dto = await _http.SendAsync(op, op.Path(),
            new MergeInputDto { PrimaryObjectId = input.PrimaryObjectId, ObjectIdToMerge = input.ObjectIdToMerge },
            SpokeJsonContext.Default.MergeInputDto, SpokeJsonContext.Default.SimplePublicObjectDto, cancellationToken).ConfigureAwait(false);
        return WireMapping.ToCrmObject(dto);
    }

    /// <summary>
    /// Permanently deletes a contact and its associated content (GDPR), by record id or, with
    /// <see cref="CrmGdprDeleteOptions.IdProperty"/> <c>email</c>, by email. An email no contact has is still blocklisted by
    /// HubSpot. Contacts only: other types are refused here without a request. Unlike <see cref="ArchiveAsync"/>, this
    /// cannot be undone.
    /// </summary>
    public virtual Task GdprDeleteAsync(string objectId, CrmGdprDeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectId);
        if (ObjectType is not ("contacts" or "contact" or CrmObjectTypeIds.Contacts))
        {
            throw new NotSupportedException($"HubSpot offers GDPR delete for contacts only, not for {ObjectType}.");
        }

        // Converges: a second delete of the same contact finds nothing left (and the email stays blocklisted).
        var op = HubSpotOperation.Converge(Root, "gdpr-delete");
        return _http.SendAsync(op, op.Path(), new GdprDeleteInputDto { ObjectId = objectId, IdProperty = options?.IdProperty },
            SpokeJsonContext.Default.GdprDeleteInputDto, cancellationToken);
    }
}
