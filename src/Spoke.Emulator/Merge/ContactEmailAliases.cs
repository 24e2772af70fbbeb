using System.Runtime.CompilerServices;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Merge;

/// <summary>
/// A merged contact's email lives on in the survivor's <c>hs_additional_emails</c>, and additional emails are unique
/// across contacts like <c>email</c> (docs/hubspot-api.md §13): creating a contact with one answers 409 naming its holder, and
/// <c>?idProperty=email</c> finds the holder. The index maps each live contact's additional emails to its id; it is
/// built on first use (after persistence has loaded) and kept current from the store's change events.
/// </summary>
internal static class ContactEmailAliases
{
    public const string Property = "hs_additional_emails";

    private static readonly ConditionalWeakTable<ObjectStore, AliasIndex> Indexes = new();

    /// <summary>The live contact whose additional emails include <paramref name="email"/>, or null.</summary>
    public static CrmRecord? FindHolder(ObjectStore store, string email) =>
        Of(store).Holder(ObjectStore.UniqueKey(email)) is { } id && store.Find(id) is { Archived: false, Deleted: false } holder ? holder : null;

    /// <summary>Refuses to give a contact an email another contact holds as an additional email.</summary>
    public static void CheckUnique(PortalState portal, ObjectType type, CrmRecord? existing, Dictionary<string, string> values)
    {
        if (type.TypeId != "0-1" || !values.TryGetValue("email", out var email) || email.Length == 0)
        {
            return;
        }

        var holder = FindHolder(portal.Store(type), email);
        if (holder is null || holder.Id == existing?.Id)
        {
            return;
        }

        if (existing is null)
        {
            throw ApiError.Conflict($"Contact already exists. Existing ID: {RecordJson.Id(holder.Id)}");
        }

        var holderId = RecordJson.Id(holder.Id);
        throw ApiError.Validation(
            $"Cannot set PropertyValueCoordinates{{portalId={portal.PortalId}, objectTypeId=ObjectTypeId{{legacyObjectType=CONTACT}}, propertyName=email, value={email}}} on {RecordJson.Id(existing.Id)}. {holderId} already has that value.",
            [new ErrorDetail($"{holderId} already has that value.", "DUPLICATE_UNIQUE_PROPERTY_VALUE", null,
                new Dictionary<string, IReadOnlyList<string>> { ["propertyName"] = ["email"], ["existingObjectId"] = [holderId] })]);
    }

    /// <summary>The emails a contact answers to: its email and its additional emails.</summary>
    public static IEnumerable<string> AllEmails(CrmRecord contact) =>
        (contact.Get("email") is { } email ? [email] : Array.Empty<string>()).Concat(Split(contact.Get(Property)));

    public static IEnumerable<string> Split(string? value) =>
        value is null ? [] : value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static AliasIndex Of(ObjectStore store) => Indexes.GetValue(store, s => new AliasIndex(s));

    /// <summary>Additional email (normalized) → contact id, for live contacts. Runs under the portal lock.</summary>
    private sealed class AliasIndex
    {
        private readonly Dictionary<string, long> _holders = new(StringComparer.Ordinal);
        private readonly Dictionary<long, string[]> _byRecord = [];

        public AliasIndex(ObjectStore store)
        {
            foreach (var record in store.All())
            {
                if (!record.Archived)
                {
                    Claim(record.Id, record.Get(Property));
                }
            }

            store.PropertyChanged += OnPropertyChanged;
            store.LivenessChanged += OnLivenessChanged;
        }

        public long? Holder(string key) => _holders.TryGetValue(key, out var id) ? id : null;

        private void OnPropertyChanged(CrmRecord record, string name, string? oldValue, string? newValue)
        {
            if (name != Property || record.Archived || record.Deleted)
            {
                return;
            }

            Release(record.Id);
            Claim(record.Id, newValue);
        }

        // A GDPR delete clears the values before it tells us, so what a record held is remembered by id.
        private void OnLivenessChanged(CrmRecord record)
        {
            Release(record.Id);
            if (!record.Archived && !record.Deleted)
            {
                Claim(record.Id, record.Get(Property));
            }
        }

        private void Claim(long id, string? value)
        {
            var keys = Split(value).Select(ObjectStore.UniqueKey).Distinct(StringComparer.Ordinal).ToArray();
            if (keys.Length == 0)
            {
                return;
            }

            _byRecord[id] = keys;
            foreach (var key in keys)
            {
                _holders.TryAdd(key, id);
            }
        }

        private void Release(long id)
        {
            if (!_byRecord.Remove(id, out var keys))
            {
                return;
            }

            foreach (var key in keys)
            {
                if (_holders.TryGetValue(key, out var holder) && holder == id)
                {
                    _holders.Remove(key);
                }
            }
        }
    }
}
