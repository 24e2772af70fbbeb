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
public sealed record SyncTypedColumn(string ObjectType, string Property, SyncColumnType Type);

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
