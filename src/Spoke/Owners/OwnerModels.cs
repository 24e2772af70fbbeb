namespace Spoke.Owners;

/// <summary>A team an owner belongs to.</summary>
public sealed class OwnerTeam
{
    /// <summary>The team's ID.</summary>
    public string Id { get; init; } = "";
    /// <summary>The team's name; null when HubSpot doesn't send it.</summary>
    public string? Name { get; init; }
    /// <summary>True for the owner's main team.</summary>
    public bool Primary { get; init; }
}

/// <summary>
/// A user (or queue) records can be assigned to (docs/hubspot-api.md §3.6). Assign with the <c>hubspot_owner_id</c> property set to
/// <see cref="Id"/>, not <see cref="UserId"/>.
/// </summary>
public sealed class Owner
{
    /// <summary>The owner ID: the value to put in <c>hubspot_owner_id</c> (a string, unlike <see cref="UserId"/>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The user's email address; null when HubSpot sends none.</summary>
    public string? Email { get; init; }

    /// <summary><c>PERSON</c> or <c>QUEUE</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The user's first name; null when not set.</summary>
    public string? FirstName { get; init; }
    /// <summary>The user's last name; null when not set.</summary>
    public string? LastName { get; init; }
    /// <summary>The HubSpot user ID behind the owner (not what <c>hubspot_owner_id</c> holds); null for a queue or a deactivated user.</summary>
    public long? UserId { get; init; }
    /// <summary>The HubSpot user ID, also for deactivated users; null for a queue.</summary>
    public long? UserIdIncludingInactive { get; init; }
    /// <summary>The teams the owner is on; empty when none.</summary>
    public IReadOnlyList<OwnerTeam> Teams { get; init; } = [];
    /// <summary>When the owner was created; null when not sent.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When the owner last changed; null when not sent.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>True for an archived (deactivated) owner.</summary>
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
