using System.Globalization;
using System.Net.Http;
using Spoke.Errors;

namespace Spoke.Batching;

/// <summary>What one chunk produced, per input index.</summary>
internal sealed record BatchChunkOutcome<T>(List<BatchItem<T>> Succeeded, List<BatchItemError> Failed)
{
    /// <summary>Every input of the chunk succeeded with the value <paramref name="value"/> gives it (answers without detail, e.g. 204).</summary>
    public static BatchChunkOutcome<T> AllSucceeded(IEnumerable<int> chunk, Func<int, T> value) =>
        new([.. chunk.Select(i => new BatchItem<T>(i, value(i)))], []);
}

/// <summary>
/// The one chunk runner of every batch operation: splits inputs (by index) into chunks of HubSpot's batch limit, sends up
/// to <see cref="HubSpotClientOptions.MaxBatchConcurrency"/> chunks at once (each request still waits for its slot in the
/// shared rate-limit gate, so concurrency never outruns the budget), and merges the chunks' outcomes in input order.
/// </summary>
internal static class BatchRunner
{
    /// <summary>HubSpot's inputs per batch request (docs/hubspot-api.md §3.1).</summary>
    public const int MaxInputs = 100;

    /// <summary>Inputs per batch read when property history is asked for (HubSpot lowers the cap to 50).</summary>
    public const int MaxInputsWithHistory = 50;

    /// <summary>
    /// Runs <paramref name="count"/> inputs. A chunk HubSpot refuses as a whole (a 400 it did not tie to inputs, a 5xx
    /// after retries, a broken connection, an attempt timeout) fails its own inputs only, each marked
    /// <see cref="BatchItemError.ChunkFailed"/>. Authentication failures and cancellation are thrown: no chunk could succeed.
    /// </summary>
    /// <param name="count">How many inputs there are; they are passed on by index, 0 to <paramref name="count"/> − 1.</param>
    /// <param name="chunkSize">Inputs per request, e.g. <see cref="MaxInputs"/>.</param>
    /// <param name="maxConcurrency">How many chunks may be in flight at once.</param>
    /// <param name="inputId">The id an input is known by (for whole-chunk failures); null when it has none.</param>
    /// <param name="sendChunk">Sends one chunk (the indexes of its inputs) and maps HubSpot's answer to per-input outcomes.</param>
    /// <param name="cancellationToken">Cancels the chunks not yet sent and those in flight; cancellation is thrown.</param>
    public static async Task<BatchResult<T>> RunAsync<T>(int count, int chunkSize, int maxConcurrency, Func<int, string?> inputId,
        Func<IReadOnlyList<int>, CancellationToken, Task<BatchChunkOutcome<T>>> sendChunk, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        var chunks = Enumerable.Range(0, (count + chunkSize - 1) / chunkSize)
            .Select(c => (IReadOnlyList<int>)[.. Enumerable.Range(c * chunkSize, Math.Min(chunkSize, count - (c * chunkSize)))])
            .ToList();
        var outcomes = new BatchChunkOutcome<T>[chunks.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, chunks.Count), parallel, async (c, ct) =>
        {
            var chunk = chunks[c];
            try
            {
                outcomes[c] = await sendChunk(chunk, ct).ConfigureAwait(false);
            }
            catch (HubSpotAuthenticationException)
            {
                throw;
            }
            catch (HubSpotApiException error)
            {
                outcomes[c] = new([], [.. chunk.Select(i => new BatchItemError(i, inputId(i), Trace(i), error.Status, error.Category, error.SubCategory,
                    error.Message, error.CorrelationId, error.Context, error.Errors)
                {
                    ChunkFailed = true,
                    MayHaveBeenApplied = error is HubSpotTransportException transport ? transport.MayHaveReachedHubSpot : error.Status >= 500,
                })]);
            }
            catch (Exception error) when (error is HttpRequestException or TimeoutException
                || (error is OperationCanceledException && !ct.IsCancellationRequested))
            {
                outcomes[c] = new([], [.. chunk.Select(i => new BatchItemError(i, inputId(i), Trace(i), 0, "NETWORK_ERROR", null,
                    $"The request carrying this input failed before HubSpot answered: {error.Message}", null,
                    new Dictionary<string, IReadOnlyList<string>>(), []) { ChunkFailed = true, MayHaveBeenApplied = true })]);
            }
        }).ConfigureAwait(false);

        return new BatchResult<T>([.. outcomes.SelectMany(o => o.Succeeded).OrderBy(s => s.InputIndex)],
            [.. outcomes.SelectMany(o => o.Failed).OrderBy(f => f.InputIndex)]);
    }

    /// <summary>The <c>objectWriteTraceId</c> Spoke sends with an input: its index in the caller's sequence.</summary>
    public static string Trace(int index) => index.ToString(CultureInfo.InvariantCulture);
}
