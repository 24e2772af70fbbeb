using Spoke.Emulator.Errors;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Gdpr;

/// <summary>
/// Emails a GDPR delete blocklisted (<see cref="PortalState.BlockedEmails"/>): the deleted contact's emails, or the
/// email asked for when no contact had it (docs/hubspot-api.md §3.1, §13). No contact may be created or updated with them again.
/// </summary>
internal static class EmailBlocklist
{
    public static void Block(PortalState portal, string email)
    {
        if (portal.BlockedEmails.Add(ObjectStore.UniqueKey(email)))
        {
            portal.TouchMetadata();
        }
    }

    public static bool IsBlocked(PortalState portal, string email) => portal.BlockedEmails.Contains(ObjectStore.UniqueKey(email));

    /// <summary>HubSpot's status and text for a blocklisted email are UNVERIFIED: 400 VALIDATION_ERROR, code BLOCKED_EMAIL.</summary>
    public static void Check(PortalState portal, ObjectType type, Dictionary<string, string> values)
    {
        if (type.TypeId != "0-1" || portal.BlockedEmails.Count == 0 || !values.TryGetValue("email", out var email) ||
            email.Length == 0 || !IsBlocked(portal, email))
        {
            return;
        }

        var message = $"This email address is blocked from being used: {email} was permanently deleted (GDPR delete) and can't be given to a contact again.";
        throw ApiError.Validation(message,
            [new ErrorDetail(message, "BLOCKED_EMAIL", null, new Dictionary<string, IReadOnlyList<string>> { ["propertyName"] = ["email"] })],
            ApiError.Ctx("email", email));
    }
}
