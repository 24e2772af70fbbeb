using System.Globalization;

namespace Spoke.Sync.Push;

/// <summary>Who wins when a property was changed both in the mirror (a pending local change) and in HubSpot, to different values.</summary>
public enum SyncConflictPolicy
{
    /// <summary>The newer change wins: HubSpot's per-property time (or the record's <c>updatedAt</c>) against the local change's capture time. A tie goes to HubSpot.</summary>
    LastWriterWins,

    /// <summary>HubSpot's value is written to the mirror and the local change of that property is dropped (superseded).</summary>
    HubSpotWins,

    /// <summary>The local value stays in the mirror and is pushed, overwriting HubSpot's.</summary>
    LocalWins,

    /// <summary>The side with a value wins over the side that cleared it; both non-empty: last writer wins.</summary>
    PreferNonEmpty,

    /// <summary>The local value stays in the mirror but is held (not pushed) until someone resolves the conflict (<see cref="SyncConflicts.ResolveAsync"/>).</summary>
    Manual,
}

/// <summary>Where last-writer-wins reads HubSpot's time of a change.</summary>
public enum SyncConflictTimeSource
{
    /// <summary>The property's own timestamp from <c>propertiesWithHistory</c> (one batch read per page with conflicts); the record's <c>updatedAt</c> when HubSpot gives no history.</summary>
    PropertyHistory,

    /// <summary>The record's <c>updatedAt</c> (<c>hs_lastmodifieddate</c>): no extra call, but a later change of another property makes HubSpot look newer.</summary>
    UpdatedAt,
}

/// <summary>
/// The conflict policy per object type and property: <see cref="Default"/>, overridden per type (<c>contacts</c>) and per
/// property (<c>contacts.email</c>); the most specific entry wins.
/// </summary>
public sealed class SyncConflictPolicies
{
    /// <summary>The policy names as written in configuration and on the command line.</summary>
    public const string Names = "last-writer-wins, hubspot-wins, local-wins, prefer-non-empty, manual";

    /// <summary>The policy where no entry names the type or property. Last writer wins unless set.</summary>
    public SyncConflictPolicy Default { get; set; } = SyncConflictPolicy.LastWriterWins;

    /// <summary>Policies by object type (<c>contacts</c>) or by type and property (<c>contacts.email</c>), case-insensitive.</summary>
    public IDictionary<string, SyncConflictPolicy> Overrides { get; } = new Dictionary<string, SyncConflictPolicy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where last-writer-wins reads HubSpot's time of a change.</summary>
    public SyncConflictTimeSource RemoteTime { get; set; } = SyncConflictTimeSource.PropertyHistory;

    /// <summary>The policy for one property of one type.</summary>
    public SyncConflictPolicy For(string objectType, string property) =>
        Overrides.TryGetValue(objectType + "." + property, out var exact) ? exact
        : Overrides.TryGetValue(objectType, out var type) ? type
        : Default;

    /// <summary>
    /// Adds one entry: <c>POLICY</c> (the default), <c>TYPE=POLICY</c> or <c>TYPE.PROPERTY=POLICY</c>.
    /// </summary>
    /// <exception cref="FormatException">The entry is not of that form or names no policy (the message lists them).</exception>
    public void Add(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            Default = Parse(entry);
            return;
        }

        var key = entry[..equals].Trim();
        if (key.Length == 0 || key.StartsWith('.') || key.EndsWith('.'))
        {
            throw new FormatException($"'{entry}' names no object type: write POLICY, TYPE=POLICY or TYPE.PROPERTY=POLICY (e.g. contacts.email=manual).");
        }

        Overrides[key] = Parse(entry[(equals + 1)..]);
    }

    /// <summary>A policy from its name (<see cref="Names"/>).</summary>
    /// <exception cref="FormatException">Not a policy name (the message lists them).</exception>
    public static SyncConflictPolicy Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "last-writer-wins" => SyncConflictPolicy.LastWriterWins,
            "hubspot-wins" => SyncConflictPolicy.HubSpotWins,
            "local-wins" => SyncConflictPolicy.LocalWins,
            "prefer-non-empty" => SyncConflictPolicy.PreferNonEmpty,
            "manual" => SyncConflictPolicy.Manual,
            _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{name.Trim()}' is not a conflict policy: use one of {Names}.")),
        };
    }

    /// <summary>A policy's name as <see cref="Parse"/> reads it.</summary>
    public static string NameOf(SyncConflictPolicy policy) => policy switch
    {
        SyncConflictPolicy.HubSpotWins => "hubspot-wins",
        SyncConflictPolicy.LocalWins => "local-wins",
        SyncConflictPolicy.PreferNonEmpty => "prefer-non-empty",
        SyncConflictPolicy.Manual => "manual",
        _ => "last-writer-wins",
    };
}
