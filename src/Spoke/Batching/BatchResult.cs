using System.Net;
using Spoke.Errors;

namespace Spoke.Batching;

/// <summary>One input that succeeded: its position in the input sequence and what HubSpot answered for it.</summary>
/// <param name="InputIndex">The input's position (from 0) in the sequence you passed.</param>
/// <param name="Value">What HubSpot answered for the input, e.g. the created or read record.</param>
public sealed record BatchItem<T>(int InputIndex, T Value);

/// <summary>
/// One input that failed, with HubSpot's detail for it. <see cref="InputIndex"/> is the input's position in the sequence
/// you passed; <see cref="InputId"/> the id you gave for it (record id or <c>idProperty</c> value, property name, event
/// id) or, for a pair of records, the id HubSpot's error named; null when neither is known.
/// </summary>
/// <param name="InputIndex">The input's position (from 0) in the sequence you passed.</param>
/// <param name="InputId">The id you gave for the input or that HubSpot's error named; null when neither is known.</param>
/// <param name="TraceId">The input's index as text: the <c>objectWriteTraceId</c> Spoke sends with the inputs of operations that
/// accept one, and HubSpot echoes in results and errors.</param>
/// <param name="Status">The HTTP status, as <see cref="HubSpotApiException.Status"/>: HubSpot's, or inferred from the error
/// category for a 207 entry; 0 when no answer arrived (a broken connection, a timeout).</param>
/// <param name="Category">HubSpot's <c>category</c>, e.g. <c>VALIDATION_ERROR</c> or <c>OBJECT_NOT_FOUND</c>; null when none was sent.</param>
/// <param name="SubCategory">HubSpot's finer <c>subCategory</c>; null when none was sent.</param>
/// <param name="Message">HubSpot's message for the input, or Spoke's when no answer arrived.</param>
/// <param name="CorrelationId">HubSpot's <c>correlationId</c> of the request, for HubSpot support; null when none was sent.</param>
/// <param name="Context">HubSpot's <c>context</c> map for the input (e.g. <c>ids</c>, <c>propertyName</c>); empty when none.</param>
/// <param name="Errors">HubSpot's per-field details (<c>errors[]</c>); empty when none.</param>
public sealed record BatchItemError(
    int InputIndex,
    string? InputId,
    string? TraceId,
    int Status,
    string? Category,
    string? SubCategory,
    string Message,
    string? CorrelationId,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Context,
    IReadOnlyList<HubSpotErrorDetail> Errors)
{
    /// <summary>
    /// True when the whole request carrying this input failed (a 400 HubSpot did not tie to inputs, a 5xx after retries,
    /// a broken connection), not this input alone: the input itself may be fine, and is worth sending again.
    /// </summary>
    public bool ChunkFailed { get; init; }

    /// <summary>
    /// True when HubSpot may have carried this input out although the request failed (a 5xx, a timeout, a connection
    /// that broke after sending): check before sending a create again. False when HubSpot refused it (4xx, 429, 207 entry).
    /// </summary>
    public bool MayHaveBeenApplied { get; init; }

    /// <summary>The same failure as an exception, for callers that want to throw it.</summary>
    public HubSpotApiException ToException() =>
        new(Status, Message, Category, SubCategory, CorrelationId, Errors, Context);
}

/// <summary>
/// The merged outcome of a batch call of any size, the one result type of every batch operation: every input appears
/// exactly once, either in <see cref="Succeeded"/> or in <see cref="Failed"/>, both in input order. Partial failures are
/// returned, never thrown and never lost; call <see cref="EnsureAllSucceeded"/> to throw instead.
/// </summary>
public sealed class BatchResult<T>
{
    /// <summary>A result of these successes and failures.</summary>
    public BatchResult(IReadOnlyList<BatchItem<T>> succeeded, IReadOnlyList<BatchItemError> failed)
    {
        Succeeded = succeeded;
        Failed = failed;
    }

    /// <summary>The inputs that succeeded, in input order.</summary>
    public IReadOnlyList<BatchItem<T>> Succeeded { get; }

    /// <summary>The inputs that failed, in input order, each with HubSpot's detail.</summary>
    public IReadOnlyList<BatchItemError> Failed { get; }

    /// <summary>The successful values alone, in input order.</summary>
    public IReadOnlyList<T> Values => [.. Succeeded.Select(s => s.Value)];

    /// <summary>True when any input failed.</summary>
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
