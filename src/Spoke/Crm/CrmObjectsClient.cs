using System.Globalization;
using System.Text;
using Spoke.Http;
using Spoke.Json;
using Spoke.Paging;

namespace Spoke.Crm;

/// <summary>What to read: properties, their history, associations, archived records.</summary>
public sealed class CrmReadOptions
{
    /// <summary>Properties to return; HubSpot's defaults for the type when empty.</summary>
    public IList<string> Properties { get; init; } = [];
    /// <summary>Properties to return with their earlier values (batch reads then send 50 ids per request, not 100).</summary>
    public IList<string> PropertiesWithHistory { get; init; } = [];
    /// <summary>Object types whose associated record ids to return (not for batch reads).</summary>
    public IList<string> Associations { get; init; } = [];
    /// <summary>Read archived records instead of live ones.</summary>
    public bool Archived { get; init; }

    /// <summary>Look records up by this unique property (e.g. <c>email</c>) instead of the record id.</summary>
    public string? IdProperty { get; init; }
}

/// <summary>How an update (single or batch) names its records.</summary>
public sealed class CrmUpdateOptions
{
    /// <summary>
    /// Name records by this unique property (e.g. <c>email</c> or a custom unique property) instead of the record id; the
    /// id given is then that property's value. Null: by record id.
    /// </summary>
    public string? IdProperty { get; init; }
}

/// <summary>One CRM object type: contacts, companies, …, or a custom object (<c>p_machines</c>, <c>2-1234</c>).</summary>
public partial class CrmObjectsClient
{
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected CrmObjectsClient()
    {
        ObjectType = "";
    }

    internal CrmObjectsClient(HubSpotHttp http, string objectType)
    {
        _http = http;
        ObjectType = objectType;
    }

    /// <summary>The type as given: a name, a type id, or a custom object's <c>p_name</c>.</summary>
    public string ObjectType { get; }

    private string Root => $"{_http.Options.ObjectsPrefix}/{Uri.EscapeDataString(ObjectType)}";

    /// <summary>Reads one record; a missing record throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual async Task<CrmObject> GetAsync(string id, CrmReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var op = HubSpotOperation.Get(Root, "{id}");
        var dto = await _http.SendAsync(op, op.Path(id) + Query(options, null, null),
            SpokeJsonContext.Default.SimplePublicObjectDto, cancellationToken).ConfigureAwait(false);
        return WireMapping.ToCrmObject(dto);
    }

    /// <summary>Every record, in pages of up to 100, streamed: nothing beyond one page is held in memory.</summary>
    public virtual AsyncPageable<CrmObject> ListAsync(CrmReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var op = HubSpotOperation.Get(Root);
        return new(async (after, pageSize, ct) =>
        {
            var dto = await _http.SendAsync(op, op.Path() + Query(options, after, pageSize ?? 100),
                SpokeJsonContext.Default.CollectionResponseDto, ct).ConfigureAwait(false);
            return new Page<CrmObject>([.. dto.Results.Select(WireMapping.ToCrmObject)], dto.Paging?.Next?.After);
        }, cancellationToken);
    }

    /// <summary>
    /// Reads one record, or null when HubSpot answers 404 (no such record, or it is archived and
    /// <see cref="CrmReadOptions.Archived"/> is off). With <see cref="CrmReadOptions.IdProperty"/> (e.g. <c>email</c> or a
    /// unique property) this finds a record by that value. Every other error is thrown as by <see cref="GetAsync"/>.
    /// </summary>
    public virtual async Task<CrmObject?> TryGetAsync(string id, CrmReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(id, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Errors.HubSpotApiException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Creates a record with these properties. Not re-sent after a failure that may have reached HubSpot.</summary>
    public virtual Task<CrmObject> CreateAsync(PropertyBag properties, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return CreateAsync(new CrmCreateInput(properties), cancellationToken);
    }

    /// <summary>
    /// Creates a record with its associations in one call (HubSpot's <c>associations</c> on create): both are made or
    /// neither is, so a failure never leaves, say, a deal without its contact.
    /// </summary>
    public virtual async Task<CrmObject> CreateAsync(CrmCreateInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var body = new ObjectInputDto { Properties = input.Properties, Associations = input.ToWire() };
        var op = HubSpotOperation.Create(Root);
        var dto = await _http.SendAsync(op, op.Path(), body,
            SpokeJsonContext.Default.ObjectInputDto, SpokeJsonContext.Default.SimplePublicObjectDto, cancellationToken).ConfigureAwait(false);
        return WireMapping.ToCrmObject(dto);
    }

    /// <summary>
    /// Updates the given values (<see cref="PropertyBag.Clear"/> empties one); others are left as they are. With
    /// <see cref="CrmUpdateOptions.IdProperty"/> the record is found by that unique value. A missing record throws
    /// <see cref="Errors.HubSpotApiException"/> with status 404.
    /// </summary>
    public virtual async Task<CrmObject> UpdateAsync(string id, PropertyBag properties, CrmUpdateOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(properties);
        var query = options?.IdProperty is { } idProperty ? $"?idProperty={Uri.EscapeDataString(idProperty)}" : "";
        var op = HubSpotOperation.Patch(Root, "{id}");
        var dto = await _http.SendAsync(op, op.Path(id) + query, new ObjectInputDto { Properties = properties },
            SpokeJsonContext.Default.ObjectInputDto, SpokeJsonContext.Default.SimplePublicObjectDto, cancellationToken).ConfigureAwait(false);
        return WireMapping.ToCrmObject(dto);
    }

    /// <summary>Archives a record (HubSpot keeps it restorable for 90 days). Archiving a missing record succeeds.</summary>
    public virtual Task ArchiveAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var op = HubSpotOperation.Delete(Root, "{id}");
        return _http.SendAsync(op, op.Path(id), cancellationToken);
    }

    private static string Query(CrmReadOptions? options, string? after, int? limit)
    {
        var q = new StringBuilder();
        void Add(string name, string value) => q.Append(q.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        if (limit is { } l)
        {
            Add("limit", l.ToString(CultureInfo.InvariantCulture));
        }

        if (after is not null)
        {
            Add("after", after);
        }

        if (options is not null)
        {
            if (options.Properties.Count > 0)
            {
                Add("properties", string.Join(',', options.Properties));
            }

            if (options.PropertiesWithHistory.Count > 0)
            {
                Add("propertiesWithHistory", string.Join(',', options.PropertiesWithHistory));
            }

            if (options.Associations.Count > 0)
            {
                Add("associations", string.Join(',', options.Associations));
            }

            if (options.Archived)
            {
                Add("archived", "true");
            }

            if (options.IdProperty is not null)
            {
                Add("idProperty", options.IdProperty);
            }
        }

        return q.ToString();
    }
}
