namespace Spoke.Emulator.Seeding;

/// <summary>
/// How far a demo seed got, kept in the data file's metadata and committed with every seeded chunk, so a seed that was
/// killed resumes where it stopped. <see cref="Anchor"/> keeps the dates of the original start (a resume the next day
/// must not move them), and each type's store <see cref="DemoSeedTypeProgress.NextId"/> tells whether anything but the
/// seeder wrote since.
/// </summary>
internal sealed class DemoSeedProgress
{
    /// <summary>What the seed makes and in which order; a file's unfinished seed of another version is not resumed.</summary>
    public const int CurrentVersion = 2;

    /// <summary>0 in files written before the seed had versions (companies, contacts, deals and tickets only).</summary>
    public int Version { get; set; }

    public int Size { get; set; }
    public int SeedValue { get; set; }

    /// <summary>Midnight UTC of the day the seed started: records are created over the two years before it.</summary>
    public DateTimeOffset Anchor { get; set; }

    /// <summary>Object type name (companies, contacts, ..., projects) → what the seed has committed of it, in seeding order.</summary>
    public Dictionary<string, DemoSeedTypeProgress> Types { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The type id of the <c>projects</c> custom object once the seed has created its schema.</summary>
    public string? CustomObjectTypeId { get; set; }

    public bool Complete { get; set; }
}

internal sealed class DemoSeedTypeProgress
{
    public int Seeded { get; set; }
    public int Total { get; set; }

    /// <summary>The store's next id right after the last committed chunk.</summary>
    public long NextId { get; set; }
}
