// The typed events: one class per subscription type HubSpot sends for CRM objects (DOC:webhooks).
namespace Spoke.Webhooks.Events;

/// <summary>A typed view of a <see cref="HubSpotWebhookEvent"/>; the raw event stays reachable as <see cref="Event"/>.</summary>
public abstract class HubSpotObjectEvent(HubSpotWebhookEvent e)
{
    /// <summary>The raw event as HubSpot sent it, for fields the typed view does not name.</summary>
    public HubSpotWebhookEvent Event { get; } = e;

    /// <summary>The id of the record the event is about.</summary>
    public long ObjectId => Event.ObjectId;

    /// <summary>When the change happened in HubSpot (not when it was delivered).</summary>
    public DateTimeOffset OccurredAt => Event.OccurredAt;

    /// <summary>The HubSpot account (hub id) the record lives in.</summary>
    public long PortalId => Event.PortalId;

    /// <summary>What made the change, as HubSpot reports it (<c>CRM_UI</c>, <c>API</c>, <c>INTEGRATION</c>, ...).</summary>
    public string? ChangeSource => Event.ChangeSource;
}

/// <summary>A record was created (<c>*.creation</c>).</summary>
public abstract class CreationEvent(HubSpotWebhookEvent e) : HubSpotObjectEvent(e);

/// <summary>A record was archived (<c>*.deletion</c>); it can still be restored within HubSpot's 90-day window.</summary>
public abstract class DeletionEvent(HubSpotWebhookEvent e) : HubSpotObjectEvent(e);

/// <summary>An archived record was restored (<c>*.restore</c>).</summary>
public abstract class RestoreEvent(HubSpotWebhookEvent e) : HubSpotObjectEvent(e);

/// <summary>A record was permanently deleted for privacy (<c>*.privacyDeletion</c>, GDPR): drop every copy you keep.</summary>
public abstract class PrivacyDeletionEvent(HubSpotWebhookEvent e) : HubSpotObjectEvent(e);

/// <summary>A subscribed property changed (<c>*.propertyChange</c>).</summary>
public abstract class PropertyChangeEvent(HubSpotWebhookEvent e) : HubSpotObjectEvent(e)
{
    /// <summary>The internal name of the property that changed.</summary>
    public string PropertyName => Event.PropertyName ?? "";

    /// <summary>The new value as HubSpot's raw text; null or empty when the property was cleared.</summary>
    public string? PropertyValue => Event.PropertyValue;
}

/// <summary>An association between two records was added or removed (<c>*.associationChange</c>).</summary>
public abstract class AssociationChangeEvent(HubSpotWebhookEvent e) : HubSpotObjectEvent(e)
{
    /// <summary>HubSpot's association kind, e.g. <c>CONTACT_TO_COMPANY</c>.</summary>
    public string? AssociationType => Event.AssociationType;

    /// <summary>The record the association starts from.</summary>
    public long? FromObjectId => Event.FromObjectId;

    /// <summary>The record the association points to.</summary>
    public long? ToObjectId => Event.ToObjectId;

    /// <summary>True when the association was removed, false when it was added.</summary>
    public bool Removed => Event.AssociationRemoved ?? false;

    /// <summary>True when the association is the primary one (e.g. a contact's primary company).</summary>
    public bool IsPrimary => Event.IsPrimaryAssociation ?? false;
}

/// <summary>Records were merged (<c>*.merge</c>): the merged ids now resolve to the surviving record.</summary>
public abstract class MergeEvent(HubSpotWebhookEvent e) : HubSpotObjectEvent(e)
{
    /// <summary>The record that survived the merge.</summary>
    public long? PrimaryObjectId => Event.PrimaryObjectId;

    /// <summary>The ids that were merged into the survivor and no longer exist on their own.</summary>
    public IReadOnlyList<long> MergedObjectIds => Event.MergedObjectIds ?? [];

    /// <summary>The new id HubSpot gave the merged record, when it gave one.</summary>
    public long? NewObjectId => Event.NewObjectId;

    /// <summary>How many property values HubSpot moved onto the survivor.</summary>
    public int? NumberOfPropertiesMoved => Event.NumberOfPropertiesMoved;
}

/// <summary><c>contact.creation</c>.</summary>
public sealed class ContactCreated(HubSpotWebhookEvent e) : CreationEvent(e);

/// <summary><c>contact.deletion</c>.</summary>
public sealed class ContactDeleted(HubSpotWebhookEvent e) : DeletionEvent(e);

/// <summary><c>contact.propertyChange</c>.</summary>
public sealed class ContactPropertyChanged(HubSpotWebhookEvent e) : PropertyChangeEvent(e);

/// <summary><c>contact.associationChange</c>.</summary>
public sealed class ContactAssociationChanged(HubSpotWebhookEvent e) : AssociationChangeEvent(e);

/// <summary><c>contact.merge</c>.</summary>
public sealed class ContactMerged(HubSpotWebhookEvent e) : MergeEvent(e);

/// <summary><c>contact.restore</c>.</summary>
public sealed class ContactRestored(HubSpotWebhookEvent e) : RestoreEvent(e);

/// <summary><c>contact.privacyDeletion</c>.</summary>
public sealed class ContactPrivacyDeleted(HubSpotWebhookEvent e) : PrivacyDeletionEvent(e);

/// <summary><c>company.creation</c>.</summary>
public sealed class CompanyCreated(HubSpotWebhookEvent e) : CreationEvent(e);

/// <summary><c>company.deletion</c>.</summary>
public sealed class CompanyDeleted(HubSpotWebhookEvent e) : DeletionEvent(e);

/// <summary><c>company.propertyChange</c>.</summary>
public sealed class CompanyPropertyChanged(HubSpotWebhookEvent e) : PropertyChangeEvent(e);

/// <summary><c>company.associationChange</c>.</summary>
public sealed class CompanyAssociationChanged(HubSpotWebhookEvent e) : AssociationChangeEvent(e);

/// <summary><c>company.merge</c>.</summary>
public sealed class CompanyMerged(HubSpotWebhookEvent e) : MergeEvent(e);

/// <summary><c>company.restore</c>.</summary>
public sealed class CompanyRestored(HubSpotWebhookEvent e) : RestoreEvent(e);

/// <summary><c>deal.creation</c>.</summary>
public sealed class DealCreated(HubSpotWebhookEvent e) : CreationEvent(e);

/// <summary><c>deal.deletion</c>.</summary>
public sealed class DealDeleted(HubSpotWebhookEvent e) : DeletionEvent(e);

/// <summary><c>deal.propertyChange</c>.</summary>
public sealed class DealPropertyChanged(HubSpotWebhookEvent e) : PropertyChangeEvent(e);

/// <summary><c>deal.associationChange</c>.</summary>
public sealed class DealAssociationChanged(HubSpotWebhookEvent e) : AssociationChangeEvent(e);

/// <summary><c>deal.merge</c>.</summary>
public sealed class DealMerged(HubSpotWebhookEvent e) : MergeEvent(e);

/// <summary><c>deal.restore</c>.</summary>
public sealed class DealRestored(HubSpotWebhookEvent e) : RestoreEvent(e);

/// <summary><c>ticket.creation</c>.</summary>
public sealed class TicketCreated(HubSpotWebhookEvent e) : CreationEvent(e);

/// <summary><c>ticket.deletion</c>.</summary>
public sealed class TicketDeleted(HubSpotWebhookEvent e) : DeletionEvent(e);

/// <summary><c>ticket.propertyChange</c>.</summary>
public sealed class TicketPropertyChanged(HubSpotWebhookEvent e) : PropertyChangeEvent(e);

/// <summary><c>ticket.associationChange</c>.</summary>
public sealed class TicketAssociationChanged(HubSpotWebhookEvent e) : AssociationChangeEvent(e);

/// <summary><c>ticket.merge</c>.</summary>
public sealed class TicketMerged(HubSpotWebhookEvent e) : MergeEvent(e);

/// <summary><c>ticket.restore</c>.</summary>
public sealed class TicketRestored(HubSpotWebhookEvent e) : RestoreEvent(e);

/// <summary><c>product.creation</c>.</summary>
public sealed class ProductCreated(HubSpotWebhookEvent e) : CreationEvent(e);

/// <summary><c>product.deletion</c>.</summary>
public sealed class ProductDeleted(HubSpotWebhookEvent e) : DeletionEvent(e);

/// <summary><c>product.propertyChange</c>.</summary>
public sealed class ProductPropertyChanged(HubSpotWebhookEvent e) : PropertyChangeEvent(e);

/// <summary><c>product.merge</c>.</summary>
public sealed class ProductMerged(HubSpotWebhookEvent e) : MergeEvent(e);

/// <summary><c>product.restore</c>.</summary>
public sealed class ProductRestored(HubSpotWebhookEvent e) : RestoreEvent(e);

/// <summary><c>line_item.creation</c>.</summary>
public sealed class LineItemCreated(HubSpotWebhookEvent e) : CreationEvent(e);

/// <summary><c>line_item.deletion</c>.</summary>
public sealed class LineItemDeleted(HubSpotWebhookEvent e) : DeletionEvent(e);

/// <summary><c>line_item.propertyChange</c>.</summary>
public sealed class LineItemPropertyChanged(HubSpotWebhookEvent e) : PropertyChangeEvent(e);

/// <summary><c>line_item.associationChange</c>.</summary>
public sealed class LineItemAssociationChanged(HubSpotWebhookEvent e) : AssociationChangeEvent(e);

/// <summary><c>line_item.merge</c>.</summary>
public sealed class LineItemMerged(HubSpotWebhookEvent e) : MergeEvent(e);

/// <summary><c>line_item.restore</c>.</summary>
public sealed class LineItemRestored(HubSpotWebhookEvent e) : RestoreEvent(e);

/// <summary><c>object.creation</c> (a generic object event: see <see cref="ObjectTypeId"/>).</summary>
public sealed class ObjectCreated(HubSpotWebhookEvent e) : CreationEvent(e)
{
    /// <summary>The object type id of the record (<c>0-1</c> contacts, <c>2-…</c> custom objects).</summary>
    public string ObjectTypeId => Event.ObjectTypeId ?? "";
}

/// <summary><c>object.deletion</c> (a generic object event: see <see cref="ObjectTypeId"/>).</summary>
public sealed class ObjectDeleted(HubSpotWebhookEvent e) : DeletionEvent(e)
{
    /// <summary>The object type id of the record (<c>0-1</c> contacts, <c>2-…</c> custom objects).</summary>
    public string ObjectTypeId => Event.ObjectTypeId ?? "";
}

/// <summary><c>object.propertyChange</c> (a generic object event: see <see cref="ObjectTypeId"/>).</summary>
public sealed class ObjectPropertyChanged(HubSpotWebhookEvent e) : PropertyChangeEvent(e)
{
    /// <summary>The object type id of the record (<c>0-1</c> contacts, <c>2-…</c> custom objects).</summary>
    public string ObjectTypeId => Event.ObjectTypeId ?? "";
}

/// <summary><c>object.associationChange</c> (a generic object event: see <see cref="ObjectTypeId"/>).</summary>
public sealed class ObjectAssociationChanged(HubSpotWebhookEvent e) : AssociationChangeEvent(e)
{
    /// <summary>The object type id of the record (<c>0-1</c> contacts, <c>2-…</c> custom objects).</summary>
    public string ObjectTypeId => Event.ObjectTypeId ?? "";
}

/// <summary><c>object.merge</c> (a generic object event: see <see cref="ObjectTypeId"/>).</summary>
public sealed class ObjectMerged(HubSpotWebhookEvent e) : MergeEvent(e)
{
    /// <summary>The object type id of the record (<c>0-1</c> contacts, <c>2-…</c> custom objects).</summary>
    public string ObjectTypeId => Event.ObjectTypeId ?? "";
}

/// <summary><c>object.restore</c> (a generic object event: see <see cref="ObjectTypeId"/>).</summary>
public sealed class ObjectRestored(HubSpotWebhookEvent e) : RestoreEvent(e)
{
    /// <summary>The object type id of the record (<c>0-1</c> contacts, <c>2-…</c> custom objects).</summary>
    public string ObjectTypeId => Event.ObjectTypeId ?? "";
}

internal static class TypedEvents
{
    /// <summary>Subscription type to typed event (type and factory).</summary>
    public static readonly IReadOnlyDictionary<string, (Type Type, Func<HubSpotWebhookEvent, HubSpotObjectEvent> Create)> ByType =
        new Dictionary<string, (Type, Func<HubSpotWebhookEvent, HubSpotObjectEvent>)>(StringComparer.Ordinal)
    {
        ["contact.creation"] = (typeof(ContactCreated), e => new ContactCreated(e)),
        ["contact.deletion"] = (typeof(ContactDeleted), e => new ContactDeleted(e)),
        ["contact.propertyChange"] = (typeof(ContactPropertyChanged), e => new ContactPropertyChanged(e)),
        ["contact.associationChange"] = (typeof(ContactAssociationChanged), e => new ContactAssociationChanged(e)),
        ["contact.merge"] = (typeof(ContactMerged), e => new ContactMerged(e)),
        ["contact.restore"] = (typeof(ContactRestored), e => new ContactRestored(e)),
        ["contact.privacyDeletion"] = (typeof(ContactPrivacyDeleted), e => new ContactPrivacyDeleted(e)),
        ["company.creation"] = (typeof(CompanyCreated), e => new CompanyCreated(e)),
        ["company.deletion"] = (typeof(CompanyDeleted), e => new CompanyDeleted(e)),
        ["company.propertyChange"] = (typeof(CompanyPropertyChanged), e => new CompanyPropertyChanged(e)),
        ["company.associationChange"] = (typeof(CompanyAssociationChanged), e => new CompanyAssociationChanged(e)),
        ["company.merge"] = (typeof(CompanyMerged), e => new CompanyMerged(e)),
        ["company.restore"] = (typeof(CompanyRestored), e => new CompanyRestored(e)),
        ["deal.creation"] = (typeof(DealCreated), e => new DealCreated(e)),
        ["deal.deletion"] = (typeof(DealDeleted), e => new DealDeleted(e)),
        ["deal.propertyChange"] = (typeof(DealPropertyChanged), e => new DealPropertyChanged(e)),
        ["deal.associationChange"] = (typeof(DealAssociationChanged), e => new DealAssociationChanged(e)),
        ["deal.merge"] = (typeof(DealMerged), e => new DealMerged(e)),
        ["deal.restore"] = (typeof(DealRestored), e => new DealRestored(e)),
        ["ticket.creation"] = (typeof(TicketCreated), e => new TicketCreated(e)),
        ["ticket.deletion"] = (typeof(TicketDeleted), e => new TicketDeleted(e)),
        ["ticket.propertyChange"] = (typeof(TicketPropertyChanged), e => new TicketPropertyChanged(e)),
        ["ticket.associationChange"] = (typeof(TicketAssociationChanged), e => new TicketAssociationChanged(e)),
        ["ticket.merge"] = (typeof(TicketMerged), e => new TicketMerged(e)),
        ["ticket.restore"] = (typeof(TicketRestored), e => new TicketRestored(e)),
        ["product.creation"] = (typeof(ProductCreated), e => new ProductCreated(e)),
        ["product.deletion"] = (typeof(ProductDeleted), e => new ProductDeleted(e)),
        ["product.propertyChange"] = (typeof(ProductPropertyChanged), e => new ProductPropertyChanged(e)),
        ["product.merge"] = (typeof(ProductMerged), e => new ProductMerged(e)),
        ["product.restore"] = (typeof(ProductRestored), e => new ProductRestored(e)),
        ["line_item.creation"] = (typeof(LineItemCreated), e => new LineItemCreated(e)),
        ["line_item.deletion"] = (typeof(LineItemDeleted), e => new LineItemDeleted(e)),
        ["line_item.propertyChange"] = (typeof(LineItemPropertyChanged), e => new LineItemPropertyChanged(e)),
        ["line_item.associationChange"] = (typeof(LineItemAssociationChanged), e => new LineItemAssociationChanged(e)),
        ["line_item.merge"] = (typeof(LineItemMerged), e => new LineItemMerged(e)),
        ["line_item.restore"] = (typeof(LineItemRestored), e => new LineItemRestored(e)),
        ["object.creation"] = (typeof(ObjectCreated), e => new ObjectCreated(e)),
        ["object.deletion"] = (typeof(ObjectDeleted), e => new ObjectDeleted(e)),
        ["object.propertyChange"] = (typeof(ObjectPropertyChanged), e => new ObjectPropertyChanged(e)),
        ["object.associationChange"] = (typeof(ObjectAssociationChanged), e => new ObjectAssociationChanged(e)),
        ["object.merge"] = (typeof(ObjectMerged), e => new ObjectMerged(e)),
        ["object.restore"] = (typeof(ObjectRestored), e => new ObjectRestored(e)),
    };
}
