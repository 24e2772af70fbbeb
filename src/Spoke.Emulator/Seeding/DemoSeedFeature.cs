using System.Text.Json;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Seeding;

/// <summary>The demo seed this portal got (or is part way through), so a stopped seed resumes; null when never seeded.
/// The seeder updates the progress in place and marks it with each chunk it commits.</summary>
internal sealed class DemoSeedFeature : PortalFeature
{
    private DemoSeedProgress? _progress;

    public override string Name => "demoSeed";

    public DemoSeedProgress? Progress
    {
        get => _progress;
        set
        {
            _progress = value;
            MarkDirty();
        }
    }

    public override void Reset(DateTimeOffset now) => _progress = null;

    public override void Save(Utf8JsonWriter writer)
    {
        if (_progress is not null)
        {
            Write(writer, "demoSeed", _progress, PersistenceJsonContext.Default.DemoSeedProgress);
        }
    }

    public override void Load(JsonElement document) =>
        _progress = TryRead(document, "demoSeed", PersistenceJsonContext.Default.DemoSeedProgress, out var progress) ? progress : null;
}
