using System.Net;
using Spoke.Errors;

namespace Spoke.Crm;

/// <summary>One input that succeeded: its position in the input sequence and what HubSpot answered for it.</summary>
public sealed record BatchItem<T>(int InputIndex, T Value);

/// <summary>
/// One input that failed, with HubSpot's detail for it. <see cref="InputIndex"/> is the input's position in the sequence
/// you passed; <see cref="InputId"/> the id (or <c>idProperty</c> value) you gave for it, when the operation takes one.
/// </summary>
public sealed record BatchItemError(
    int InputIndex,
    string? InputId,
    string? TraceId,
    HttpStatusCode Status,
    string? Category,
    string? SubCategory,
    string Message,
    string? CorrelationId,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Context,
    IReadOnlyList<HubSpotErrorDetail> Errors)
{
    /// <summary>True when the whole request carrying this input failed (e.g. a 5xx after retries), not this input alone.</summary>
    public bool ChunkFailed { get; init; }

    /// <summary>The same failure as an exception, for callers that want to throw it.</summary>
    public HubSpotApiException ToException() =>
        new(Status, Message, Category, SubCategory, CorrelationId, Errors, Context);
}

/// <summary>
/// The merged outcome of a batch call of any size: every input appears exactly once, either in <see cref="Succeeded"/>
/// or in <see cref="Failed"/>; both are in input order.
/// </summary>
public sealed class BatchResult<T>
{
    public BatchResult(IReadOnlyList<BatchItem<T>> succeeded, IReadOnlyList<BatchItemError> failed)
    {
        Succeeded = succeeded;
        Failed = failed;
    }

    public IReadOnlyList<BatchItem<T>> Succeeded { get; }

    public IReadOnlyList<BatchItemError> Failed { get; }

    /// <summary>The successful values alone, in input order.</summary>
    public IReadOnlyList<T> Values => [.. Succeeded.Select(s => s.Value)];

    public bool HasFailures => Failed.Count > 0;

    /// <summary>Throws the first failure (with the count of the others in its message) when any input failed.</summary>
    public BatchResult<T> EnsureAllSucceeded()
    {
        if (Failed.Count > 0)
        {
            var first = Failed[0];
            throw new HubSpotApiException(first.Status,
                $"{Failed.Count} of {Failed.Count + Succeeded.Count} batch inputs failed; the first (input {first.InputIndex}): {first.Message}",
                first.Category, first.SubCategory, first.CorrelationId, first.Errors, first.Context);
        }

        return this;
    }
}

/// <summary>An upserted record and whether the upsert created it.</summary>
public sealed record CrmUpsertResult(CrmObject Object, bool IsNew);
