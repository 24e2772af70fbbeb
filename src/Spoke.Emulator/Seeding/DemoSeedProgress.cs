namespace Spoke.Emulator.Seeding;

/// <summary>
/// How far a demo seed got, kept in the data file's metadata and committed with every seeded chunk, so a seed that was
/// killed resumes where it stopped. <see cref="Anchor"/> keeps the dates of the original start (a resume the next day
/// must not move them), and each type's store <see cref="DemoSeedTypeProgress.NextId"/> tells whether anything but the
/// seeder wrote since.
/// </summary>
internal sealed class DemoSeedProgress
{
    public int Size { get; set; }
    public int SeedValue { get; set; }

    /// <summary>Midnight UTC of the day the seed started: records are created over the two years before it.</summary>
    public DateTimeOffset Anchor { get; set; }

    /// <summary>Object type name (companies, contacts, deals, tickets) → what the seed has committed of it.</summary>
    public Dictionary<string, DemoSeedTypeProgress> Types { get; set; } = new(StringComparer.Ordinal);

    public bool Complete { get; set; }
}

internal sealed class DemoSeedTypeProgress
{
    public int Seeded { get; set; }
    public int Total { get; set; }

    /// <summary>The store's next id right after the last committed chunk.</summary>
    public long NextId { get; set; }
}
