using System.Text.Json;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Errors;
using Spoke.Timeline;

namespace Spoke.DataTools.Gdpr;

/// <summary>A timeline event to include in an access export: HubSpot cannot list a contact's events, so the caller names them.</summary>
/// <param name="EventTemplateId">The event's template id.</param>
/// <param name="EventId">The event's id.</param>
public sealed record GdprTimelineEventRef(string EventTemplateId, string EventId)
{
    /// <summary>Parses <c>TEMPLATE_ID:EVENT_ID</c>.</summary>
    /// <exception cref="FormatException">The text is not <c>TEMPLATE_ID:EVENT_ID</c>.</exception>
    public static GdprTimelineEventRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split(':', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0
            ? new GdprTimelineEventRef(parts[0], parts[1])
            : throw new FormatException($"The timeline event \"{text.Trim()}\" is not TEMPLATE_ID:EVENT_ID (e.g. 1001234:webinar-42).");
    }
}

/// <summary>What <see cref="GdprAccessExporter.ExportAsync"/> includes beyond what it finds itself.</summary>
public sealed class GdprAccessOptions
{
    /// <summary>Timeline events to include (HubSpot's API cannot enumerate them); those of another record are left out and listed as such.</summary>
    public IReadOnlyList<GdprTimelineEventRef> TimelineEvents { get; init; } = [];
}

/// <summary>What an access export found.</summary>
/// <param name="ContactId">The contact's record id.</param>
/// <param name="Properties">Properties with a value.</param>
/// <param name="AssociatedRecords">Associated records, all types together.</param>
/// <param name="ListMemberships">Lists the contact belongs to.</param>
/// <param name="TimelineEvents">Named timeline events included.</param>
public sealed record GdprAccessResult(string ContactId, int Properties, int AssociatedRecords, int ListMemberships, int TimelineEvents);

/// <summary>
/// A data-subject access request: one JSON document with the contact's every property (every definition) and its
/// full history, its associations to every object type it has (with labels; engagements, the contact's activity
/// timeline, with their properties), its list memberships, the timeline events the caller names, and what HubSpot's
/// API cannot export (listed in the document's <c>notExported</c>).
/// </summary>
public sealed class GdprAccessExporter
{
    /// <summary>The object types a contact is associated with that the export reads, before custom objects.</summary>
    public static IReadOnlyList<string> AssociatedTypes { get; } = ["companies", "deals", "tickets", "quotes", "notes", "emails", "calls", "meetings", "tasks", "communications", "postal_mail"];

    // Engagements are the contact's activity: their content is exported, not only their ids.
    private static readonly HashSet<string> Engagements = new(StringComparer.Ordinal) { "notes", "emails", "calls", "meetings", "tasks", "communications", "postal_mail" };

    internal static readonly string[] NotExported =
    [
        "Timeline events: HubSpot's API reads a timeline event only by template and event id and cannot list a contact's events; this document holds only the events named in the request (timelineEvents).",
        "Form submissions, page views and other web analytics, marketing email events, conversations inbox threads, files and sequences enrolments are served by other HubSpot APIs (or none) and are not in this document; export them from HubSpot (Settings > Privacy & Consent) if the request covers them.",
        "Properties HubSpot marks as sensitive data are returned only to apps granted the sensitive-data scopes; without them their values are absent here.",
    ];

    private readonly HubSpotClient _client;
    private readonly TimeProvider _time;

    /// <param name="client">The portal's client.</param>
    /// <param name="timeProvider">For the document's <c>generatedAt</c>; the system clock when null.</param>
    public GdprAccessExporter(HubSpotClient client, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Finds the contact and writes its access document to <paramref name="output"/> (left open); null, with nothing written, when no contact matches.</summary>
    public async Task<GdprAccessResult?> ExportAsync(GdprSubject subject, Stream output, GdprAccessOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new GdprAccessOptions();
        var contacts = _client.Crm.Contacts;
        var found = await GdprContactLookup.FindAsync(_client, subject, [], cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return null;
        }

        var definitions = await Export.RecordExporter.DefinitionsAsync(_client, "contacts", cancellationToken).ConfigureAwait(false);
        List<string> names = [.. definitions.Keys];
        // A POST: every property with its history does not fit a GET's query string.
        var read = await contacts.BatchReadAsync([found.Id], new CrmReadOptions { Properties = names, PropertiesWithHistory = names, Archived = found.Archived }, cancellationToken).ConfigureAwait(false);
        if (read.Failed.Count > 0)
        {
            throw read.Failed[0].ToException();
        }

        var contact = read.Values[0];
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("generatedAt", _time.GetUtcNow());
        json.WriteStartObject("subject");
        json.WriteString("objectType", "contacts");
        json.WriteString("id", contact.Id);
        json.WriteString("foundBy", subject.Email is null ? "id" : "email");
        json.WriteEndObject();

        json.WriteStartObject("contact");
        json.WriteString("id", contact.Id);
        json.WriteString("createdAt", contact.CreatedAt);
        json.WriteString("updatedAt", contact.UpdatedAt);
        json.WriteBoolean("archived", contact.Archived);
        json.WriteStartObject("properties");
        var withValue = 0;
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            var value = contact.Properties.GetValueOrDefault(name);
            withValue += string.IsNullOrEmpty(value) ? 0 : 1;
            json.WriteStartObject(name);
            json.WriteString("label", definitions[name].Label);
            json.WriteString("value", value);
            json.WriteStartArray("history");
            foreach (var version in contact.PropertiesWithHistory.GetValueOrDefault(name) ?? [])
            {
                json.WriteStartObject();
                json.WriteString("value", version.Value);
                json.WriteString("timestamp", version.Timestamp);
                json.WriteString("sourceType", version.SourceType);
                json.WriteString("sourceId", version.SourceId);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();

        var notes = new List<string>(NotExported);
        var associated = await WriteAssociationsAsync(json, contact.Id, notes, cancellationToken).ConfigureAwait(false);
        var memberships = await WriteMembershipsAsync(json, contact.Id, notes, cancellationToken).ConfigureAwait(false);
        var events = await WriteTimelineEventsAsync(json, contact.Id, options.TimelineEvents, cancellationToken).ConfigureAwait(false);

        json.WriteStartArray("notExported");
        foreach (var note in notes)
        {
            json.WriteStringValue(note);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new GdprAccessResult(contact.Id, withValue, associated, memberships, events);
    }

    private async Task<int> WriteAssociationsAsync(Utf8JsonWriter json, string contactId, List<string> notes, CancellationToken cancellationToken)
    {
        var types = new List<string>(AssociatedTypes);
        try
        {
            await foreach (var schema in _client.Schemas.ListAsync(null, cancellationToken).ConfigureAwait(false))
            {
                types.Add(schema.ObjectTypeId);
            }
        }
        catch (HubSpotApiException e) when (e.Status is 401 or 403)
        {
            notes.Add("Custom objects: the token may not read custom object schemas, so associations to custom objects are not in this document.");
        }

        var total = 0;
        json.WriteStartObject("associations");
        foreach (var type in types)
        {
            var records = new List<AssociatedObject>();
            try
            {
                await foreach (var record in _client.Associations.ListAsync("contacts", contactId, type, cancellationToken).ConfigureAwait(false))
                {
                    records.Add(record);
                }
            }
            catch (HubSpotApiException e) when (e.Status is 400 or 403 or 404)
            {
                notes.Add($"Associations to {type}: HubSpot refused to list them ({e.Status}), so they are not in this document.");
                continue;
            }

            if (records.Count == 0)
            {
                continue;
            }

            Dictionary<string, CrmObject> content = [];
            if (Engagements.Contains(type))
            {
                var definitions = await Export.RecordExporter.DefinitionsAsync(_client, type, cancellationToken).ConfigureAwait(false);
                var read = await _client.Crm.Objects(type).BatchReadAsync(records.Select(r => r.ToObjectId), new CrmReadOptions { Properties = [.. definitions.Keys] }, cancellationToken).ConfigureAwait(false);
                content = read.Values.ToDictionary(r => r.Id, StringComparer.Ordinal);
            }

            json.WriteStartArray(type);
            foreach (var record in records)
            {
                total++;
                json.WriteStartObject();
                json.WriteString("id", record.ToObjectId);
                json.WriteStartArray("labels");
                foreach (var label in record.Types.Select(t => t.Label).OfType<string>().Distinct(StringComparer.Ordinal))
                {
                    json.WriteStringValue(label);
                }

                json.WriteEndArray();
                json.WriteStartArray("associationTypes");
                foreach (var t in record.Types)
                {
                    json.WriteStartObject();
                    json.WriteString("category", t.Category.ToString());
                    json.WriteNumber("typeId", t.TypeId);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                if (content.TryGetValue(record.ToObjectId, out var engagement))
                {
                    json.WriteString("createdAt", engagement.CreatedAt);
                    json.WriteStartObject("properties");
                    foreach (var (name, value) in engagement.Properties.Where(p => !string.IsNullOrEmpty(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        json.WriteString(name, value);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        return total;
    }

    private async Task<int> WriteMembershipsAsync(Utf8JsonWriter json, string contactId, List<string> notes, CancellationToken cancellationToken)
    {
        var memberships = new List<Lists.RecordListMembership>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await foreach (var m in _client.Lists.ListRecordMembershipsAsync(CrmObjectTypeIds.Contacts, contactId, cancellationToken).ConfigureAwait(false))
            {
                memberships.Add(m);
            }

            if (memberships.Count > 0)
            {
                foreach (var list in await _client.Lists.BatchReadAsync(memberships.Select(m => m.ListId).Distinct(StringComparer.Ordinal), null, cancellationToken).ConfigureAwait(false))
                {
                    names[list.ListId] = list.Name;
                }
            }
        }
        catch (HubSpotApiException e) when (e.Status is 401 or 403)
        {
            notes.Add("List memberships: the token may not read lists (scope crm.lists.read), so they are not in this document.");
        }

        json.WriteStartArray("listMemberships");
        foreach (var m in memberships)
        {
            json.WriteStartObject();
            json.WriteString("listId", m.ListId);
            json.WriteString("name", names.GetValueOrDefault(m.ListId));
            if (m.FirstAddedTimestamp is { } first)
            {
                json.WriteString("firstAddedAt", first);
            }

            if (m.LastAddedTimestamp is { } last)
            {
                json.WriteString("lastAddedAt", last);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        return memberships.Count;
    }

    private async Task<int> WriteTimelineEventsAsync(Utf8JsonWriter json, string contactId, IReadOnlyList<GdprTimelineEventRef> events, CancellationToken cancellationToken)
    {
        var included = new List<TimelineEventResult>();
        var left = new List<(GdprTimelineEventRef Ref, string Reason)>();
        foreach (var reference in events.Distinct())
        {
            try
            {
                var e = await _client.Timeline.GetEventAsync(reference.EventTemplateId, reference.EventId, cancellationToken).ConfigureAwait(false);
                if (e.ObjectId == contactId)
                {
                    included.Add(e);
                }
                else
                {
                    // Another person's event is not this person's data: never copied into their document.
                    left.Add((reference, "it belongs to another record"));
                }
            }
            catch (HubSpotApiException e) when (e.Status == 404)
            {
                left.Add((reference, "HubSpot has no such event"));
            }
        }

        json.WriteStartArray("timelineEvents");
        foreach (var e in included)
        {
            json.WriteStartObject();
            json.WriteString("eventTemplateId", e.EventTemplateId);
            json.WriteString("id", e.Id);
            if (e.Timestamp is { } at)
            {
                json.WriteString("timestamp", at);
            }

            json.WriteStartObject("tokens");
            foreach (var (name, value) in e.Tokens.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("timelineEventsNotIncluded");
        foreach (var (reference, reason) in left)
        {
            json.WriteStartObject();
            json.WriteString("eventTemplateId", reference.EventTemplateId);
            json.WriteString("id", reference.EventId);
            json.WriteString("reason", reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        return included.Count;
    }
}

/// <summary>Finds the contact a request names, live or archived.</summary>
internal static class GdprContactLookup
{
    public static async Task<CrmObject?> FindAsync(HubSpotClient client, GdprSubject subject, IList<string> properties, CancellationToken cancellationToken)
    {
        var contacts = client.Crm.Contacts;
        var key = subject.Email ?? subject.ContactId!;
        var idProperty = subject.Email is null ? null : "email";
        return await contacts.TryGetAsync(key, new CrmReadOptions { IdProperty = idProperty, Properties = properties }, cancellationToken).ConfigureAwait(false)
            ?? await contacts.TryGetAsync(key, new CrmReadOptions { IdProperty = idProperty, Properties = properties, Archived = true }, cancellationToken).ConfigureAwait(false);
    }
}
