namespace Spoke.Emulator.Owners;

internal sealed record OwnerTeam(string Id, string Name, bool Primary);

/// <summary>A portal user who can own records (<c>PublicOwner</c>, docs/hubspot-api.md §3.6).</summary>
internal sealed class Owner
{
    public required string Id { get; init; }
    public required string Email { get; set; }
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    /// <summary>The user's id. Served as <c>userId</c> only while the owner is active (null once deactivated).</summary>
    public long UserId { get; init; }
    public long UserIdIncludingInactive { get; init; }
    public string Type { get; init; } = "PERSON";
    public List<OwnerTeam> Teams { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Archived { get; set; }
}

/// <summary>The owners every emulated portal starts with; ids are stable so tests can name them.</summary>
internal static class DefaultOwners
{
    public static List<Owner> Create(DateTimeOffset at)
    {
        (string First, string Last)[] people =
            [("Avery", "Stone"), ("Jordan", "Reyes"), ("Morgan", "Lee"), ("Riley", "Chen"), ("Quinn", "Patel")];
        var sales = new OwnerTeam("101", "Sales", true);
        var support = new OwnerTeam("102", "Support", true);
        return [.. people.Select((p, i) => new Owner
        {
            Id = (90_000_001 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Email = $"{p.First.ToLowerInvariant()}.{p.Last.ToLowerInvariant()}@example.com",
            FirstName = p.First, LastName = p.Last, UserId = 5_000_001 + i, UserIdIncludingInactive = 5_000_001 + i,
            Teams = [i < 3 ? sales : support], CreatedAt = at, UpdatedAt = at,
        })];
    }
}
