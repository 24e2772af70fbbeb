using System.Collections;
using System.Text.Json;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Schemas;

/// <summary>The portal's custom object schemas, archived ones included. Callers hold the portal lock.</summary>
internal sealed class SchemaStore : PortalFeature, IReadOnlyList<CustomObjectSchema>
{
    private readonly List<CustomObjectSchema> _schemas = [];

    public override string Name => "schemas";

    public int Count => _schemas.Count;

    public CustomObjectSchema this[int index] => _schemas[index];

    public CustomObjectSchema? Find(Predicate<CustomObjectSchema> match) => _schemas.Find(match);

    public bool Exists(Predicate<CustomObjectSchema> match) => _schemas.Exists(match);

    public void Add(CustomObjectSchema schema)
    {
        _schemas.Add(schema);
        MarkDirty();
    }

    public void Remove(CustomObjectSchema schema)
    {
        _schemas.Remove(schema);
        MarkDirty();
    }

    /// <summary>Call after changing a schema in place: stamps <see cref="CustomObjectSchema.UpdatedAt"/> and saves it.</summary>
    public void Changed(CustomObjectSchema schema, DateTimeOffset now)
    {
        schema.UpdatedAt = now;
        MarkDirty();
    }

    public override void Reset(DateTimeOffset now) => _schemas.Clear();

    public override void Save(Utf8JsonWriter writer) => Write(writer, "schemas", _schemas, PersistenceJsonContext.Default.ListCustomObjectSchema);

    public override void Load(JsonElement document)
    {
        if (TryRead(document, "schemas", PersistenceJsonContext.Default.ListCustomObjectSchema, out var schemas))
        {
            _schemas.Clear();
            _schemas.AddRange(schemas);
        }
    }

    public IEnumerator<CustomObjectSchema> GetEnumerator() => _schemas.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
