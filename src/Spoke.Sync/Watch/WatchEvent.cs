using System.Globalization;
using System.Text.Json;

namespace Spoke.Sync.Watch;

/// <summary>
/// The parts of a stored webhook event the watcher acts on, read from its JSON as HubSpot sent it (ids may be numbers or
/// strings). <see cref="Kind"/> is the subscription type's prefix (<c>contact</c>, <c>object</c>, …), <see cref="Change"/>
/// its action (<c>creation</c>, <c>propertyChange</c>, <c>deletion</c>, <c>privacyDeletion</c>, <c>merge</c>,
/// <c>restore</c>, <c>associationChange</c>).
/// </summary>
internal sealed record WatchEvent(
    long InboxId,
    string Kind,
    string Change,
    string? ObjectTypeId,
    string ObjectId,
    long OccurredAtMs,
    string? PrimaryObjectId,
    string? NewObjectId,
    IReadOnlyList<string> MergedObjectIds,
    string? AssociationType,
    string? FromObjectId,
    string? ToObjectId,
    long? PortalId)
{
    /// <summary>The event, or null when its JSON lacks what the watcher needs (it is acknowledged and left to the polls).</summary>
    public static WatchEvent? Parse(long inboxId, string subscriptionType, string json)
    {
        var dot = subscriptionType.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Id(root, "objectId") is not { } objectId)
            {
                return null;
            }

            var merged = new List<string>();
            if (root.TryGetProperty("mergedObjectIds", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                merged.AddRange(list.EnumerateArray().Select(Text).OfType<string>());
            }

            return new WatchEvent(inboxId, subscriptionType[..dot], subscriptionType[(dot + 1)..], String(root, "objectTypeId"), objectId,
                Long(root, "occurredAt") ?? 0,
                Id(root, "primaryObjectId"), Id(root, "newObjectId"), merged, String(root, "associationType"), Id(root, "fromObjectId"), Id(root, "toObjectId"),
                Long(root, "portalId"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Long(JsonElement root, string name) =>
        Id(root, name) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? Id(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? Text(value) : null;

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.String when value.GetString() is { Length: > 0 } s => s,
        _ => null,
    };
}

/// <summary>
/// Which mirrored type an event is about: the subscription prefix (<c>contact</c> → <c>0-1</c>) or the event's
/// <c>objectTypeId</c> for <c>object.*</c>, and the sides of an <c>associationType</c> (<c>CONTACT_TO_COMPANY</c>; custom
/// objects by their schema name upper-cased), matched against the type names the engine syncs.
/// </summary>
internal sealed class WatchTypeMap
{
    private static readonly Dictionary<string, string> TypeIdsByKind = new(StringComparer.OrdinalIgnoreCase)
    {
        ["contact"] = "0-1", ["company"] = "0-2", ["deal"] = "0-3", ["ticket"] = "0-5", ["product"] = "0-7", ["line_item"] = "0-8",
        ["call"] = "0-48", ["email"] = "0-49", ["meeting"] = "0-47", ["note"] = "0-46", ["task"] = "0-27",
    };

    private static readonly Dictionary<string, string> NamesByTypeId = new(StringComparer.OrdinalIgnoreCase)
    {
        ["0-1"] = "contacts", ["0-2"] = "companies", ["0-3"] = "deals", ["0-5"] = "tickets", ["0-7"] = "products", ["0-8"] = "line_items",
        ["0-48"] = "calls", ["0-49"] = "emails", ["0-47"] = "meetings", ["0-46"] = "notes", ["0-27"] = "tasks",
    };

    private readonly Dictionary<string, string> _synced = new(StringComparer.OrdinalIgnoreCase); // type id or name → synced type
    private readonly Dictionary<string, string> _byAssociationSide = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="types">The types the engine syncs, in its order.</param>
    /// <param name="schemas">Custom objects: (objectTypeId, name, fullyQualifiedName).</param>
    public WatchTypeMap(IReadOnlyList<string> types, IReadOnlyList<(string TypeId, string Name, string FullyQualifiedName)> schemas)
    {
        Types = types;
        foreach (var type in types)
        {
            _synced[type] = type;
        }

        foreach (var (typeId, name) in NamesByTypeId)
        {
            if (_synced.TryGetValue(name, out var synced))
            {
                _synced[typeId] = synced;
            }
        }

        foreach (var (kind, typeId) in TypeIdsByKind)
        {
            if (_synced.TryGetValue(typeId, out var synced))
            {
                _byAssociationSide[kind] = synced;
            }
        }

        foreach (var (typeId, name, fullyQualified) in schemas)
        {
            var synced = _synced.GetValueOrDefault(typeId) ?? _synced.GetValueOrDefault(name) ?? _synced.GetValueOrDefault(fullyQualified);
            if (synced is not null)
            {
                _synced[typeId] = synced;
                _byAssociationSide[name] = synced;
            }
        }
    }

    /// <summary>The synced types in the engine's order (an edge is stored from the earlier type of its pair).</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>The synced type an event's object belongs to, or null when it is not mirrored.</summary>
    public string? TypeOf(WatchEvent e)
    {
        var typeId = e.Kind == "object" ? e.ObjectTypeId : TypeIdsByKind.GetValueOrDefault(e.Kind);
        return typeId is null ? null : _synced.GetValueOrDefault(typeId);
    }

    /// <summary>The synced types on each side of <c>FROM_TO_TO</c>, or null when either side is not mirrored.</summary>
    public (string From, string To)? Sides(string associationType)
    {
        // A side may itself hold "_" (LINE_ITEM) or even "_TO_" (a custom name): try every split.
        for (var at = associationType.IndexOf("_TO_", StringComparison.OrdinalIgnoreCase); at > 0; at = associationType.IndexOf("_TO_", at + 1, StringComparison.OrdinalIgnoreCase))
        {
            if (_byAssociationSide.TryGetValue(associationType[..at], out var from) && _byAssociationSide.TryGetValue(associationType[(at + 4)..], out var to))
            {
                return (from, to);
            }
        }

        return null;
    }

    /// <summary>The position of a synced type in the engine's order.</summary>
    public int IndexOf(string type)
    {
        for (var i = 0; i < Types.Count; i++)
        {
            if (string.Equals(Types[i], type, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
