using Spoke.Crm;

namespace Spoke.DataTools.Gdpr;

/// <summary>What a GDPR delete will do, found before anything is deleted.</summary>
/// <param name="Subject">The request.</param>
/// <param name="ContactId">The contact found, or null when none matches (by email HubSpot still blocklists the email).</param>
/// <param name="MergedIds">Records merged into the contact earlier (<c>hs_merged_object_ids</c>): their ids go too.</param>
/// <param name="Email">The contact's email (or the one given), for the audit hash only. Personal data: never print or log it.</param>
public sealed record GdprDeletePlan(GdprSubject Subject, string? ContactId, IReadOnlyList<string> MergedIds, string? Email)
{
    /// <summary>The HubSpot record ids the delete removes: the contact and the records merged into it.</summary>
    public IReadOnlyList<string> RecordIds => ContactId is null ? [] : [ContactId, .. MergedIds];

    /// <summary>True when the request names an email no contact has: HubSpot then only adds it to its blocklist.</summary>
    public bool BlocklistOnly => ContactId is null && Subject.Email is not null;
}

/// <summary>
/// HubSpot's GDPR delete of one contact (permanent, unlike archiving): <see cref="PlanAsync"/> finds what it will
/// remove, <see cref="DeleteAsync"/> deletes it (by email with <c>idProperty=email</c>, which blocklists the email even
/// when no contact has it) and checks the contact is gone, archived records included.
/// </summary>
public sealed class GdprDeleter
{
    private readonly HubSpotClient _client;

    /// <param name="client">The portal's client.</param>
    public GdprDeleter(HubSpotClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>Finds the contact the request names (live or archived) and the records merged into it.</summary>
    /// <exception cref="InvalidOperationException">The request names an id no contact has.</exception>
    public async Task<GdprDeletePlan> PlanAsync(GdprSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var found = await GdprContactLookup.FindAsync(_client, subject, ["email", "hs_merged_object_ids"], cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return subject.Email is not null
                ? new GdprDeletePlan(subject, null, [], subject.Email)
                : throw new InvalidOperationException($"No contact has the id {subject.ContactId} (live or archived): check the id, or name the contact by --email.");
        }

        var merged = found.Properties.GetValues("hs_merged_object_ids").Where(id => id != found.Id).Distinct(StringComparer.Ordinal).ToList();
        return new GdprDeletePlan(subject, found.Id, merged, found.Properties.GetString("email") ?? subject.Email);
    }

    /// <summary>Deletes what the plan found and returns what HubSpot did, in words for the audit entry.</summary>
    /// <exception cref="InvalidOperationException">HubSpot acknowledged the delete but still serves the contact.</exception>
    public async Task<string> DeleteAsync(GdprDeletePlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var contacts = _client.Crm.Contacts;
        if (plan.Subject.Email is { } email)
        {
            await contacts.GdprDeleteAsync(email, new CrmGdprDeleteOptions { IdProperty = "email" }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await contacts.GdprDeleteAsync(plan.ContactId!, null, cancellationToken).ConfigureAwait(false);
        }

        if (plan.ContactId is null)
        {
            return "No contact had the email; HubSpot's GDPR delete was sent by email, which adds it to the portal's blocklist.";
        }

        if (await contacts.TryGetAsync(plan.ContactId, new CrmReadOptions { Archived = true, Properties = ["hs_object_id"] }, cancellationToken).ConfigureAwait(false) is not null
            || await contacts.TryGetAsync(plan.ContactId, new CrmReadOptions { Properties = ["hs_object_id"] }, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new InvalidOperationException($"HubSpot acknowledged the GDPR delete of contact {plan.ContactId} but still serves it; run the delete again later and check in HubSpot.");
        }

        return $"GDPR-deleted contact {plan.ContactId}{(plan.MergedIds.Count > 0 ? $" (with merged records {string.Join(", ", plan.MergedIds)})" : "")}; verified gone from HubSpot, archived records included.";
    }
}
