namespace Spoke.Mapping;

/// <summary>The HubSpot object type a class maps to: <c>contacts</c>, <c>deals</c>, <c>p_machines</c>, <c>2-1234</c>, ….</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = true)]
public sealed class HubSpotObjectAttribute(string objectType) : Attribute
{
    /// <summary>The HubSpot object type the class maps to.</summary>
    public string ObjectType { get; } = objectType;
}

/// <summary>
/// Maps a member to a HubSpot property by its internal name. Without it, a public read-write property maps to its
/// name in lower case (<c>FirstName</c> → <c>firstname</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HubSpotPropertyAttribute(string name) : Attribute
{
    /// <summary>The HubSpot property's internal name.</summary>
    public string Name { get; } = name;

    /// <summary>Read the value but never write it: for HubSpot's calculated and system properties (<c>createdate</c>, <c>hs_object_id</c>, …).</summary>
    public bool ReadOnly { get; init; }
}

/// <summary>Leaves a member out of the mapping.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HubSpotIgnoreAttribute : Attribute;

/// <summary>
/// The option value an enum member stands for. Without it, <see cref="System.Runtime.Serialization.EnumMemberAttribute"/>'s
/// value is used, then the member name. HubSpot compares option values case-sensitively.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class HubSpotEnumValueAttribute(string value) : Attribute
{
    /// <summary>The enumeration option's internal value on HubSpot.</summary>
    public string Value { get; } = value;
}
