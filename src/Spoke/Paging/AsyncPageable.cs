using System.Runtime.CompilerServices;

namespace Spoke.Paging;

/// <summary>One page of results and the token that resumes after it (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Values, string? ContinuationToken);

/// <summary>
/// Results that arrive in pages. Enumerate it to stream items (one page in memory at a time), or call
/// <see cref="AsPages"/> to see pages and their continuation tokens so a job can stop and resume where it left off.
/// </summary>
public class AsyncPageable<T> : IAsyncEnumerable<T>
{
    private readonly Func<string?, int?, CancellationToken, Task<Page<T>>> _fetch;
    private readonly CancellationToken _cancellationToken;

    /// <summary>For mocking.</summary>
    protected AsyncPageable()
    {
        _fetch = (_, _, _) => Task.FromResult(new Page<T>([], null));
    }

    /// <summary>A pageable over <paramref name="fetch"/>, which answers the page after a continuation token (null: the first) of up to a size (null: the API's default).</summary>
    public AsyncPageable(Func<string?, int?, CancellationToken, Task<Page<T>>> fetch, CancellationToken cancellationToken)
    {
        _fetch = fetch;
        _cancellationToken = cancellationToken;
    }

    /// <summary>
    /// A listing HubSpot answers in one response (pipelines, properties, schemas, ...): one page, no continuation token,
    /// so every <c>ListAsync</c> of the client is enumerated the same way whether HubSpot pages it or not.
    /// </summary>
    internal static AsyncPageable<T> SinglePage(Func<CancellationToken, Task<IReadOnlyList<T>>> fetch, CancellationToken cancellationToken) =>
        new(async (_, _, ct) => new Page<T>(await fetch(ct).ConfigureAwait(false), null), cancellationToken);

    /// <summary>Pages from <paramref name="continuationToken"/> (null: the start), each of up to <paramref name="pageSize"/> items.</summary>
    public virtual async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSize = null)
    {
        var token = continuationToken;
        do
        {
            var page = await _fetch(token, pageSize, _cancellationToken).ConfigureAwait(false);
            yield return page;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>Streams every item of every page, fetching the next page only when the current one is used up.</summary>
    public virtual async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, cancellationToken);
        await foreach (var page in WithToken(linked.Token).ConfigureAwait(false))
        {
            foreach (var item in page.Values)
            {
                yield return item;
            }
        }
    }

    private async IAsyncEnumerable<Page<T>> WithToken([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await _fetch(token, null, cancellationToken).ConfigureAwait(false);
            yield return page;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
