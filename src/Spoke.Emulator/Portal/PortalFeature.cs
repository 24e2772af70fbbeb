using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Spoke.Emulator.Portal;

/// <summary>
/// One feature's state in a portal (owners, pipelines, lists, webhooks, …), registered once with
/// <see cref="PortalState"/> (<see cref="PortalState.Register{T}"/>). The portal resets every registered feature, the
/// journal saves each one into the metadata document and restores it from there, and a feature marks itself dirty
/// when it changes (<see cref="MarkDirty"/>), so the write scope that is open saves it. No list elsewhere names the
/// features: a new one registers and is persisted and reset like the others.
/// </summary>
internal abstract class PortalFeature
{
    private PortalState? _portal;

    /// <summary>The feature's name (diagnostics and tests).</summary>
    public abstract string Name { get; }

    /// <summary>Writes the feature's definitions as properties of the metadata document. The property names are in
    /// data files: never rename one.</summary>
    public abstract void Save(Utf8JsonWriter writer);

    /// <summary>Restores the definitions from the metadata document; a property that is absent (a file written before the
    /// feature persisted) leaves the fresh portal's values. Called in registration order, before any record is loaded.</summary>
    public abstract void Load(JsonElement document);

    /// <summary>Back to a fresh portal's state (start-up and admin reset), in registration order.</summary>
    public abstract void Reset(DateTimeOffset now);

    /// <summary>The feature's definitions changed: the write scope that is open saves the metadata document.</summary>
    public void MarkDirty() => _portal?.MarkDirty(this);

    internal void AttachTo(PortalState portal) => _portal = portal;

    protected static void Write<T>(Utf8JsonWriter writer, string name, T value, JsonTypeInfo<T> info)
    {
        writer.WritePropertyName(name);
        JsonSerializer.Serialize(writer, value, info);
    }

    protected static bool TryRead<T>(JsonElement document, string name, JsonTypeInfo<T> info, [NotNullWhen(true)] out T? value)
    {
        value = document.TryGetProperty(name, out var element) && element.ValueKind != JsonValueKind.Null ? element.Deserialize(info) : default;
        return value is not null;
    }
}

/// <summary>
/// A feature whose data grows with the portal (association edges, list memberships, timeline events): besides its
/// definitions it collects the rows a write scope changed, which the journal saves one by one through <see cref="Table"/>.
/// </summary>
internal interface IJournaledRows
{
    /// <summary>Whether changes are collected (set while a journal is attached).</summary>
    bool TracksChanges { get; set; }

    bool HasPendingChanges { get; }

    /// <summary>Forgets the pending changes once the write scope has committed (or failed to commit) them.</summary>
    void AcceptChanges();

    /// <summary>How the journal keeps the rows: its table, how pending changes are written and read back.</summary>
    Persistence.JournalTable Table { get; }
}
