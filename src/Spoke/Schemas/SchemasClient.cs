using Spoke.Paging;
using Spoke.Http;
using static Spoke.Http.ApiPaths;

namespace Spoke.Schemas;

/// <summary>Custom object schemas (docs/hubspot-api.md §3.4). Object types are <c>2-N</c>, <c>p_name</c> or the fully qualified name.</summary>
public class SchemasClient
{
    private static readonly SchemasJsonContext Json = SchemasJsonContext.Default;
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected SchemasClient()
    {
    }

    internal SchemasClient(HubSpotHttp http) => _http = http;

    private string Root => _http.Options.SchemasPrefix();

    private string One(string objectType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        return $"{Root}/{Seg(objectType)}";
    }

    /// <summary>Every custom object schema of the portal (archived ones instead, when asked).</summary>
    public virtual AsyncPageable<ObjectSchema> ListAsync(SchemaListOptions? options = null, CancellationToken cancellationToken = default)
        => AsyncPageable<ObjectSchema>.SinglePage(ct => ReadListAsync(options?.Archived == true, ct), cancellationToken);

    private async Task<IReadOnlyList<ObjectSchema>> ReadListAsync(bool archived, CancellationToken cancellationToken)
    {
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root), archived ? $"{Root}?archived=true" : Root, Json.ObjectSchemaResultsDto, cancellationToken).ConfigureAwait(false);
        return dto.Results;
    }

    /// <summary>One schema, with its properties and associations; a missing one throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual Task<ObjectSchema> GetAsync(string objectType, CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Get(Root, "{objectType}"), One(objectType), Json.ObjectSchema, cancellationToken);

    /// <summary>Creates a custom object type (HubSpot Enterprise only) and returns it, with its new <see cref="ObjectSchema.ObjectTypeId"/>.</summary>
    public virtual Task<ObjectSchema> CreateAsync(ObjectSchemaCreate schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return _http.SendAsync(HubSpotOperation.Create(Root), Root, schema, Json.ObjectSchemaCreate, Json.ObjectSchema, cancellationToken);
    }

    /// <summary>Changes labels, display and search properties; the answer carries no properties or associations.</summary>
    public virtual Task<ObjectSchema> UpdateAsync(string objectType, ObjectSchemaUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return _http.SendAsync(HubSpotOperation.Patch(Root, "{objectType}"), One(objectType), update, Json.ObjectSchemaUpdate, Json.ObjectSchema, cancellationToken);
    }

    /// <summary>
    /// Archives a schema (it must have no live records). With <see cref="SchemaDeleteOptions.Purge"/> deletes an archived
    /// schema for good, which frees its name.
    /// </summary>
    public virtual Task DeleteAsync(string objectType, SchemaDeleteOptions? options = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Delete(Root, "{objectType}"), options?.Purge == true ? $"{One(objectType)}?archived=true" : One(objectType), cancellationToken);

    /// <summary>Lets records of the schema's type be associated with another type.</summary>
    public virtual Task<SchemaAssociation> CreateAssociationAsync(string objectType, string fromObjectTypeId, string toObjectTypeId,
        SchemaAssociationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fromObjectTypeId);
        ArgumentException.ThrowIfNullOrWhiteSpace(toObjectTypeId);
        return _http.SendAsync(HubSpotOperation.Create(Root, "{objectType}/associations"), $"{One(objectType)}/associations",
            new SchemaAssociationCreateDto { FromObjectTypeId = fromObjectTypeId, ToObjectTypeId = toObjectTypeId, Name = options?.Name },
            Json.SchemaAssociationCreateDto, Json.SchemaAssociation, cancellationToken);
    }

    /// <summary>Removes an association definition of the schema.</summary>
    public virtual Task DeleteAssociationAsync(string objectType, string associationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(associationId);
        return _http.SendAsync(HubSpotOperation.Delete(Root, "{objectType}/associations/{associationId}"), $"{One(objectType)}/associations/{Seg(associationId)}", cancellationToken);
    }
}
