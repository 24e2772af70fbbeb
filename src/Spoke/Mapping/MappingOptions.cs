namespace Spoke.Mapping;

/// <summary>How an object is turned into property values.</summary>
public sealed class MappingOptions
{
    /// <summary>
    /// Write members with no value (<c>null</c>, <c>""</c>, an empty collection) as <c>""</c>, which clears them on
    /// HubSpot. Off by default: such members are left out, so an update only touches members that hold a value.
    /// Non-nullable value-type members (<c>int</c>, <c>bool</c>, …) always hold a value; use nullable ones for partial updates.
    /// </summary>
    public bool ClearUnsetValues { get; init; }
}
