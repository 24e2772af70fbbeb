using System.Diagnostics.CodeAnalysis;
using Spoke.Crm;

namespace Spoke.Mapping;

/// <summary>
/// Maps your own classes to HubSpot records and back, so code never handles property names or wire strings.
/// <code>
/// [HubSpotObject("contacts")]
/// public sealed class Contact
/// {
///     public string? Id { get; set; }                     // the record id
///     public string? Email { get; set; }                  // "email"
///     [HubSpotProperty("hs_lead_status")] public LeadStatus? Status { get; set; }
///     public decimal? AnnualRevenue { get; set; }         // "annualrevenue"
///     public DateTimeOffset CreatedAt { get; set; }       // the record's createdAt
/// }
/// </code>
/// A member maps to the property named by <see cref="HubSpotPropertyAttribute"/>, else to its own name in lower case;
/// <c>Id</c>, <c>CreatedAt</c>, <c>UpdatedAt</c>, <c>Archived</c> and <c>ArchivedAt</c> map to the record itself.
/// A class is examined once, on first use; an unsupported member throws <see cref="HubSpotMappingException"/> then.
/// </summary>
public static class HubSpotMapper
{
    /// <summary>The members a mapped type must keep when trimmed.</summary>
    public const DynamicallyAccessedMemberTypes MappedMembers = ObjectMap.Members;

    /// <summary>
    /// The values of <paramref name="value"/>'s mapped members in wire form. Members with no value are left out,
    /// unless <see cref="MappingOptions.ClearUnsetValues"/> asks for them to be cleared.
    /// </summary>
    public static PropertyBag ToProperties<[DynamicallyAccessedMembers(MappedMembers)] T>(T value, MappingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ObjectMap<T>.Instance.ToProperties(value, options);
    }

    /// <summary>A new <typeparamref name="T"/> holding the record's id, metadata and property values.</summary>
    public static T FromObject<[DynamicallyAccessedMembers(MappedMembers)] T>(CrmObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (T)ObjectMap<T>.Instance.FromObject(record);
    }

    /// <summary>The HubSpot properties <typeparamref name="T"/> reads (what to request in reads and searches).</summary>
    public static IReadOnlyList<string> GetPropertyNames<[DynamicallyAccessedMembers(MappedMembers)] T>() => ObjectMap<T>.Instance.PropertyNames;

    /// <summary>The object type from <typeparamref name="T"/>'s <see cref="HubSpotObjectAttribute"/>, or null.</summary>
    public static string? GetObjectType<[DynamicallyAccessedMembers(MappedMembers)] T>() => ObjectMap<T>.Instance.ObjectType;

    /// <summary>The record id in <paramref name="value"/>'s <c>Id</c> member, or null when it has none.</summary>
    public static string? GetId<[DynamicallyAccessedMembers(MappedMembers)] T>(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ObjectMap<T>.Instance.GetId(value);
    }
}
