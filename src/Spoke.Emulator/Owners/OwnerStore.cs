using System.Collections;
using System.Text.Json;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Owners;

/// <summary>The portal's owners, deactivated ones included (a fresh portal has <see cref="DefaultOwners"/>). Callers hold the portal lock.</summary>
internal sealed class OwnerStore : PortalFeature, IReadOnlyList<Owner>
{
    private readonly List<Owner> _owners = [];

    public override string Name => "owners";

    public int Count => _owners.Count;

    public Owner this[int index] => _owners[index];

    public Owner? Find(Predicate<Owner> match) => _owners.Find(match);

    public bool Exists(Predicate<Owner> match) => _owners.Exists(match);

    public void Add(Owner owner)
    {
        _owners.Add(owner);
        MarkDirty();
    }

    /// <summary>Deactivates an owner: listed and read only with <c>archived=true</c> from now on.</summary>
    public void Deactivate(Owner owner, DateTimeOffset now)
    {
        owner.Archived = true;
        owner.UpdatedAt = now;
        MarkDirty();
    }

    public override void Reset(DateTimeOffset now)
    {
        _owners.Clear();
        _owners.AddRange(DefaultOwners.Create(now));
    }

    public override void Save(Utf8JsonWriter writer) => Write(writer, "owners", _owners, PersistenceJsonContext.Default.ListOwner);

    public override void Load(JsonElement document)
    {
        if (TryRead(document, "owners", PersistenceJsonContext.Default.ListOwner, out var owners))
        {
            _owners.Clear();
            _owners.AddRange(owners);
        }
    }

    public IEnumerator<Owner> GetEnumerator() => _owners.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
