namespace Spoke.Sync.Store;

/// <summary>Settings of a mirror store.</summary>
public sealed class SyncStoreOptions
{
    /// <summary>
    /// Properties that get a typed column of their own beside the raw JSON (for indexes, sorting, arithmetic). A column
    /// configured later is added to the existing table and filled from the raw values already stored. A value that does
    /// not parse as the type is NULL in the typed column (the raw text is always kept).
    /// </summary>
    public IList<SyncTypedColumn> TypedColumns { get; } = [];

    /// <summary>The clock for checkpoint and run-log times.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>A property of an object type stored also in a typed column named <c>p_PROPERTY</c>.</summary>
/// <param name="ObjectType">The object type (e.g. <c>deals</c>).</param>
/// <param name="Property">The property's internal name (e.g. <c>amount</c>).</param>
/// <param name="Type">How its raw text is parsed.</param>
public sealed record SyncTypedColumn(string ObjectType, string Property, SyncColumnType Type)
{
    private const string Expected = "write TYPE.PROPERTY:KIND, e.g. deals.amount:number, where KIND is number, datetime, bool or text";

    /// <summary>Parses <c>TYPE.PROPERTY:KIND</c> (what <c>spoke sync --typed</c> and <c>HubSpotSync:TypedColumns</c> take), e.g. <c>deals.amount:number</c>, <c>contacts.hs_lead_status:text</c>.</summary>
    /// <exception cref="FormatException">The text is not of that form, or KIND is not <c>number</c>, <c>datetime</c>, <c>bool</c> or <c>text</c>; the message says what to write.</exception>
    public static SyncTypedColumn Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = spec.Trim();
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var colon = text.LastIndexOf(':');
        if (dot <= 0 || colon < dot + 2 || colon == text.Length - 1)
        {
            throw new FormatException($"'{text}' is not a typed column: {Expected}.");
        }

        var type = text[..dot].Trim();
        var property = text[(dot + 1)..colon].Trim();
        var kind = text[(colon + 1)..].Trim().ToLowerInvariant() switch
        {
            "number" => SyncColumnType.Number,
            "datetime" => SyncColumnType.DateTime,
            "bool" or "boolean" => SyncColumnType.Boolean,
            "text" => SyncColumnType.Text,
            var other => throw new FormatException($"'{text}': the kind '{other}' is not one of number, datetime, bool, text; {Expected}."),
        };
        if (type.Length == 0 || property.Length == 0 || property.Contains('.', StringComparison.Ordinal) || property.Contains(':', StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}' is not a typed column: {Expected}.");
        }

        return new SyncTypedColumn(type, property, kind);
    }
}

/// <summary>The type of a typed column, and how raw HubSpot text is parsed into it.</summary>
public enum SyncColumnType
{
    /// <summary>Invariant-culture number (<c>1234.5</c>, <c>-3</c>, <c>1e3</c>); NUMERIC in both databases.</summary>
    Number,

    /// <summary>ISO 8601 (<c>2024-01-31T12:00:00.000Z</c>, <c>2024-01-31</c>) or epoch milliseconds; UTC. TIMESTAMPTZ in PostgreSQL, ISO 8601 text in SQLite.</summary>
    DateTime,

    /// <summary><c>true</c>/<c>false</c> (any case) or <c>1</c>/<c>0</c>. BOOLEAN in PostgreSQL, 0/1 in SQLite.</summary>
    Boolean,

    /// <summary>The raw text as is.</summary>
    Text,
}
