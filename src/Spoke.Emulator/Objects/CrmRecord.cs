namespace Spoke.Emulator.Objects;

/// <summary>
/// One value of a property, linked to the value it replaced: the chain is the property's history
/// (<c>propertiesWithHistory</c>), newest first, at one object per version.
/// </summary>
internal sealed class PropertyValue(string value, DateTimeOffset timestamp, string sourceType, string? sourceId, PropertyValue? previous)
{
    public string Value { get; } = value;
    public DateTimeOffset Timestamp { get; } = timestamp;
    public string SourceType { get; } = sourceType;
    public string? SourceId { get; } = sourceId;
    public PropertyValue? Previous { get; internal set; } = previous;
}

/// <summary>A CRM record of any type. Ids are numeric internally and strings on the wire.</summary>
internal sealed class CrmRecord(long id)
{
    public long Id { get; } = id;
    public Dictionary<string, PropertyValue> Properties { get; } = new(StringComparer.Ordinal);
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Archived { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }

    /// <summary>Gone for good (GDPR delete, or merged into another record). Never listed or searched.</summary>
    public bool Deleted { get; set; }

    /// <summary>When merged away: the id of the record that absorbed this one.</summary>
    public long? MergedInto { get; set; }

    /// <summary>The current value, or null when unset or cleared.</summary>
    public string? Get(string name) =>
        Properties.TryGetValue(name, out var v) && v.Value.Length > 0 ? v.Value : null;
}
