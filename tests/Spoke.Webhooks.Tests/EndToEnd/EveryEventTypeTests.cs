using System.Globalization;
using Spoke.Webhooks.Events;

namespace Spoke.Webhooks.Tests.EndToEnd;

/// <summary>
/// Emulator → receiver → handlers for every event type of every object kind: creation, propertyChange, associationChange
/// (both directions, added and removed), deletion, restore, merge, and a contact's privacyDeletion with its deletion.
/// Each typed handler must get exactly its events with the right fields; the generic handler sees every event once.
/// </summary>
public sealed class EveryEventTypeTests : IAsyncLifetime
{
    private EmulatorToReceiver _e2e = null!;

    public async Task InitializeAsync() => _e2e = await EmulatorToReceiver.StartAsync();

    public async Task DisposeAsync() => await _e2e.DisposeAsync();

    /// <summary>One object kind: its API type, event prefix, typed event class prefix, the property we change, its values, and its association partner.</summary>
    public sealed record Kind(string Type, string Prefix, string TypedPrefix, string Property, string First, string Second, string? PartnerType, bool Merges);

    private static readonly Dictionary<string, Kind> Kinds = new(StringComparer.Ordinal)
    {
        ["contacts"] = new("contacts", "contact", "Contact", "firstname", "Ada", "Grace", "companies", true),
        ["companies"] = new("companies", "company", "Company", "domain", "first.example.com", "second.example.com", "contacts", true),
        ["deals"] = new("deals", "deal", "Deal", "amount", "100", "250", "contacts", true),
        ["tickets"] = new("tickets", "ticket", "Ticket", "content", "broken", "fixed", "contacts", true),
        ["products"] = new("products", "product", "Product", "price", "10", "25", null, false),
        ["line_items"] = new("line_items", "line_item", "LineItem", "quantity", "1", "3", "deals", false),
        ["custom"] = new("custom", "object", "Object", "make", "toyota", "ford", "contacts", true),
    };

    public static TheoryData<string> KindNames => [.. Kinds.Keys];

    private static long Id(string id) => long.Parse(id, CultureInfo.InvariantCulture);

    private static object Required(string type, string suffix, string? property = null, string? value = null)
    {
        var properties = type switch
        {
            "contacts" => new Dictionary<string, string> { ["email"] = $"{suffix}@example.com" },
            "companies" => new() { ["name"] = "Co " + suffix },
            "deals" => new() { ["dealname"] = "Deal " + suffix, ["pipeline"] = "default", ["dealstage"] = "appointmentscheduled" },
            "tickets" => new() { ["subject"] = "Ticket " + suffix, ["hs_pipeline_stage"] = "1" },
            "products" => new() { ["name"] = "Product " + suffix },
            "line_items" => new() { ["name"] = "Line " + suffix },
            _ => new() { ["model"] = "Model " + suffix },
        };
        if (property is not null)
        {
            properties[property] = value!;
        }

        return properties;
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public async Task Every_change_reaches_its_typed_handler_with_its_fields(string kindName)
    {
        var kind = Kinds[kindName];
        var type = kind.Type;
        string? objectTypeId = null;
        var schemaName = "car" + Guid.NewGuid().ToString("N")[..6];
        if (kind.Type == "custom")
        {
            objectTypeId = (await _e2e.CallAsync(HttpMethod.Post, "/crm-object-schemas/v3/schemas", new
            {
                name = schemaName,
                labels = new { singular = "Car", plural = "Cars" },
                primaryDisplayProperty = "model",
                requiredProperties = new[] { "model" },
                properties = new object[]
                {
                    new { name = "model", label = "Model", type = "string", fieldType = "text" },
                    new { name = "make", label = "Make", type = "enumeration", fieldType = "select", options = new[] { new { label = "Toyota", value = "toyota" }, new { label = "Ford", value = "ford" } } },
                },
                associatedObjects = new[] { "CONTACT" },
            }, 201))!["objectTypeId"]!.GetValue<string>();
            type = objectTypeId;
        }

        var actions = new List<string> { "creation", "propertyChange", "deletion", "restore" };
        if (kind.PartnerType is not null)
        {
            actions.Add("associationChange");
        }

        if (kind.Merges)
        {
            actions.Add("merge");
        }

        if (kind.Prefix == "contact")
        {
            actions.Add("privacyDeletion");
        }

        // One request in flight: requests that overlap may arrive in any order (HubSpot's too), and an event arriving
        // after a later one of its object was handled cannot go first; serial delivery makes the order checkable.
        await _e2e.SubscribeAsync(1, [.. actions.Select(a => ($"{kind.Prefix}.{a}", a == "propertyChange" ? kind.Property : null, objectTypeId))]);

        // Each step one emulator second apart, so occurredAt orders them.
        var step = TimeSpan.FromSeconds(1);
        var a = await _e2e.CreateAsync(type, Required(kind.Type, Guid.NewGuid().ToString("N"), kind.Property, kind.First));
        _e2e.Advance(step);
        await _e2e.CallAsync(HttpMethod.Patch, $"/crm/v3/objects/{type}/{a}", new { properties = new Dictionary<string, string> { [kind.Property] = kind.Second } }, 200);
        _e2e.Advance(step);

        string? partner = null;
        if (kind.PartnerType is not null)
        {
            partner = await _e2e.CreateAsync(kind.PartnerType, Required(kind.PartnerType, Guid.NewGuid().ToString("N")));
            await _e2e.CallAsync(HttpMethod.Put, $"/crm/v4/objects/{type}/{a}/associations/default/{kind.PartnerType}/{partner}", null, 200);
            _e2e.Advance(step);
            await _e2e.CallAsync(HttpMethod.Delete, $"/crm/v4/objects/{type}/{a}/associations/{kind.PartnerType}/{partner}", null, 204);
            _e2e.Advance(step);
        }

        await _e2e.CallAsync(HttpMethod.Delete, $"/crm/v3/objects/{type}/{a}", null, 204);
        _e2e.Advance(step);
        await _e2e.CallAsync(HttpMethod.Post, $"/_emulator/records/{type}/{a}/restore", null, 204);
        _e2e.Advance(step);

        string? merged = null;
        if (kind.Merges)
        {
            merged = await _e2e.CreateAsync(type, Required(kind.Type, Guid.NewGuid().ToString("N")));
            _e2e.Advance(step);
            await _e2e.CallAsync(HttpMethod.Post, $"/crm/v3/objects/{type}/merge", new { primaryObjectId = a, objectIdToMerge = merged }, 200);
            _e2e.Advance(step);
        }

        if (kind.Prefix == "contact")
        {
            await _e2e.CallAsync(HttpMethod.Post, "/crm/v3/objects/contacts/gdpr-delete", new { objectId = a }, 204);
        }

        await _e2e.DrainAsync();

        // The generic handler saw every acknowledged event once; each typed handler exactly the events of its type.
        _e2e.AssertGenericSawEachAcknowledgedEventOnce();
        var generic = _e2e.HandledBy(EmulatorToReceiver.Generic).ToList();
        foreach (var group in generic.GroupBy(h => h.Raw.SubscriptionType))
        {
            var typedName = kind.TypedPrefix + group.Key.Split('.')[1] switch
            {
                "creation" => "Created", "deletion" => "Deleted", "propertyChange" => "PropertyChanged", "associationChange" => "AssociationChanged",
                "merge" => "Merged", "restore" => "Restored", "privacyDeletion" => "PrivacyDeleted", var other => other,
            };
            Assert.Equal(group.Select(h => h.DedupeKey).Order(), _e2e.HandledBy(typedName).Select(h => h.DedupeKey).Order());
        }

        Assert.Equal(generic.Count, _e2e.Handled.Count(h => h.Handler != EmulatorToReceiver.Generic));
        Assert.All(generic, h =>
        {
            Assert.Equal(_e2e.Emulator.PortalId, h.Raw.PortalId);
            Assert.Equal(_e2e.Emulator.AppId, h.Raw.AppId);
            Assert.Equal(0, h.Raw.AttemptNumber);
        });

        var aId = Id(a);
        T Single<T>(Func<T, bool>? where = null)
            where T : HubSpotObjectEvent
        {
            var matches = _e2e.Handled.Select(h => h.Typed).OfType<T>().Where(where ?? (_ => true)).ToList();
            Assert.True(matches.Count == 1, $"{typeof(T).Name}: expected one, got {matches.Count} ({string.Join(", ", matches.Select(m => m.ObjectId))})");
            return matches[0];
        }

        IReadOnlyList<T> All<T>()
            where T : HubSpotObjectEvent => [.. _e2e.Handled.Select(h => h.Typed).OfType<T>().OrderBy(e => e.Event.EventId)];

        // creation
        var created = All<CreationEvent>();
        Assert.Contains(created, c => c.ObjectId == aId);
        Assert.All(created, c => Assert.Equal("NEW", c.Event.ChangeFlag));
        Assert.All(created, c => Assert.Equal("INTEGRATION", c.ChangeSource));
        Assert.Equal(EmulatorToReceiver.Start, Single<CreationEvent>(c => c.ObjectId == aId).OccurredAt);

        // propertyChange: the value set on create, then the update
        var changes = All<PropertyChangeEvent>().Where(p => p.ObjectId == aId).ToList();
        Assert.Equal([(kind.Property, kind.First), (kind.Property, kind.Second)], changes.Select(p => (p.PropertyName, p.PropertyValue)));
        Assert.Equal(EmulatorToReceiver.Start + step, changes[1].OccurredAt);

        // deletion and restore (the admin route stands in for HubSpot's UI)
        Assert.Contains(All<DeletionEvent>(), d => d.ObjectId == aId);
        var restored = Single<RestoreEvent>();
        Assert.Equal(aId, restored.ObjectId);
        Assert.Equal("CRM_UI", restored.ChangeSource);

        if (partner is not null)
        {
            var name = kind.Type == "custom" ? schemaName.ToUpperInvariant() : kind.Prefix.ToUpperInvariant();
            var partnerName = kind.PartnerType switch { "companies" => "COMPANY", "contacts" => "CONTACT", _ => "DEAL" };
            var associations = All<AssociationChangeEvent>().Select(e => (e.AssociationType, e.FromObjectId, e.ToObjectId, e.Removed, e.ObjectId)).ToList();
            (string?, long?, long?, bool, long)[] expected =
            [
                ($"{name}_TO_{partnerName}", aId, Id(partner), false, aId), ($"{partnerName}_TO_{name}", Id(partner), aId, false, Id(partner)),
                ($"{name}_TO_{partnerName}", aId, Id(partner), true, aId), ($"{partnerName}_TO_{name}", Id(partner), aId, true, Id(partner)),
            ];
            Assert.Equal(expected.Order(), associations.Order());
        }

        if (merged is not null)
        {
            var merge = Single<MergeEvent>();
            Assert.Equal(aId, merge.ObjectId);
            Assert.Equal(aId, merge.PrimaryObjectId);
            Assert.Equal(aId, merge.NewObjectId);
            Assert.Equal([Id(merged)], merge.MergedObjectIds);
            Assert.NotNull(merge.NumberOfPropertiesMoved);
        }

        if (kind.Prefix == "contact")
        {
            Assert.Equal(aId, Single<ContactPrivacyDeleted>().ObjectId);
            Assert.Equal(2, All<ContactDeleted>().Count(d => d.ObjectId == aId)); // the archive, and the one that goes with the GDPR delete
        }

        if (objectTypeId is not null)
        {
            Assert.All(_e2e.Handled.Select(h => h.Typed).OfType<ObjectCreated>(), o => Assert.Equal(objectTypeId, o.ObjectTypeId));
            Assert.Equal(objectTypeId, Single<ObjectPropertyChanged>(p => p.PropertyValue == kind.Second).ObjectTypeId);
            Assert.Equal(objectTypeId, Single<ObjectMerged>().ObjectTypeId);
            Assert.Equal(objectTypeId, Single<ObjectRestored>().ObjectTypeId);
        }

        // Per object, handlers ran in occurredAt order.
        foreach (var perObject in generic.GroupBy(h => (h.Raw.ObjectTypeId ?? h.Raw.ObjectKind, h.Raw.ObjectId)))
        {
            var times = perObject.Select(h => h.Raw.OccurredAtMs).ToList();
            Assert.Equal(times.Order(), times);
        }
    }
}
