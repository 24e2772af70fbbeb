using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Properties;

/// <summary>Properties v3: definitions, batch and groups per object type (docs/hubspot-api.md §3.3).</summary>
internal static class PropertiesApi
{
    /// <summary>The classic path and its dated aliases (docs/hubspot-api.md §1a).</summary>
    public static readonly string[] Prefixes = ["/crm/v3/properties", "/crm/properties/2026-03", "/crm/properties/2026-09"];

    public static void MapPropertiesApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapGet("/{objectType}", List);
        g.MapPost("/{objectType}", Create);
        g.MapPost("/{objectType}/batch/read", BatchRead);
        g.MapPost("/{objectType}/batch/create", BatchCreate);
        g.MapPost("/{objectType}/batch/archive", BatchArchive);
        g.MapGet("/{objectType}/groups", ListGroups);
        g.MapPost("/{objectType}/groups", CreateGroup);
        g.MapGet("/{objectType}/groups/{groupName}", GetGroup);
        g.MapPatch("/{objectType}/groups/{groupName}", UpdateGroup);
        g.MapDelete("/{objectType}/groups/{groupName}", ArchiveGroup);
        g.MapGet("/{objectType}/{propertyName}", Get);
        g.MapPatch("/{objectType}/{propertyName}", Update);
        g.MapDelete("/{objectType}/{propertyName}", Archive);
    }

    private static IResult List(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        var q = ctx.Request.Query;
        var archived = Query.Bool(q, "archived") ?? false;
        var names = PropertySelection.Split(q["properties"]);
        var sensitivity = q["dataSensitivity"].ToString();
        using var _ = portal.Read();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Read(type));
        var selected = portal.Catalog(type).Properties.Values
            .Where(p => p.Archived == archived)
            .Where(p => names.Count == 0 || names.Contains(p.Name))
            .Where(p => p.DataSensitivity == (sensitivity.Length > 0 ? sensitivity : "non_sensitive"))
            .ToList();
        return JsonIO.Results(selected, PropertyJson.Write);
    }

    private static IResult Get(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string propertyName)
    {
        var archived = Query.Bool(ctx.Request.Query, "archived") ?? false;
        using var _ = portal.Read();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Read(type));
        var property = Find(portal.Catalog(type), type, propertyName, archived);
        return JsonIO.Json(w => PropertyJson.Write(w, property));
    }

    private static async Task<IResult> Create(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Write(type));
        var property = Add(portal, type, doc.RootElement);
        var location = $"{Query.BaseUrl(ctx).TrimEnd('/')}/{Uri.EscapeDataString(property.Name)}";
        return JsonIO.Json(201, w => PropertyJson.Write(w, property), new Dictionary<string, string> { ["Location"] = location });
    }

    private static async Task<IResult> Update(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string propertyName)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Write(type));
        var catalog = portal.Catalog(type);
        var property = Find(catalog, type, propertyName, archived: false);
        PropertyRules.ApplyUpdate(property, doc.RootElement, catalog, portal.Store(type), portal.Now, portal.Fidelity.PropertyPatchCanEnableUniqueValue);
        catalog.MarkDirty();
        return JsonIO.Json(w => PropertyJson.Write(w, property));
    }

    private static IResult Archive(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string propertyName)
    {
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Write(type));
        var property = Find(portal.Catalog(type), type, propertyName, archived: false);
        CheckArchivable(portal, type, property);
        ArchiveProperty(portal, type, property);
        return JsonIO.NoContent();
    }

    private static async Task<IResult> BatchRead(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var names = Names(Batch.Inputs(body, portal));
        var archived = body.Field("archived").ValueKind == JsonValueKind.True;
        var started = portal.Now;
        using var _ = portal.Read();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Read(type));
        var catalog = portal.Catalog(type);
        var found = new List<PropertyDefinition>();
        var errors = new List<ApiError>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (catalog.Properties.TryGetValue(name, out var p) && p.Archived == archived)
            {
                found.Add(p);
            }
            else
            {
                errors.Add(NotFound(type, name));
            }
        }

        return Batch.Result(ctx, started, portal.Now, 200, found, errors, PropertyJson.Write);
    }

    private static async Task<IResult> BatchCreate(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal);
        var started = portal.Now;
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Write(type));
        var created = new List<PropertyDefinition>();
        var errors = new List<ApiError>();
        // Each input stands alone: the valid ones are created, the others reported (207).
        foreach (var input in inputs)
        {
            try
            {
                created.Add(Add(portal, type, input));
            }
            catch (ApiError error)
            {
                errors.Add(error);
            }
        }

        return Batch.Result(ctx, started, portal.Now, 201, created, errors, PropertyJson.Write);
    }

    private static async Task<IResult> BatchArchive(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var names = Names(Batch.Inputs(doc.RootElement, portal));
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Write(type));
        var catalog = portal.Catalog(type);
        // 204 "regardless of the initial state" (active, archived, missing); HubSpot-defined ones are still refused.
        var live = names.Select(catalog.Find).OfType<PropertyDefinition>().Distinct().ToList();
        foreach (var p in live)
        {
            CheckArchivable(portal, type, p);
        }

        foreach (var p in live)
        {
            ArchiveProperty(portal, type, p);
        }

        return JsonIO.NoContent();
    }

    private static IResult ListGroups(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var _ = portal.Read();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Read(type));
        var groups = portal.Catalog(type).Groups.Values.Where(g => !g.Archived).ToList();
        return JsonIO.Results(groups, PropertyJson.WriteGroup);
    }

    private static async Task<IResult> CreateGroup(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var problems = new List<ErrorDetail>();
        var name = body.String("name");
        var label = body.String("label");
        if (string.IsNullOrEmpty(name))
        {
            problems.Add(new ErrorDetail("name is required.", "REQUIRED_FIELD", "name"));
        }
        else if (!GroupNameIsValid(name))
        {
            problems.Add(new ErrorDetail($"Group name '{name}' is not valid: use lowercase letters, digits and underscores, starting with a letter.", "INVALID_GROUP_NAME", "name"));
        }

        if (string.IsNullOrEmpty(label))
        {
            problems.Add(new ErrorDetail("label is required.", "REQUIRED_FIELD", "label"));
        }

        var displayOrder = PropertyRules.Int(body, "displayOrder", problems) ?? -1;
        if (problems.Count > 0)
        {
            throw ApiError.Validation($"Property group is not valid: {string.Join(" ", problems.Select(p => p.Message))}", problems);
        }

        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Write(type));
        var catalog = portal.Catalog(type);
        var groups = catalog.Groups;
        if (groups.TryGetValue(name!, out var existing) && !existing.Archived)
        {
            throw ApiError.Conflict($"A property group named '{name}' already exists.");
        }

        // An archived group's name is reused: the group comes back with the new label.
        var group = existing ?? new PropertyGroup { Name = name!, Label = label! };
        group.Label = label!;
        group.DisplayOrder = displayOrder;
        group.Archived = false;
        groups[group.Name] = group;
        catalog.MarkDirty();
        var location = $"{Query.BaseUrl(ctx).TrimEnd('/')}/{Uri.EscapeDataString(group.Name)}";
        return JsonIO.Json(201, w => PropertyJson.WriteGroup(w, group), new Dictionary<string, string> { ["Location"] = location });
    }

    private static IResult GetGroup(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string groupName)
    {
        using var _ = portal.Read();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Read(type));
        var group = FindGroup(portal.Catalog(type), type, groupName);
        return JsonIO.Json(w => PropertyJson.WriteGroup(w, group));
    }

    private static async Task<IResult> UpdateGroup(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string groupName)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var problems = new List<ErrorDetail>();
        var label = body.String("label");
        if (body.Field("label").ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String) || label is { Length: 0 })
        {
            problems.Add(new ErrorDetail("label must be a non-empty string.", "INVALID_FIELD", "label"));
        }

        var displayOrder = PropertyRules.Int(body, "displayOrder", problems);
        if (problems.Count > 0)
        {
            throw ApiError.Validation($"Property group update is not valid: {string.Join(" ", problems.Select(p => p.Message))}", problems);
        }

        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Write(type));
        var catalog = portal.Catalog(type);
        var group = FindGroup(catalog, type, groupName);
        group.Label = label ?? group.Label;
        group.DisplayOrder = displayOrder ?? group.DisplayOrder;
        catalog.MarkDirty();
        return JsonIO.Json(w => PropertyJson.WriteGroup(w, group));
    }

    private static IResult ArchiveGroup(HttpContext ctx, PortalState portal, TokenGrant grant, string objectType, string groupName)
    {
        using var _ = portal.Write();
        var type = portal.ResolveType(objectType);
        grant.Require(PropertyScopes.Write(type));
        var catalog = portal.Catalog(type);
        var group = FindGroup(catalog, type, groupName);
        // HubSpot keeps every property in a group; a group that still holds live ones (every default group does) stays.
        var members = catalog.Properties.Values.Where(p => !p.Archived && p.GroupName == group.Name).Select(p => p.Name).ToList();
        if (members.Count > 0)
        {
            throw ApiError.Validation(
                $"Property group {group.Name} still contains {members.Count} properties; move or archive them before archiving the group.",
                context: ApiError.Ctx("propertyNames", [.. members.Take(20)]));
        }

        group.Archived = true;
        catalog.MarkDirty();
        return JsonIO.NoContent();
    }

    /// <summary>Validates and adds one property; starts its unique index when it has unique values.</summary>
    internal static PropertyDefinition Add(PortalState portal, ObjectType type, JsonElement input)
    {
        var catalog = portal.Catalog(type);
        var property = PropertyRules.ReadCreate(input, catalog, portal.Now);
        if (property.HasUniqueValue)
        {
            PropertyRules.CheckUniqueLimit(catalog, 1);
            if (!portal.Store(type).AddUniqueIndex(property.Name, out _))
            {
                // Only possible when stale values of a purged property linger on records.
                throw ApiError.Validation($"Can't create {property.Name} with unique values: existing records already share a value.");
            }
        }

        catalog.Add(property);
        return property;
    }

    private static void CheckArchivable(PortalState portal, ObjectType type, PropertyDefinition property)
    {
        if (property.HubspotDefined || !property.Archivable)
        {
            throw ApiError.Validation($"{property.Name} is a HubSpot-defined property and can't be archived.",
                [new ErrorDetail($"{property.Name} can't be archived.", "PROPERTY_NOT_ARCHIVABLE", "propertyName")],
                ApiError.Ctx("propertyName", property.Name));
        }

        if (portal.Schemas.Find(s => s.ObjectTypeId == type.TypeId && !s.Archived) is { } schema &&
            (schema.RequiredProperties.Contains(property.Name) || schema.PrimaryDisplayProperty == property.Name))
        {
            throw ApiError.Validation(
                $"{property.Name} is a required or primary display property of {schema.Name}; remove it from the schema before archiving it.",
                context: ApiError.Ctx("propertyName", property.Name));
        }
    }

    private static void ArchiveProperty(PortalState portal, ObjectType type, PropertyDefinition property)
    {
        property.Archived = true;
        property.ArchivedAt = portal.Now;
        property.UpdatedAt = portal.Now;
        if (property.HasUniqueValue)
        {
            portal.Store(type).RemoveUniqueIndex(property.Name);
        }

        portal.Catalog(type).MarkDirty();
    }

    private static PropertyDefinition Find(PropertyCatalog catalog, ObjectType type, string name, bool archived) =>
        catalog.Properties.TryGetValue(name, out var p) && p.Archived == archived ? p : throw NotFound(type, name);

    private static ApiError NotFound(ObjectType type, string name) =>
        new(404, "OBJECT_NOT_FOUND", $"Property {name} does not exist on object type {type.Name}.")
        {
            Context = ApiError.Ctx("propertyName", name),
        };

    private static PropertyGroup FindGroup(PropertyCatalog catalog, ObjectType type, string name) =>
        catalog.Groups.TryGetValue(name, out var g) && !g.Archived
            ? g
            : throw new ApiError(404, "OBJECT_NOT_FOUND", $"Property group {name} does not exist on object type {type.Name}.")
            {
                Context = ApiError.Ctx("groupName", name),
            };

    private static bool GroupNameIsValid(string name) =>
        char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static List<string> Names(List<JsonElement> inputs) =>
        [.. inputs.Select(i => i.String("name") ?? throw ApiError.Validation("Each input needs a \"name\"."))];
}

/// <summary>
/// Who may read and change property definitions. Reading takes any object or schema scope of the type; changing
/// takes its schema write scope (or a legacy scope), as HubSpot's properties spec lists them.
/// </summary>
internal static class PropertyScopes
{
    public static IReadOnlyList<string> Read(ObjectType type)
    {
        var schema = SchemaScopeName(type);
        return [$"crm.schemas.{schema}.read", $"crm.schemas.{schema}.write", .. type.ReadScopes, .. type.WriteScopes];
    }

    public static IReadOnlyList<string> Write(ObjectType type)
    {
        var scopes = new List<string> { $"crm.schemas.{SchemaScopeName(type)}.write" };
        // Legacy scopes (tickets, e-commerce) grant read and write together; engagements ride on the contacts schema.
        scopes.AddRange(type.WriteScopes.Where(s => !s.StartsWith("crm.", StringComparison.Ordinal)));
        if (!type.IsCustom && type.WriteScopes.Contains("crm.objects.contacts.write") && type.TypeId != "0-1")
        {
            scopes.Add("crm.schemas.contacts.write");
        }

        return scopes;
    }

    private static string SchemaScopeName(ObjectType type) => type.IsCustom ? "custom" : type.Name;
}
