using System.Globalization;
using Spoke.Http;
using Spoke.Paging;
using static Spoke.Http.ApiPaths;

namespace Spoke.Lists;

/// <summary>Lists v3 (docs/hubspot-api.md §3.7): MANUAL, DYNAMIC and SNAPSHOT lists, their members, and a record's lists.</summary>
public class ListsClient
{
    private static readonly ListsJsonContext Json = ListsJsonContext.Default;
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected ListsClient()
    {
    }

    internal ListsClient(HubSpotHttp http) => _http = http;

    private string Root => _http.Options.ListsPrefix();

    private string One(string listId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(listId);
        return $"{Root}/{Seg(listId)}";
    }

    private static string Filters(ListReadOptions? options, char separator = '?') => options?.IncludeFilters == true ? $"{separator}includeFilters=true" : "";

    /// <summary>Creates a MANUAL, SNAPSHOT or DYNAMIC list. Not sent again after a failure that may have reached HubSpot.</summary>
    public virtual async Task<ObjectList> CreateAsync(ListCreate list, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(list);
        var dto = await _http.SendAsync(HubSpotOperation.Create(Root), Root, list, Json.ListCreate, Json.ListEnvelopeDto, cancellationToken).ConfigureAwait(false);
        return Unwrap(dto);
    }

    /// <summary>One list (a deleted one too, with <see cref="ObjectList.DeletedAt"/> set until restored).</summary>
    public virtual async Task<ObjectList> GetAsync(string listId, ListReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root, "{listId}"), One(listId) + Filters(options), Json.ListEnvelopeDto, cancellationToken).ConfigureAwait(false);
        return Unwrap(dto);
    }

    /// <summary>Several lists by id in one call; ids that don't exist are left out.</summary>
    public virtual async Task<IReadOnlyList<ObjectList>> BatchReadAsync(IEnumerable<string> listIds, ListReadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listIds);
        var query = string.Join('&', listIds.Select(id => $"listIds={Uri.EscapeDataString(id)}"));
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root), $"{Root}?{query}{Filters(options, '&')}", Json.ListsDto, cancellationToken).ConfigureAwait(false);
        return dto.Lists;
    }

    /// <summary>A list by name (case-insensitive) within an object type.</summary>
    public virtual async Task<ObjectList> GetByNameAsync(string objectTypeId, string listName, ListReadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectTypeId);
        ArgumentException.ThrowIfNullOrWhiteSpace(listName);
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root, "object-type-id/{objectTypeId}/name/{listName}"), $"{Root}/object-type-id/{Seg(objectTypeId)}/name/{Seg(listName)}{Filters(options)}",
            Json.ListEnvelopeDto, cancellationToken).ConfigureAwait(false);
        return Unwrap(dto);
    }

    /// <summary>Lists matching the request, streamed; the continuation token is the offset of the next page.</summary>
    public virtual AsyncPageable<ObjectList> SearchAsync(ListSearchRequest? request = null, CancellationToken cancellationToken = default) =>
        new(async (token, pageSize, ct) =>
        {
            var body = new ListSearchDto
            {
                Query = request?.Query,
                ListIds = request?.ListIds?.ToList(),
                ProcessingTypes = request?.ProcessingTypes?.ToList(),
                ObjectTypeId = request?.ObjectTypeId,
                Offset = token is null ? 0 : int.Parse(token, NumberStyles.None, CultureInfo.InvariantCulture),
                Count = pageSize ?? 100,
            };
            var dto = await _http.SendAsync(HubSpotOperation.Converge(Root, "search"), $"{Root}/search", body, Json.ListSearchDto, Json.ListSearchResponseDto, ct).ConfigureAwait(false);
            var next = dto.HasMore && dto.Lists.Count > 0 ? dto.Offset.ToString(CultureInfo.InvariantCulture) : null;
            return new Page<ObjectList>(dto.Lists, next);
        }, cancellationToken);

    /// <summary>Renames a list; the answer is the list as it now is.</summary>
    public virtual async Task<ObjectList> RenameAsync(string listId, string newName, ListReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(newName);
        var dto = await _http.SendAsync(HubSpotOperation.Put(Root, "{listId}/update-list-name"), $"{One(listId)}/update-list-name?listName={Uri.EscapeDataString(newName)}{Filters(options, '&')}",
            Json.ListEnvelopeDto, cancellationToken).ConfigureAwait(false);
        return Unwrap(dto);
    }

    /// <summary>Replaces a DYNAMIC list's filters; its members follow.</summary>
    public virtual async Task<ObjectList> UpdateFiltersAsync(string listId, ListFilterBranch filterBranch, ListFilterUpdateOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filterBranch);
        var dto = await _http.SendAsync(HubSpotOperation.Put(Root, "{listId}/update-list-filters"), $"{One(listId)}/update-list-filters?enrollObjectsInWorkflows={(options?.EnrollObjectsInWorkflows == true ? "true" : "false")}",
            new UpdateFiltersDto { FilterBranch = filterBranch }, Json.UpdateFiltersDto, Json.ListEnvelopeDto, cancellationToken).ConfigureAwait(false);
        return Unwrap(dto);
    }

    /// <summary>Deletes a list; <see cref="RestoreAsync"/> brings it back.</summary>
    public virtual Task DeleteAsync(string listId, CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Delete(Root, "{listId}"), One(listId), cancellationToken);

    /// <summary>Restores a deleted list (HubSpot keeps deleted lists restorable for a while).</summary>
    public virtual Task RestoreAsync(string listId, CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Put(Root, "{listId}/restore"), $"{One(listId)}/restore", cancellationToken);

    /// <summary>Adds records to a MANUAL or SNAPSHOT list.</summary>
    public virtual Task<MembershipChange> AddMembersAsync(string listId, IEnumerable<string> recordIds, CancellationToken cancellationToken = default) =>
        ChangeAsync("memberships/add", $"{One(listId)}/memberships/add", recordIds, cancellationToken);

    /// <summary>Removes records from a MANUAL or SNAPSHOT list.</summary>
    public virtual Task<MembershipChange> RemoveMembersAsync(string listId, IEnumerable<string> recordIds, CancellationToken cancellationToken = default) =>
        ChangeAsync("memberships/remove", $"{One(listId)}/memberships/remove", recordIds, cancellationToken);

    /// <summary>Adds and removes in one call.</summary>
    public virtual async Task<MembershipChange> AddAndRemoveMembersAsync(string listId, IEnumerable<string> recordIdsToAdd, IEnumerable<string> recordIdsToRemove,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordIdsToAdd);
        ArgumentNullException.ThrowIfNull(recordIdsToRemove);
        var dto = await _http.SendAsync(HubSpotOperation.Put(Root, "{listId}/memberships/add-and-remove"), $"{One(listId)}/memberships/add-and-remove",
            new AddAndRemoveDto { RecordIdsToAdd = [.. recordIdsToAdd], RecordIdsToRemove = [.. recordIdsToRemove] },
            Json.AddAndRemoveDto, Json.MembershipsUpdateDto, cancellationToken).ConfigureAwait(false);
        return ToChange(dto);
    }

    /// <summary>Adds every member of another list of the same object type.</summary>
    public virtual Task AddMembersFromListAsync(string listId, string sourceListId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceListId);
        return _http.SendAsync(HubSpotOperation.Put(Root, "{listId}/memberships/add-from/{sourceListId}"), $"{One(listId)}/memberships/add-from/{Seg(sourceListId)}", cancellationToken);
    }

    /// <summary>Empties a MANUAL or SNAPSHOT list.</summary>
    public virtual Task RemoveAllMembersAsync(string listId, CancellationToken cancellationToken = default) =>
        _http.SendAsync(HubSpotOperation.Delete(Root, "{listId}/memberships"), $"{One(listId)}/memberships", cancellationToken);

    /// <summary>
    /// A list's members, streamed in pages of up to 250 (default 100): by record id, or in the order they joined
    /// with <see cref="ListMembershipOptions.JoinOrder"/>.
    /// </summary>
    public virtual AsyncPageable<ListMembership> ListMembershipsAsync(string listId, ListMembershipOptions? options = null, CancellationToken cancellationToken = default)
    {
        var joinOrder = options?.JoinOrder == true;
        var path = $"{One(listId)}/memberships{(joinOrder ? "/join-order" : "")}";
        var operation = HubSpotOperation.Get(Root, joinOrder ? "{listId}/memberships/join-order" : "{listId}/memberships");
        return new AsyncPageable<ListMembership>(async (after, pageSize, ct) =>
        {
            var query = $"?limit={(pageSize ?? 100).ToString(CultureInfo.InvariantCulture)}{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}";
            var dto = await _http.SendAsync(operation, path + query, Json.MembershipPageDto, ct).ConfigureAwait(false);
            return new Page<ListMembership>([.. dto.Results.Select(m => new ListMembership(m.RecordId, m.MembershipTimestamp))], dto.Paging?.Next?.After);
        }, cancellationToken);
    }

    /// <summary>The lists one record belongs to (HubSpot answers in one page).</summary>
    public virtual AsyncPageable<RecordListMembership> ListRecordMembershipsAsync(string objectTypeId, string recordId,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectTypeId);
        ArgumentException.ThrowIfNullOrWhiteSpace(recordId);
        return AsyncPageable<RecordListMembership>.SinglePage(ct => ReadRecordMembershipsAsync(objectTypeId, recordId, ct), cancellationToken);
    }

    private async Task<IReadOnlyList<RecordListMembership>> ReadRecordMembershipsAsync(string objectTypeId, string recordId, CancellationToken cancellationToken)
    {
        var dto = await _http.SendAsync(HubSpotOperation.Get(Root, "records/{objectTypeId}/{recordId}/memberships"), $"{Root}/records/{Seg(objectTypeId)}/{Seg(recordId)}/memberships",
            Json.RecordMembershipsDto, cancellationToken).ConfigureAwait(false);
        return [.. dto.Results.Select(m => new RecordListMembership(m.ListId, m.ListVersion, m.FirstAddedTimestamp, m.LastAddedTimestamp))];
    }

    private async Task<MembershipChange> ChangeAsync(string action, string path, IEnumerable<string> recordIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recordIds);
        var dto = await _http.SendAsync(HubSpotOperation.Put(Root, "{listId}/" + action), path, recordIds.ToList(), Json.ListString, Json.MembershipsUpdateDto, cancellationToken).ConfigureAwait(false);
        return ToChange(dto);
    }

    private static MembershipChange ToChange(MembershipsUpdateDto dto) => new(dto.RecordsIdsAdded, dto.RecordIdsRemoved, dto.RecordIdsMissing);

    private static ObjectList Unwrap(ListEnvelopeDto dto) =>
        dto.List ?? dto.UpdatedList ?? throw new InvalidOperationException("HubSpot's answer held no list.");
}
