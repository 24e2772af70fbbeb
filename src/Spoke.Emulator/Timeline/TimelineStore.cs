using System.Text.Json;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;
namespace Spoke.Emulator.Timeline;

/// <summary>The data types a template token can hold (docs/hubspot-api.md §3.8).</summary>
internal static class TokenTypes
{
    public const string Date = "date";
    public const string Enumeration = "enumeration";
    public const string Number = "number";
    public const string String = "string";

    public static readonly IReadOnlyList<string> All = [Date, Enumeration, Number, String];
}

/// <summary>An app's timeline event template: what its events look like and which tokens they carry.</summary>
internal sealed class EventTemplate
{
    public long Id { get; set; }
    public long AppId { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The object type id the template's events land on (<c>0-1</c>, <c>2-N</c>).</summary>
    public string ObjectTypeId { get; set; } = "";

    /// <summary>The object type as the caller named it and HubSpot echoes it (<c>contacts</c>, <c>p123_cars</c>).</summary>
    public string ObjectType { get; set; } = "";
    public string? HeaderTemplate { get; set; }
    public string? DetailTemplate { get; set; }
    public List<TemplateToken> Tokens { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public TemplateToken? FindToken(string name) => Tokens.Find(t => t.Name == name);
}

/// <summary>A token of a template: a typed value each event carries, optionally stamped onto a record property.</summary>
internal sealed class TemplateToken
{
    public string Name { get; set; } = "";
    public string Label { get; set; } = "";
    public string Type { get; set; } = TokenTypes.String;
    public List<TokenOption> Options { get; set; } = [];
    public string? ObjectPropertyName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed record TokenOption(string Label, string Value);

/// <summary>One event on a record's timeline.</summary>
internal sealed class TimelineEvent
{
    public string Id { get; set; } = "";
    public long EventTemplateId { get; set; }
    public string ObjectType { get; set; } = "";
    public long ObjectId { get; set; }
    public string? Email { get; set; }
    public string? Utk { get; set; }
    public string? Domain { get; set; }
    public Dictionary<string, string> Tokens { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset Timestamp { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary><c>extraData</c> and <c>timelineIFrame</c> as the JSON text the caller sent.</summary>
    public string? ExtraDataJson { get; set; }
    public string? TimelineIFrameJson { get; set; }
}

/// <summary>Templates by id and events by (template, event id). Callers hold the portal lock; persistence uses
/// <see cref="Templates"/>, <see cref="AddTemplate"/> and <see cref="AddEvent"/>, and saves events (possibly many)
/// row by row from <see cref="PendingEvents"/> and <see cref="PendingRemovedTemplates"/>.</summary>
internal sealed class TimelineStore : PortalFeature, IJournaledRows
{
    private readonly SortedDictionary<long, EventTemplate> _templates = [];
    private readonly Dictionary<(long TemplateId, string EventId), TimelineEvent> _events = [];
    // Changes since the last commit; only kept while a journal is attached.
    private readonly Dictionary<(long TemplateId, string EventId), TimelineEvent> _addedEvents = [];
    private readonly HashSet<(long TemplateId, string EventId)> _removedEvents = [];
    private readonly HashSet<long> _removedTemplates = [];

    private TimelineEventTable? _table;

    public override string Name => "timeline";

    public JournalTable Table => _table ??= new TimelineEventTable(this);

    /// <summary>Next template id (HubSpot's are numbers serialized as strings).</summary>
    public long NextTemplateId { get; set; } = 1_000_001;

    public IEnumerable<EventTemplate> Templates => _templates.Values;

    public IEnumerable<TimelineEvent> Events => _events.Values;

    public EventTemplate? FindTemplate(long id) => _templates.GetValueOrDefault(id);

    public TimelineEvent? FindEvent(long templateId, string eventId) => _events.GetValueOrDefault((templateId, eventId));

    /// <summary>Whether event changes are collected for the journal (set while one is attached).</summary>
    public bool TracksChanges { get; set; }

    /// <summary>Events added since the last commit.</summary>
    public IReadOnlyCollection<TimelineEvent> PendingEvents => _addedEvents.Values;

    /// <summary>Templates removed since the last commit: their stored events go with them.</summary>
    public IReadOnlyCollection<long> PendingRemovedTemplates => _removedTemplates;

    /// <summary>Events removed since the last commit (a GDPR delete takes a contact's timeline with it).</summary>
    public IReadOnlyCollection<(long TemplateId, string EventId)> PendingRemovedEvents => _removedEvents;

    public bool HasPendingChanges => _addedEvents.Count > 0 || _removedTemplates.Count > 0 || _removedEvents.Count > 0;

    /// <summary>Forgets the pending changes once the write scope has committed them.</summary>
    public void AcceptChanges()
    {
        _addedEvents.Clear();
        _removedTemplates.Clear();
        _removedEvents.Clear();
    }

    public void AddTemplate(EventTemplate template)
    {
        MarkDirty();
        _templates[template.Id] = template;
        if (template.Id >= NextTemplateId)
        {
            NextTemplateId = template.Id + 1;
        }
    }

    /// <summary>Removes a template and its events (HubSpot drops them from timelines too).</summary>
    public void RemoveTemplate(long id)
    {
        MarkDirty();
        _templates.Remove(id);
        foreach (var key in _events.Keys.Where(k => k.TemplateId == id).ToList())
        {
            _events.Remove(key);
            _addedEvents.Remove(key);
        }

        if (TracksChanges)
        {
            _removedTemplates.Add(id);
        }
    }

    public void AddEvent(TimelineEvent e)
    {
        _events[(e.EventTemplateId, e.Id)] = e;
        if (TracksChanges)
        {
            _addedEvents[(e.EventTemplateId, e.Id)] = e;
        }
    }

    /// <summary>Removes the events that match (a GDPR delete takes a contact's timeline with it); returns how many.</summary>
    public int RemoveEvents(Func<TimelineEvent, bool> match)
    {
        var keys = _events.Where(kv => match(kv.Value)).Select(kv => kv.Key).ToList();
        foreach (var key in keys)
        {
            _events.Remove(key);
            if (TracksChanges)
            {
                _addedEvents.Remove(key);
                _removedEvents.Add(key);
            }
        }

        return keys.Count;
    }

    /// <summary>Call after changing an event in place (a merge moves it to the survivor): the journal saves it again.</summary>
    public void Changed(TimelineEvent e)
    {
        if (TracksChanges)
        {
            _addedEvents[(e.EventTemplateId, e.Id)] = e;
            _removedEvents.Remove((e.EventTemplateId, e.Id));
        }
    }

    /// <summary>Call after changing a template (or its tokens) in place: stamps <see cref="EventTemplate.UpdatedAt"/> and saves it.</summary>
    public void Changed(EventTemplate template, DateTimeOffset now)
    {
        template.UpdatedAt = now;
        MarkDirty();
    }

    public void Clear()
    {
        _templates.Clear();
        _events.Clear();
        AcceptChanges();
        NextTemplateId = 1_000_001;
    }

    public override void Reset(DateTimeOffset now) => Clear();

    public override void Save(Utf8JsonWriter writer) =>
        Write(writer, "timeline", new TimelineDocument { Templates = [.. Templates], NextTemplateId = NextTemplateId }, PersistenceJsonContext.Default.TimelineDocument);

    public override void Load(JsonElement document)
    {
        if (TryRead(document, "timeline", PersistenceJsonContext.Default.TimelineDocument, out var saved))
        {
            Clear();
            foreach (var template in saved.Templates)
            {
                AddTemplate(template);
            }

            NextTemplateId = Math.Max(NextTemplateId, saved.NextTemplateId);
        }
    }
}
