using System.Net;
using Spoke.Errors;

namespace Spoke.Batching;

/// <summary>
/// What a batch call of any size produced: the results of the inputs that succeeded, and one
/// <see cref="HubSpotApiException"/> per failure HubSpot reported (207 multi-status) or per chunk that failed as a
/// whole. Partial failures are returned, never thrown and never lost; call <see cref="EnsureSuccess"/> to throw instead.
/// </summary>
public sealed class BatchOutcome<T>
{
    public BatchOutcome(IReadOnlyList<T> results, IReadOnlyList<HubSpotApiException> errors)
    {
        Results = results;
        Errors = errors;
    }

    /// <summary>What the successful inputs produced, chunk by chunk in input order.</summary>
    public IReadOnlyList<T> Results { get; }

    /// <summary>
    /// Each failure with HubSpot's category, message and <see cref="HubSpotApiException.Context"/> (which names the
    /// failed inputs, e.g. <c>ids</c>, <c>fromObjectId</c>, <c>propertyName</c>).
    /// </summary>
    public IReadOnlyList<HubSpotApiException> Errors { get; }

    public bool HasErrors => Errors.Count > 0;

    /// <summary>Throws the first failure (its message counts the others) when any input failed.</summary>
    public BatchOutcome<T> EnsureSuccess()
    {
        if (Errors.Count == 0)
        {
            return this;
        }

        var first = Errors[0];
        var message = Errors.Count == 1 ? first.Message : $"{Errors.Count} batch failures; the first: {first.Message}";
        throw new HubSpotApiException(first.Status, message, first.Category, first.SubCategory, first.CorrelationId, first.Errors, first.Context, first);
    }
}

/// <summary>Sends inputs in chunks of at most 100 (HubSpot's batch limit) and merges the answers.</summary>
internal static class BatchRunner
{
    public const int MaxInputs = 100;

    public static async Task<BatchOutcome<TResult>> RunAsync<TInput, TResult>(IEnumerable<TInput> inputs,
        Func<IReadOnlyList<TInput>, CancellationToken, Task<(IEnumerable<TResult> Results, IEnumerable<HubSpotApiException> Errors)>> sendChunk,
        CancellationToken cancellationToken, int chunkSize = MaxInputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var results = new List<TResult>();
        var errors = new List<HubSpotApiException>();
        foreach (var chunk in inputs.Chunk(chunkSize))
        {
            try
            {
                var (r, e) = await sendChunk(chunk, cancellationToken).ConfigureAwait(false);
                results.AddRange(r);
                errors.AddRange(e);
            }
            catch (HubSpotApiException error) when (error is not HubSpotAuthenticationException)
            {
                // One chunk refused as a whole (e.g. 400): the other chunks' work stands, so report it, don't throw.
                errors.Add(error);
            }
        }

        return new BatchOutcome<TResult>(results, errors);
    }

    /// <summary>HubSpot's per-input errors (<c>errors[]</c> of a 207) as exceptions of the one family.</summary>
    public static IEnumerable<HubSpotApiException> Errors(IEnumerable<System.Text.Json.JsonElement>? errors) =>
        (errors ?? []).Select(e =>
        {
            var body = ErrorBody.FromElement(e);
            var status = e.TryGetProperty("status", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.Number && s.TryGetInt32(out var n)
                ? (HttpStatusCode)n
                : StatusOf(body.Category);
            return new HubSpotApiException(status, body.Message ?? "A batch input failed.", body.Category, body.SubCategory, body.CorrelationId,
                body.Errors, body.Context);
        });

    /// <summary>Batch errors carry <c>"status": "error"</c>, not a code: infer one from the category.</summary>
    private static HttpStatusCode StatusOf(string? category) => category switch
    {
        "OBJECT_NOT_FOUND" => HttpStatusCode.NotFound,
        "CONFLICT" => HttpStatusCode.Conflict,
        "RATE_LIMITS" => (HttpStatusCode)429,
        "INTERNAL_ERROR" => HttpStatusCode.InternalServerError,
        _ => HttpStatusCode.BadRequest,
    };
}
