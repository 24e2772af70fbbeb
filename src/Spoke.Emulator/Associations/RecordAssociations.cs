using System.Text.Json;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Associations;

/// <summary>
/// Associations inside the objects API: <c>?associations=companies,deals</c> on GET and list (the record's
/// <c>associations</c> field, v3 type names) and <c>associations</c> on create and batch create (docs/hubspot-api.md §4.1).
/// </summary>
internal static class RecordAssociations
{
    /// <summary>One requested type; <see cref="Key"/> names it in the record's <c>associations</c> object.</summary>
    public sealed record Requested(string Key, ObjectType Type);

    /// <summary>An <c>associations</c> input of a create: <c>{to:{id}, types:[…]}</c>.</summary>
    public sealed record CreateInput(string ToId, List<AssociationSpec> Types);

    /// <summary>
    /// Parses <c>associations=a,b</c>. Unknown types answer 400; types the token may not read are left out,
    /// as HubSpot leaves out what a token can't see.
    /// </summary>
    public static List<Requested> Parse(TokenGrant grant, PortalState portal, IEnumerable<string?> values)
    {
        var result = new List<Requested>();
        foreach (var key in PropertySelection.Split(values))
        {
            var type = portal.FindTypeLenient(key) ?? throw ApiError.UnknownObjectType(key);
            try
            {
                grant.Require(type.ReadScopes);
            }
            catch (ApiError e) when (e.StatusCode == 403)
            {
                continue;
            }

            if (!result.Exists(r => r.Type == type))
            {
                // Standard types answer under their plural name; custom ones under the name asked for.
                result.Add(new Requested(type.IsCustom ? key : type.Name, type));
            }
        }

        return result;
    }

    /// <summary>
    /// HubSpot pages a record's inline associations: "if your request returns more than 100 associations, you will need
    /// to use the value of the after field" (HubSpot changelog, 2020-10, "Announcing a change to how v3 CRM APIs return
    /// association data"). Whether the 100 counts associated records or <c>{id,type}</c> entries is UNVERIFIED; the
    /// emulator counts records, as its per-record v3 listing (which the <c>link</c> names) pages them.
    /// </summary>
    public const int InlinePageSize = 100;

    /// <summary>
    /// Writes the record's <c>associations</c> field, or nothing when none of the requested types is associated. Past
    /// <see cref="InlinePageSize"/> associated records of a type, that type's entry carries <c>paging.next</c> (<c>after</c>
    /// and a <c>link</c> to the record's v3 association listing, which continues from it). <paramref name="origin"/> is
    /// the scheme, host and path base the link starts with.
    /// </summary>
    public static Action<Utf8JsonWriter>? Writer(PortalState portal, ObjectType type, CrmRecord record, IReadOnlyList<Requested> requested, string origin = "")
    {
        if (requested.Count == 0)
        {
            return null;
        }

        var associator = new Associator(portal);
        var found = requested.Select(r => (r.Key, Items: associator.Read(type, record, r.Type).Take(InlinePageSize + 1).ToList())).Where(x => x.Items.Count > 0).ToList();
        if (found.Count == 0)
        {
            return null;
        }

        return w =>
        {
            w.WriteStartObject("associations");
            foreach (var (key, items) in found)
            {
                w.WriteStartObject(key);
                w.WriteStartArray("results");
                foreach (var item in items.Take(InlinePageSize))
                {
                    foreach (var d in item.Types)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", RecordJson.Id(item.ToId));
                        w.WriteString("type", d.Name);
                        w.WriteEndObject();
                    }
                }

                w.WriteEndArray();
                if (items.Count > InlinePageSize)
                {
                    var after = RecordJson.Id(items[InlinePageSize].ToId);
                    w.WriteStartObject("paging");
                    w.WriteStartObject("next");
                    w.WriteString("after", after);
                    w.WriteString("link", $"{origin}{AssociationsV3Api.RecordPrefix}/{Uri.EscapeDataString(type.Name)}/{RecordJson.Id(record.Id)}/associations/{Uri.EscapeDataString(key)}?after={Uri.EscapeDataString(after)}");
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        };
    }

    /// <summary>Reads a create body's <c>associations</c> array (shape only; no portal state needed).</summary>
    public static List<CreateInput> ReadCreateInputs(JsonElement input)
    {
        var associations = input.Field("associations");
        if (associations.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return [];
        }

        if (associations.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.InvalidJson("\"associations\" must be an array of {to:{id}, types:[{associationCategory, associationTypeId}]}.");
        }

        return [.. associations.EnumerateArray().Select(a => new CreateInput(AssociationJson.ObjectId(a, "to"), AssociationJson.ReadSpecs(a.Field("types"), "types")))];
    }

    /// <summary>
    /// Validates a create's associations against the portal (each type id must belong to a pair starting at
    /// <paramref name="type"/>, each target must exist, limits must allow it) and returns what attaches them to
    /// the new record. Nothing changes until the returned action runs, so batches stay all-or-nothing.
    /// </summary>
    public static Action<CrmRecord> Prepare(TokenGrant grant, PortalState portal, ObjectType type, IReadOnlyList<CreateInput> inputs)
    {
        if (inputs.Count == 0)
        {
            return _ => { };
        }

        var associator = new Associator(portal);
        var work = new List<(ObjectType To, CrmRecord Target, List<AssociationDefinition> Types)>();
        foreach (var input in inputs)
        {
            if (input.Types.Count == 0)
            {
                throw ApiError.Validation($"Association to {input.ToId} names no types; send at least one {{associationCategory, associationTypeId}}.");
            }

            var types = input.Types.Select(s => AssociationCatalog.FindFrom(portal, type.TypeId, s.TypeId) is { } d && Associator.CategoryMatches(d, s.Category)
                ? d
                : throw ApiError.Validation($"{s.Category} {AssociationJson.Text(s.TypeId)} is not a valid association type from {type.Name}.",
                    context: ApiError.Ctx("associationTypeId", AssociationJson.Text(s.TypeId)))).ToList();
            var toTypeIds = types.Select(d => d.ToTypeId).Distinct().ToList();
            if (toTypeIds.Count > 1)
            {
                throw ApiError.Validation($"The association types sent for {input.ToId} point at different object types ({string.Join(", ", toTypeIds)}).");
            }

            var to = portal.FindType(toTypeIds[0]) ?? throw ApiError.UnknownObjectType(toTypeIds[0]);
            AssociationJson.RequireRead(grant, type, to);
            var target = associator.FindLive(to, input.ToId)
                ?? throw ApiError.Validation($"Can't associate with {to.Singular} {input.ToId}: it doesn't exist.",
                    context: new Dictionary<string, IReadOnlyList<string>> { ["toObjectId"] = [input.ToId], ["toObjectType"] = [to.TypeId] });
            associator.CheckRoomOn(type, to, target, types);
            work.Add((to, target, types));
        }

        return record =>
        {
            foreach (var (to, target, types) in work)
            {
                associator.Add(type, record, to, target, types);
            }
        };
    }
}
