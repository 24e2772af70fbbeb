using System.Globalization;
using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Schemas;

/// <summary>
/// The <see cref="ObjectType"/> a custom object schema defines. Public so that code restoring a portal (persistence)
/// rebuilds exactly what the schemas API registers.
/// </summary>
internal static class CustomObjectTypes
{
    public static ObjectType Create(CustomObjectSchema schema)
    {
        var number = long.Parse(schema.Id, NumberStyles.None, CultureInfo.InvariantCulture);
        var type = new ObjectType
        {
            IsCustom = true,
            TypeId = schema.ObjectTypeId,
            Name = schema.Name,
            Singular = schema.Name,
            FullyQualifiedName = schema.FullyQualifiedName,
            ReadScopes = ["crm.objects.custom.read"],
            WriteScopes = ["crm.objects.custom.write"],
            DefaultProperties = [],
            SearchableProperties = [],
            // Ids differ per custom type so a client mixing types up notices; large so no one assumes int32.
            FirstId = 80_000_000_001 + ((number % 1000) * 10_000_000),
        };
        ApplyLayout(schema, type);
        return type;
    }

    /// <summary>Copies the schema's display and search lists onto the type (after create and every PATCH).</summary>
    public static void ApplyLayout(CustomObjectSchema schema, ObjectType type)
    {
        // Records answer by default with the display properties first, then the system three.
        type.DefaultProperties =
        [
            .. new[] { schema.PrimaryDisplayProperty }.OfType<string>()
                .Concat(schema.SecondaryDisplayProperties)
                .Concat(["hs_createdate", "hs_lastmodifieddate", "hs_object_id"])
                .Distinct(StringComparer.Ordinal),
        ];
        type.SearchableProperties = [.. schema.SearchableProperties];
    }
}
