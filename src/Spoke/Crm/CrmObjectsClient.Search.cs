using Spoke.Http;
using Spoke.Json;
using Spoke.Paging;

namespace Spoke.Crm;

// CRM search, streamed, without HubSpot's 10,000-result ceiling.
public partial class CrmObjectsClient
{
    /// <summary>
    /// Every record matching <paramref name="request"/>, streamed in pages (one page in memory at a time), in sort order,
    /// however many there are: past 10,000 results the search continues in keyset windows (see <c>SearchWindows</c>),
    /// each record exactly once. <see cref="AsyncPageable{T}.AsPages"/> exposes opaque continuation tokens that resume
    /// exactly after a page. Search reflects writes after a short delay on HubSpot and never returns archived records.
    /// </summary>
    public virtual AsyncPageable<CrmObject> SearchAsync(CrmSearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var windows = new SearchWindows(request);
        var op = HubSpotOperation.Search(Root);
        return new(async (token, pageSize, ct) =>
        {
            var cursor = token is null ? new SearchCursorDto() : SearchWindows.Decode(token);
            var response = await _http.SendAsync(op, op.Path(), windows.Build(cursor, pageSize),
                BatchSearchJsonContext.Default.SearchRequestDto, BatchSearchJsonContext.Default.CollectionResponseDto, ct).ConfigureAwait(false);
            var next = windows.Next(cursor, response);
            return new Page<CrmObject>([.. response.Results.Select(WireMapping.ToCrmObject)], next is null ? null : SearchWindows.Encode(next));
        }, cancellationToken);
    }

    /// <summary>
    /// How many records match <paramref name="request"/> (every record of the type when null): one search asking for one
    /// record, whose <c>total</c> is the count. Costs one search (HubSpot's 5 per second). Search reflects writes after a
    /// short delay and never counts archived records, so treat the figure as an estimate (e.g. for an ETA).
    /// </summary>
    public virtual async Task<long> CountAsync(CrmSearchRequest? request = null, CancellationToken cancellationToken = default)
    {
        var windows = new SearchWindows(request ?? new CrmSearchRequest());
        var op = HubSpotOperation.Search(Root);
        var body = windows.Build(new SearchCursorDto(), 1);
        body.Properties = [CrmSearchRequest.DefaultSortProperty];
        var response = await _http.SendAsync(op, op.Path(), body,
            BatchSearchJsonContext.Default.SearchRequestDto, BatchSearchJsonContext.Default.CollectionResponseDto, cancellationToken).ConfigureAwait(false);
        return response.Total ?? response.Results.Count;
    }
}
