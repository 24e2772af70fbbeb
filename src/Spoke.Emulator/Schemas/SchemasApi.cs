using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Schemas;

/// <summary>
/// Custom object schemas (docs/hubspot-api.md §2, §3.4): define a type, its properties and associations; its records then live
/// in the objects API at <c>/crm/v3/objects/2-N</c>, <c>p_name</c> or <c>p{portal}_name</c>.
/// </summary>
internal static class SchemasApi
{
    /// <summary>The spec's path, the docs' path and the dated aliases (docs/hubspot-api.md §1a, §2).</summary>
    public static readonly string[] Prefixes =
        ["/crm-object-schemas/v3/schemas", "/crm/v3/schemas", "/crm-object-schemas/2026-03/schemas", "/crm-object-schemas/2026-09/schemas"];

    private static readonly string[] ReadScopes = ["crm.schemas.custom.read", "crm.objects.custom.read"];
    private static readonly string[] WriteScopes = ["crm.schemas.custom.write"];

    public static void MapSchemasApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapGet("", List);
        g.MapPost("", (Delegate)Create);
        g.MapPost("/batch/read", (Delegate)BatchRead);
        g.MapGet("/{objectType}", Get);
        g.MapPatch("/{objectType}", Update);
        g.MapDelete("/{objectType}", Archive);
        g.MapPost("/{objectType}/associations", CreateAssociation);
        g.MapDelete("/{objectType}/associations/{associationIdentifier}", DeleteAssociation);
    }

    private static IResult List(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        var q = ctx.Request.Query;
        var archived = Query.Bool(q, "archived") ?? false;
        var include = Includes(q);
        using var _ = portal.Read();
        grant.Require(ReadScopes);
        var schemas = portal.Schemas.Where(s => s.Archived == archived).ToList();
        return JsonIO.Results(schemas, (w, s) => SchemaJson.Write(w, s, portal.Catalogs.GetValueOrDefault(s.ObjectTypeId), include));
    }

    private static IResult Get(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        var q = ctx.Request.Query;
        var archived = Query.Bool(q, "archived") ?? false;
        var include = Includes(q);
        using var _ = portal.Read();
        grant.Require(ReadScopes);
        var schema = Find(portal, objectType, archived);
        return JsonIO.Json(w => SchemaJson.Write(w, schema, portal.Catalogs.GetValueOrDefault(schema.ObjectTypeId), include));
    }

    private static async Task<IResult> BatchRead(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var keys = Batch.Inputs(body, portal).Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
        var include = new SchemaIncludes(
            body.Field("includePropertyDefinitions").ValueKind != JsonValueKind.False,
            body.Field("includeAssociationDefinitions").ValueKind != JsonValueKind.False,
            body.Field("includeAuditMetadata").ValueKind != JsonValueKind.False);
        using var _ = portal.Read();
        grant.Require(ReadScopes);
        var found = keys.Select(k => FindOrNull(portal, k)).OfType<CustomObjectSchema>().Where(s => !s.Archived).Distinct().ToList();
        return JsonIO.Results(found, (w, s) => SchemaJson.Write(w, s, portal.Catalogs.GetValueOrDefault(s.ObjectTypeId), include));
    }

    private static async Task<IResult> Create(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        using var _ = portal.Write();
        grant.Require(WriteScopes);
        var now = portal.Now;
        var problems = new List<ErrorDetail>();
        var name = body.String("name");
        if (string.IsNullOrEmpty(name))
        {
            problems.Add(new ErrorDetail("name is required.", "REQUIRED_FIELD", "name"));
        }
        else if (!NameIsValid(name))
        {
            problems.Add(new ErrorDetail(
                $"Object name '{name}' is not valid: use letters, digits and underscores, starting with a letter.", "INVALID_OBJECT_NAME", "name"));
        }

        var labels = body.Field("labels");
        var singular = labels.String("singular");
        var plural = labels.String("plural");
        if (string.IsNullOrEmpty(singular) || string.IsNullOrEmpty(plural))
        {
            problems.Add(new ErrorDetail("labels.singular and labels.plural are required.", "REQUIRED_FIELD", "labels"));
        }

        ThrowIfAny(problems, "Object schema is not valid");
        if (portal.Schemas.Find(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)) is { } taken)
        {
            throw ApiError.Conflict(taken.Archived
                ? $"An object type named '{name}' already exists. It is archived; purge it (DELETE with archived=true) or pick another name."
                : $"An object type named '{name}' already exists.");
        }

        // The properties are validated in a scratch catalog first: nothing is registered until all is well.
        var group = $"{name}_information";
        var catalog = new PropertyCatalog();
        foreach (var p in DefaultProperties.CommonSystem())
        {
            p.GroupName = group;
            p.CreatedAt = now;
            p.UpdatedAt = now;
            catalog.Add(p);
        }

        var properties = body.Field("properties");
        if (properties.ValueKind == JsonValueKind.Array)
        {
            foreach (var input in properties.EnumerateArray())
            {
                catalog.Add(PropertyRules.ReadCreate(input, catalog, now, group));
            }
        }
        else if (properties.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            throw ApiError.InvalidJson("\"properties\" must be an array of property definitions.");
        }

        PropertyRules.CheckUniqueLimit(catalog, 0);
        var layout = Layout.Read(body, null, problems);
        layout.Check(catalog, problems);
        var targets = ReadAssociatedObjects(portal, body.Field("associatedObjects"), problems);
        ThrowIfAny(problems, "Object schema is not valid");

        var number = portal.NextCustomTypeNumber++;
        var typeId = $"2-{number.ToString(CultureInfo.InvariantCulture)}";
        var schema = new CustomObjectSchema
        {
            Id = number.ToString(CultureInfo.InvariantCulture),
            ObjectTypeId = typeId,
            Name = name!,
            FullyQualifiedName = $"p{portal.PortalId.ToString(CultureInfo.InvariantCulture)}_{name}",
            SingularLabel = singular!,
            PluralLabel = plural!,
            Description = body.String("description"),
            AllowsSensitiveProperties = body.Field("allowsSensitiveProperties").ValueKind == JsonValueKind.True,
            CreatedAt = now,
            UpdatedAt = now,
        };
        layout.ApplyTo(schema);
        var type = CustomObjectTypes.Create(schema);
        portal.AddType(type, catalog.Properties.Values);
        portal.Catalog(type).Groups[group].Label = $"{schema.SingularLabel} information";
        foreach (var target in targets)
        {
            schema.Associations.Add(new SchemaAssociation
            {
                Id = NextAssociationId(portal, schema),
                FromObjectTypeId = typeId,
                ToObjectTypeId = target.TypeId,
                Name = $"{schema.Name}_to_{target.Singular}",
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        portal.Schemas.Add(schema);
        return JsonIO.Json(201, w => SchemaJson.Write(w, schema, portal.Catalog(type), SchemaIncludes.All));
    }

    private static async Task<IResult> Update(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        using var _ = portal.Write();
        grant.Require(WriteScopes);
        var schema = Find(portal, objectType, archived: false);
        var type = TypeOf(portal, schema);
        var problems = new List<ErrorDetail>();
        var labels = body.Field("labels");
        var singular = labels.String("singular");
        var plural = labels.String("plural");
        if (singular is { Length: 0 } || plural is { Length: 0 })
        {
            problems.Add(new ErrorDetail("labels can't be empty.", "INVALID_FIELD", "labels"));
        }

        var layout = Layout.Read(body, schema, problems);
        layout.Check(portal.Catalog(type), problems);
        ThrowIfAny(problems, "Object schema update is not valid");

        schema.SingularLabel = singular ?? schema.SingularLabel;
        schema.PluralLabel = plural ?? schema.PluralLabel;
        if (body.Field("clearDescription").ValueKind == JsonValueKind.True)
        {
            schema.Description = null;
        }
        else if (body.String("description") is { } description)
        {
            schema.Description = description;
        }

        if (body.Field("allowsSensitiveProperties").ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            schema.AllowsSensitiveProperties = body.Field("allowsSensitiveProperties").GetBoolean();
        }

        layout.ApplyTo(schema);
        CustomObjectTypes.ApplyLayout(schema, type);
        portal.Schemas.Changed(schema, portal.Now);
        return JsonIO.Json(w => SchemaJson.WriteDefinition(w, schema, portal.PortalId));
    }

    private static IResult Archive(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        var purge = Query.Bool(ctx.Request.Query, "archived") ?? false;
        using var _ = portal.Write();
        grant.Require(WriteScopes);
        var schema = FindOrNull(portal, objectType) ?? throw NotFound(objectType);
        if (purge)
        {
            // A hard delete takes a schema that is already archived (soft-deleted) first.
            if (!schema.Archived)
            {
                throw ApiError.Validation(
                    $"Object type {schema.ObjectTypeId} is not archived. Archive it first (DELETE without archived=true), then purge it with archived=true.",
                    context: ApiError.Ctx("objectTypeId", schema.ObjectTypeId));
            }

            portal.RemoveType(TypeOf(portal, schema));
            portal.Schemas.Remove(schema);
            return JsonIO.NoContent();
        }

        if (schema.Archived)
        {
            throw NotFound(objectType);
        }

        var store = portal.Store(TypeOf(portal, schema));
        if (store.LiveCount > 0)
        {
            throw ApiError.Validation(
                $"Object type {schema.ObjectTypeId} ({schema.Name}) still has {store.LiveCount.ToString(CultureInfo.InvariantCulture)} records; delete all its records before deleting the schema.",
                context: ApiError.Ctx("objectTypeId", schema.ObjectTypeId));
        }

        schema.Archived = true;
        portal.Schemas.Changed(schema, portal.Now);
        return JsonIO.NoContent();
    }

    private static async Task<IResult> CreateAssociation(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        using var _ = portal.Write();
        grant.Require(WriteScopes);
        var schema = Find(portal, objectType, archived: false);
        var problems = new List<ErrorDetail>();
        var from = ResolveAssociationSide(portal, body, "fromObjectTypeId", problems);
        var to = ResolveAssociationSide(portal, body, "toObjectTypeId", problems);
        if (from is not null && to is not null && from.TypeId != schema.ObjectTypeId && to.TypeId != schema.ObjectTypeId)
        {
            problems.Add(new ErrorDetail($"One side of the association must be {schema.ObjectTypeId} ({schema.Name}).", "INVALID_ASSOCIATION", "fromObjectTypeId"));
        }

        ThrowIfAny(problems, "Association definition is not valid");
        var name = body.String("name") ?? $"{from!.Singular}_to_{to!.Singular}";
        if (schema.Associations.Exists(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw ApiError.Conflict($"An association named '{name}' already exists on {schema.Name}.");
        }

        var now = portal.Now;
        var association = new SchemaAssociation
        {
            Id = NextAssociationId(portal, schema),
            FromObjectTypeId = from!.TypeId,
            ToObjectTypeId = to!.TypeId,
            Name = name,
            CreatedAt = now,
            UpdatedAt = now,
        };
        schema.Associations.Add(association);
        portal.Schemas.Changed(schema, now);
        return JsonIO.Json(201, w => SchemaJson.WriteAssociation(w, association));
    }

    private static IResult DeleteAssociation(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string associationIdentifier)
    {
        using var _ = portal.Write();
        grant.Require(WriteScopes);
        var schema = Find(portal, objectType, archived: false);
        var association = schema.Associations.Find(a => a.Id == associationIdentifier)
            ?? throw new ApiError(404, "OBJECT_NOT_FOUND", $"Association {associationIdentifier} does not exist on {schema.Name}.")
            {
                Context = ApiError.Ctx("associationIdentifier", associationIdentifier),
            };
        schema.Associations.Remove(association);
        portal.Schemas.Changed(schema, portal.Now);
        return JsonIO.NoContent();
    }

    /// <summary>Finds a schema by <c>2-N</c>, its id, <c>p_name</c>, the fully qualified name or the bare name.</summary>
    private static CustomObjectSchema? FindOrNull(PortalState portal, string key) =>
        portal.Schemas.Find(s => s.ObjectTypeId == key || s.Id == key ||
                                 string.Equals(s.FullyQualifiedName, key, StringComparison.OrdinalIgnoreCase) ||
                                 string.Equals("p_" + s.Name, key, StringComparison.OrdinalIgnoreCase) ||
                                 string.Equals(s.Name, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>Archived schemas answer 404 unless the caller asks for archived ones.</summary>
    private static CustomObjectSchema Find(PortalState portal, string key, bool archived) =>
        FindOrNull(portal, key) is { } s && s.Archived == archived ? s : throw NotFound(key);

    private static ApiError NotFound(string key) =>
        new(404, "OBJECT_NOT_FOUND", $"Unable to find an object schema for {key}.") { Context = ApiError.Ctx("objectType", key) };

    private static ObjectType TypeOf(PortalState portal, CustomObjectSchema schema) =>
        portal.Types.Find(t => t.TypeId == schema.ObjectTypeId)
        ?? throw new InvalidOperationException($"Schema {schema.ObjectTypeId} has no registered object type.");

    private static SchemaIncludes Includes(IQueryCollection q) => new(
        Query.Bool(q, "includePropertyDefinitions") ?? true,
        Query.Bool(q, "includeAssociationDefinitions") ?? true,
        Query.Bool(q, "includeAuditMetadata") ?? true);

    private static List<ObjectType> ReadAssociatedObjects(PortalState portal, JsonElement associated, List<ErrorDetail> problems)
    {
        var result = new List<ObjectType>();
        if (associated.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return result;
        }

        if (associated.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new ErrorDetail("associatedObjects must be an array such as [\"CONTACT\", \"2-123\"].", "INVALID_FIELD", "associatedObjects"));
            return result;
        }

        foreach (var item in associated.EnumerateArray())
        {
            var key = item.ValueKind == JsonValueKind.String ? item.GetString() ?? "" : item.GetRawText();
            if (portal.FindTypeLenient(key) is { } type)
            {
                if (!result.Contains(type))
                {
                    result.Add(type);
                }
            }
            else
            {
                problems.Add(new ErrorDetail($"Unable to infer object type from: {key}", "INVALID_OBJECT_TYPE", "associatedObjects",
                    new Dictionary<string, IReadOnlyList<string>> { ["objectType"] = [key] }));
            }
        }

        return result;
    }

    private static ObjectType? ResolveAssociationSide(PortalState portal, JsonElement body, string field, List<ErrorDetail> problems)
    {
        var key = body.String(field);
        if (string.IsNullOrEmpty(key))
        {
            problems.Add(new ErrorDetail($"{field} is required.", "REQUIRED_FIELD", field));
            return null;
        }

        var type = portal.FindTypeLenient(key);
        if (type is null)
        {
            problems.Add(new ErrorDetail($"Unable to infer object type from: {key}", "INVALID_OBJECT_TYPE", field));
        }

        return type;
    }

    /// <summary>
    /// Association definition ids: numeric strings above the HUBSPOT_DEFINED range (docs/hubspot-api.md §11), never reused while
    /// a schema still holds the id.
    /// </summary>
    private static string NextAssociationId(PortalState portal, CustomObjectSchema pending)
    {
        var max = portal.Schemas.Append(pending).Distinct().SelectMany(s => s.Associations)
            .Select(a => long.TryParse(a.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0).Max();
        return (Math.Max(max, 1000) + 1).ToString(CultureInfo.InvariantCulture);
    }

    private static bool NameIsValid(string name) =>
        char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && name.Length <= 100;

    private static void ThrowIfAny(List<ErrorDetail> problems, string what)
    {
        if (problems.Count > 0)
        {
            throw ApiError.Validation($"{what}: {string.Join(" ", problems.Select(p => p.Message))}", problems);
        }
    }

    /// <summary>The property lists a schema names: required, searchable, primary and secondary display.</summary>
    private sealed record Layout(List<string> Required, List<string> Searchable, string? Primary, List<string> Secondary)
    {
        /// <summary>Reads the lists from a create or patch body; absent ones keep <paramref name="current"/>'s.</summary>
        public static Layout Read(JsonElement body, CustomObjectSchema? current, List<ErrorDetail> problems) => new(
            Strings(body, "requiredProperties", problems) ?? current?.RequiredProperties ?? [],
            Strings(body, "searchableProperties", problems) ?? current?.SearchableProperties ?? [],
            body.String("primaryDisplayProperty") ?? current?.PrimaryDisplayProperty,
            Strings(body, "secondaryDisplayProperties", problems) ?? current?.SecondaryDisplayProperties ?? []);

        /// <summary>Every name must be a live property of the type.</summary>
        public void Check(PropertyCatalog catalog, List<ErrorDetail> problems)
        {
            void CheckAll(string field, IEnumerable<string> names)
            {
                var unknown = names.Where(n => catalog.Find(n) is null).ToList();
                if (unknown.Count > 0)
                {
                    problems.Add(new ErrorDetail($"{field} names properties that don't exist: [{string.Join(", ", unknown)}].", "PROPERTY_DOESNT_EXIST", field,
                        new Dictionary<string, IReadOnlyList<string>> { ["propertyNames"] = unknown }));
                }
            }

            CheckAll("requiredProperties", Required);
            CheckAll("searchableProperties", Searchable);
            CheckAll("primaryDisplayProperty", new[] { Primary }.OfType<string>());
            CheckAll("secondaryDisplayProperties", Secondary);
        }

        public void ApplyTo(CustomObjectSchema schema)
        {
            schema.RequiredProperties = [.. Required.Distinct(StringComparer.Ordinal)];
            schema.SearchableProperties = [.. Searchable.Distinct(StringComparer.Ordinal)];
            schema.PrimaryDisplayProperty = Primary;
            schema.SecondaryDisplayProperties = [.. Secondary.Distinct(StringComparer.Ordinal)];
        }

        private static List<string>? Strings(JsonElement body, string field, List<ErrorDetail> problems)
        {
            var v = body.Field(field);
            if (v.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                problems.Add(new ErrorDetail($"{field} must be an array of property names.", "INVALID_FIELD", field));
                return null;
            }

            return [.. v.EnumerateArray().Select(e => e.GetString()!)];
        }
    }
}
