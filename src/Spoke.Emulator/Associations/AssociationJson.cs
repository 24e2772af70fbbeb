using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Associations;

/// <summary>An <c>AssociationSpec</c> as sent: <c>{associationCategory, associationTypeId}</c>.</summary>
internal readonly record struct AssociationSpec(string? Category, int TypeId);

/// <summary>Reading and writing the association shapes shared by the v3 and v4 endpoints.</summary>
internal static class AssociationJson
{

    /// <summary>v4 paths accept type ids, plural and singular names, <c>p_name</c> and <c>2-N</c>.</summary>
    public static ObjectType Type(PortalState portal, string segment) =>
        portal.FindTypeLenient(segment) ?? throw ApiError.UnknownObjectType(segment);

    /// <summary>Reading associations needs read access to both object types.</summary>
    public static void RequireRead(TokenGrant grant, ObjectType from, ObjectType to)
    {
        grant.Require(from.ReadScopes);
        grant.Require(to.ReadScopes);
    }

    /// <summary>Writing needs write access to the from type and read access to the other.</summary>
    public static void RequireWrite(TokenGrant grant, ObjectType from, ObjectType to)
    {
        grant.Require(from.WriteScopes);
        grant.Require(to.ReadScopes);
    }

    public static List<AssociationSpec> ReadSpecs(JsonElement array, string field)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.Validation($"Invalid input JSON: \"{field}\" must be an array of {{associationCategory, associationTypeId}}.", context: ApiError.Ctx("field", field));
        }

        return [.. array.EnumerateArray().Select(ReadSpec)];
    }

    public static AssociationSpec ReadSpec(JsonElement spec)
    {
        var category = spec.String("associationCategory");
        var typeId = spec.Field("associationTypeId");
        if (category is null || typeId.ValueKind != JsonValueKind.Number || !typeId.TryGetInt32(out var id))
        {
            throw ApiError.Validation("Invalid input JSON: each association type needs \"associationCategory\" (HUBSPOT_DEFINED, USER_DEFINED or INTEGRATOR_DEFINED) and a numeric \"associationTypeId\".");
        }

        if (category is not (AssociationCategory.HubSpotDefined or AssociationCategory.UserDefined or AssociationCategory.IntegratorDefined or "WORK"))
        {
            throw ApiError.Validation($"Invalid input JSON: associationCategory \"{category}\" is not one of HUBSPOT_DEFINED, USER_DEFINED, INTEGRATOR_DEFINED, WORK.",
                context: ApiError.Ctx("associationCategory", category));
        }

        return new AssociationSpec(category, id);
    }

    /// <summary>Reads <c>{"id": "…"}</c> (a <c>PublicObjectId</c>).</summary>
    public static string ObjectId(JsonElement holder, string field) =>
        holder.Field(field).Field("id").IdString() ?? throw ApiError.Validation($"Invalid input JSON: each input needs \"{field}\": {{\"id\": \"…\"}}.", context: ApiError.Ctx("field", field));

    /// <summary><c>{category, typeId, label}</c> (<c>AssociationSpecWithLabel</c>; label null for plain types).</summary>
    public static void WriteSpecWithLabel(Utf8JsonWriter w, AssociationDefinition d)
    {
        w.WriteStartObject();
        w.WriteString("category", d.Category);
        w.WriteNumber("typeId", d.TypeId);
        if (d.Label is null)
        {
            w.WriteNull("label");
        }
        else
        {
            w.WriteString("label", d.Label);
        }

        w.WriteEndObject();
    }

    public static void WriteObjectId(Utf8JsonWriter w, string name, long id)
    {
        w.WriteStartObject(name);
        w.WriteString("id", RecordJson.Id(id));
        w.WriteEndObject();
    }

    /// <summary><c>PublicDefaultAssociation</c>: <c>{from:{id}, to:{id}, associationSpec:{associationCategory, associationTypeId}}</c>.</summary>
    public static void WriteDefaultAssociation(Utf8JsonWriter w, (long From, long To, AssociationDefinition Type) a)
    {
        w.WriteStartObject();
        WriteObjectId(w, "from", a.From);
        WriteObjectId(w, "to", a.To);
        w.WriteStartObject("associationSpec");
        w.WriteString("associationCategory", a.Type.Category);
        w.WriteNumber("associationTypeId", a.Type.TypeId);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary><c>LabelsBetweenObjectPair</c>: ids are numbers here, unlike everywhere else.</summary>
    public static void WriteLabelsBetween(Utf8JsonWriter w, PortalState portal, ObjectType from, long fromId, ObjectType to, long toId)
    {
        w.WriteStartObject();
        w.WriteString("fromObjectTypeId", from.TypeId);
        w.WriteNumber("fromObjectId", fromId);
        w.WriteString("toObjectTypeId", to.TypeId);
        w.WriteNumber("toObjectId", toId);
        w.WriteStartArray("labels");
        var definitions = AssociationCatalog.For(portal, from.TypeId, to.TypeId).ToDictionary(d => d.TypeId);
        foreach (var typeId in portal.Associations.Types(from.TypeId, fromId, to.TypeId, toId)?.Keys ?? Enumerable.Empty<int>())
        {
            if (definitions.GetValueOrDefault(typeId)?.Label is { } label)
            {
                w.WriteStringValue(label);
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary><c>MultiAssociatedObjectWithLabel</c>: <c>{toObjectId (number), associationTypes:[…]}</c>.</summary>
    public static void WriteAssociated(Utf8JsonWriter w, AssociatedRecord a)
    {
        w.WriteStartObject();
        w.WriteNumber("toObjectId", a.ToId);
        w.WriteStartArray("associationTypes");
        foreach (var d in a.Types)
        {
            WriteSpecWithLabel(w, d);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
