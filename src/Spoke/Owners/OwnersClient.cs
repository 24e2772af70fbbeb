using System.Globalization;
using Spoke.Http;
using Spoke.Paging;
using static Spoke.Http.ApiPaths;

namespace Spoke.Owners;

/// <summary>The portal's owners (docs/hubspot-api.md §3.6), read-only.</summary>
public class OwnersClient
{
    private static readonly OwnersJsonContext Json = OwnersJsonContext.Default;
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected OwnersClient()
    {
    }

    internal OwnersClient(HubSpotHttp http) => _http = http;

    /// <summary>Every owner, or the one with <see cref="OwnerListOptions.Email"/>, streamed in pages of up to 100.</summary>
    public virtual AsyncPageable<Owner> ListAsync(OwnerListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var email = options?.Email;
        var archived = options?.Archived == true;
        var root = _http.Options.OwnersPrefix();
        return new AsyncPageable<Owner>(async (after, pageSize, ct) =>
        {
            var query = $"?limit={(pageSize ?? 100).ToString(CultureInfo.InvariantCulture)}";
            if (email is not null)
            {
                query += $"&email={Uri.EscapeDataString(email)}";
            }

            if (archived)
            {
                query += "&archived=true";
            }

            if (after is not null)
            {
                query += $"&after={Uri.EscapeDataString(after)}";
            }

            var dto = await _http.SendAsync(HubSpotOperation.Get(root), root + query, Json.OwnerPageDto, ct).ConfigureAwait(false);
            return new Page<Owner>(dto.Results, dto.Paging?.Next?.After);
        }, cancellationToken);
    }

    /// <summary>One owner by owner id or user id; a missing one throws <see cref="Errors.HubSpotApiException"/> with status 404.</summary>
    public virtual Task<Owner> GetAsync(string id, OwnerReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var idProperty = options?.IdProperty ?? OwnerIdProperty.Id;
        var archived = options?.Archived == true;
        var query = $"?idProperty={(idProperty == OwnerIdProperty.UserId ? "userId" : "id")}{(archived ? "&archived=true" : "")}";
        return _http.SendAsync(HubSpotOperation.Get(_http.Options.OwnersPrefix(), "{ownerId}"), $"{_http.Options.OwnersPrefix()}/{Seg(id)}{query}", Json.Owner, cancellationToken);
    }
}
