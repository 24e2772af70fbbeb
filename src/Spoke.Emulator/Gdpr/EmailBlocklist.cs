using System.Text.Json;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Gdpr;

/// <summary>
/// Emails a GDPR delete blocklisted (<see cref="PortalState.BlockedEmails"/>): the deleted contact's emails, or the
/// email asked for when no contact had it (docs/hubspot-api.md §3.1, §13). No contact may be created or updated with
/// them again. Normalized like unique values (<see cref="ObjectStore.UniqueKey"/>); cleared on reset.
/// </summary>
internal sealed class EmailBlocklist : PortalFeature
{
    private readonly HashSet<string> _emails = new(StringComparer.Ordinal);

    public override string Name => "blockedEmails";

    public int Count => _emails.Count;

    public void Block(string email)
    {
        if (_emails.Add(ObjectStore.UniqueKey(email)))
        {
            MarkDirty();
        }
    }

    public bool IsBlocked(string email) => _emails.Contains(ObjectStore.UniqueKey(email));

    /// <summary>HubSpot's status and text for a blocklisted email are UNVERIFIED: 400 VALIDATION_ERROR, code BLOCKED_EMAIL.</summary>
    public void Check(ObjectType type, Dictionary<string, string> values)
    {
        if (type.TypeId != "0-1" || _emails.Count == 0 || !values.TryGetValue("email", out var email) ||
            email.Length == 0 || !IsBlocked(email))
        {
            return;
        }

        var message = $"This email address is blocked from being used: {email} was permanently deleted (GDPR delete) and can't be given to a contact again.";
        throw ApiError.Validation(message,
            [new ErrorDetail(message, "BLOCKED_EMAIL", null, new Dictionary<string, IReadOnlyList<string>> { ["propertyName"] = ["email"] })],
            ApiError.Ctx("email", email));
    }

    public override void Reset(DateTimeOffset now) => _emails.Clear();

    public override void Save(Utf8JsonWriter writer) =>
        Write(writer, "blockedEmails", [.. _emails.Order(StringComparer.Ordinal)], PersistenceJsonContext.Default.ListString);

    public override void Load(JsonElement document)
    {
        if (TryRead(document, "blockedEmails", PersistenceJsonContext.Default.ListString, out var emails))
        {
            _emails.UnionWith(emails);
        }
    }
}
