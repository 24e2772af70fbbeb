namespace Spoke.Owners;

/// <summary>A team an owner belongs to.</summary>
public sealed class OwnerTeam
{
    public string Id { get; init; } = "";
    public string? Name { get; init; }
    public bool Primary { get; init; }
}

/// <summary>
/// A user (or queue) records can be assigned to (docs/hubspot-api.md §3.6). Assign with the <c>hubspot_owner_id</c> property set to
/// <see cref="Id"/>, not <see cref="UserId"/>.
/// </summary>
public sealed class Owner
{
    public string Id { get; init; } = "";
    public string? Email { get; init; }

    /// <summary><c>PERSON</c> or <c>QUEUE</c>.</summary>
    public string? Type { get; init; }

    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public long? UserId { get; init; }
    public long? UserIdIncludingInactive { get; init; }
    public IReadOnlyList<OwnerTeam> Teams { get; init; } = [];
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public bool Archived { get; init; }
}

/// <summary>Which id <see cref="OwnersClient.GetAsync"/> looks an owner up by.</summary>
public enum OwnerIdProperty
{
    /// <summary>The owner id (what <c>hubspot_owner_id</c> holds).</summary>
    Id,

    /// <summary>The HubSpot user id.</summary>
    UserId,
}

/// <summary>Options of <see cref="OwnersClient.ListAsync"/>.</summary>
public sealed class OwnerListOptions
{
    /// <summary>Only the owner with this email.</summary>
    public string? Email { get; init; }

    /// <summary>Archived (deactivated) owners instead of active ones.</summary>
    public bool Archived { get; init; }
}

/// <summary>Options of <see cref="OwnersClient.GetAsync"/>.</summary>
public sealed class OwnerReadOptions
{
    /// <summary>Which id the given id is (default: the owner id).</summary>
    public OwnerIdProperty IdProperty { get; init; } = OwnerIdProperty.Id;

    /// <summary>Look among archived owners.</summary>
    public bool Archived { get; init; }
}
