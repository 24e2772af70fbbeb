using System.Diagnostics.CodeAnalysis;
using Spoke.Batching;
using Spoke.Mapping;
using Spoke.Paging;

namespace Spoke.Crm;

/// <summary>
/// One object type read and written as <typeparamref name="T"/> (see <see cref="HubSpotMapper"/>). Reads ask HubSpot
/// for exactly the properties <typeparamref name="T"/> maps, plus any in <see cref="CrmReadOptions.Properties"/>.
/// Every call goes through the untyped <see cref="Untyped"/> client, so mocking that one is enough.
/// </summary>
public class CrmObjectsClient<[DynamicallyAccessedMembers(HubSpotMapper.MappedMembers)] T>
{
    private readonly MappingOptions? _options;

    /// <summary>For mocking.</summary>
    protected CrmObjectsClient()
    {
        Untyped = null!;
    }

    /// <summary>Maps <typeparamref name="T"/> onto an untyped client.</summary>
    public CrmObjectsClient(CrmObjectsClient untyped, MappingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(untyped);
        Untyped = untyped;
        _options = options;
    }

    /// <summary>The same object type with plain <see cref="PropertyBag"/> values.</summary>
    public CrmObjectsClient Untyped { get; }

    /// <summary>Reads one record as <typeparamref name="T"/>; a missing record throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual async Task<T> GetAsync(string id, CrmReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var record = await Untyped.GetAsync(id, WithMappedProperties(options), cancellationToken).ConfigureAwait(false);
        return HubSpotMapper.FromObject<T>(record);
    }

    /// <summary>Every record as <typeparamref name="T"/>, streamed page by page; <c>AsPages</c> resumes from a continuation token.</summary>
    public virtual AsyncPageable<T> ListAsync(CrmReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var read = WithMappedProperties(options);
        return new AsyncPageable<T>(async (after, pageSize, ct) =>
        {
            await foreach (var page in Untyped.ListAsync(read, ct).AsPages(after, pageSize).WithCancellation(ct).ConfigureAwait(false))
            {
                return new Page<T>([.. page.Values.Select(HubSpotMapper.FromObject<T>)], page.ContinuationToken);
            }

            return new Page<T>([], null);
        }, cancellationToken);
    }

    /// <summary>Creates a record from <paramref name="value"/>'s members that hold a value; returns it as HubSpot stored it.</summary>
    public virtual async Task<T> CreateAsync(T value, CancellationToken cancellationToken = default)
    {
        var record = await Untyped.CreateAsync(HubSpotMapper.ToProperties(value, _options), cancellationToken).ConfigureAwait(false);
        return HubSpotMapper.FromObject<T>(record);
    }

    /// <summary>
    /// Updates record <paramref name="id"/> with <paramref name="value"/>'s members that hold a value (members with no
    /// value are left alone unless <see cref="MappingOptions.ClearUnsetValues"/>). Returns what HubSpot returned:
    /// properties it did not send back keep their defaults.
    /// </summary>
    public virtual async Task<T> UpdateAsync(string id, T value, CancellationToken cancellationToken = default)
    {
        var record = await Untyped.UpdateAsync(id, HubSpotMapper.ToProperties(value, _options), null, cancellationToken).ConfigureAwait(false);
        return HubSpotMapper.FromObject<T>(record);
    }

    /// <summary>Updates the record named by <paramref name="value"/>'s <c>Id</c> member.</summary>
    public virtual Task<T> UpdateAsync(T value, CancellationToken cancellationToken = default) =>
        UpdateAsync(HubSpotMapper.GetId(value)
            ?? throw new ArgumentException($"{typeof(T).Name} has no Id member holding a record id; pass the id.", nameof(value)),
            value, cancellationToken);

    /// <summary>Archives a record (restorable for 90 days); archiving a missing record succeeds.</summary>
    public virtual Task ArchiveAsync(string id, CancellationToken cancellationToken = default) => Untyped.ArchiveAsync(id, cancellationToken);

    /// <summary>
    /// Every record matching <paramref name="request"/> as <typeparamref name="T"/>, streamed past 10,000 results like
    /// <see cref="CrmObjectsClient.SearchAsync"/>; the mapped properties are asked for on top of the request's own.
    /// </summary>
    public virtual AsyncPageable<T> SearchAsync(CrmSearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var typed = new CrmSearchRequest
        {
            SortProperty = request.SortProperty,
            SortDirection = request.SortDirection,
            Query = request.Query,
            PageSize = request.PageSize,
            WindowSize = request.WindowSize,
        };
        foreach (var group in request.FilterGroups)
        {
            typed.FilterGroups.Add(group);
        }

        typed.Select(HubSpotMapper.GetPropertyNames<T>().Union(request.Properties, StringComparer.Ordinal));
        return new AsyncPageable<T>(async (after, pageSize, ct) =>
        {
            await foreach (var page in Untyped.SearchAsync(typed, ct).AsPages(after, pageSize).WithCancellation(ct).ConfigureAwait(false))
            {
                return new Page<T>([.. page.Values.Select(HubSpotMapper.FromObject<T>)], page.ContinuationToken);
            }

            return new Page<T>([], null);
        }, cancellationToken);
    }

    /// <summary>Creates any number of records from <paramref name="values"/> (see <see cref="CrmObjectsClient.BatchCreateAsync(IEnumerable{PropertyBag}, CancellationToken)"/>).</summary>
    public virtual async Task<BatchResult<T>> BatchCreateAsync(IEnumerable<T> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var bags = values.Select(v => HubSpotMapper.ToProperties(v, _options)).ToList();
        return Typed(await Untyped.BatchCreateAsync(bags, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Updates any number of records, each named by its value's <c>Id</c> member.</summary>
    public virtual async Task<BatchResult<T>> BatchUpdateAsync(IEnumerable<T> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.Select((v, i) => (HubSpotMapper.GetId(v)
            ?? throw new ArgumentException($"Input {i}: {typeof(T).Name} has no Id member holding a record id.", nameof(values)),
            HubSpotMapper.ToProperties(v, _options))).ToList();
        return Typed(await Untyped.BatchUpdateAsync(inputs, null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Creates or updates any number of records by a unique property (<paramref name="idProperty"/>, e.g. <c>email</c>),
    /// each identified by its value's member mapped to that property.
    /// </summary>
    public virtual async Task<BatchResult<CrmUpsertResult<T>>> BatchUpsertAsync(string idProperty, IEnumerable<T> values,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idProperty);
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.Select((v, i) =>
        {
            var bag = HubSpotMapper.ToProperties(v, _options);
            var id = bag.GetString(idProperty);
            return string.IsNullOrEmpty(id)
                ? throw new ArgumentException($"Input {i}: the {typeof(T).Name} member mapped to \"{idProperty}\" holds no value to upsert by.", nameof(values))
                : (id, bag);
        }).ToList();
        var result = await Untyped.BatchUpsertAsync(idProperty, inputs, cancellationToken).ConfigureAwait(false);
        return new BatchResult<CrmUpsertResult<T>>(
            [.. result.Succeeded.Select(s => new BatchItem<CrmUpsertResult<T>>(s.InputIndex,
                new CrmUpsertResult<T>(HubSpotMapper.FromObject<T>(s.Value.Object), s.Value.IsNew)))],
            result.Failed);
    }

    /// <summary>Reads any number of records by id (or <see cref="CrmReadOptions.IdProperty"/>) as <typeparamref name="T"/>.</summary>
    public virtual async Task<BatchResult<T>> BatchReadAsync(IEnumerable<string> ids, CrmReadOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Typed(await Untyped.BatchReadAsync(ids, WithMappedProperties(options), cancellationToken).ConfigureAwait(false));

    private static BatchResult<T> Typed(BatchResult<CrmObject> result) =>
        new([.. result.Succeeded.Select(s => new BatchItem<T>(s.InputIndex, HubSpotMapper.FromObject<T>(s.Value)))], result.Failed);

    private static CrmReadOptions WithMappedProperties(CrmReadOptions? options)
    {
        var properties = HubSpotMapper.GetPropertyNames<T>().Union(options?.Properties ?? [], StringComparer.Ordinal).ToList();
        return new CrmReadOptions
        {
            Properties = properties,
            PropertiesWithHistory = options?.PropertiesWithHistory ?? [],
            Associations = options?.Associations ?? [],
            Archived = options?.Archived ?? false,
            IdProperty = options?.IdProperty,
        };
    }
}
