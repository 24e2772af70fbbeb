using System.Globalization;
using System.Net;
using System.Text.Json;
using Spoke.Errors;

namespace Spoke.Batching;

/// <summary>
/// Turns one batch answer (200/201/207: <c>results</c> and <c>errors</c>) into per-input outcomes, for any operation.
/// Errors are tied to inputs by their <c>context</c> (<c>objectWriteTraceId</c>, <c>ids</c>, <c>id</c>,
/// <c>fromObjectId</c>/<c>toObjectId</c>, <c>propertyName</c>: whatever <see cref="ContextValues"/> says names an input);
/// results by the trace id HubSpot echoes, else by key, else (when allowed) by order. An input matched to nothing is
/// reported as failed, never dropped.
/// </summary>
internal sealed class BatchAnswerMapper<TDto, T>
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoContext = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The id an input is reported by in <see cref="BatchItemError.InputId"/>; null when it has none of its own.</summary>
    public Func<int, string?> InputId { get; init; } = _ => null;

    /// <summary>The key an input's result is recognised by (compared with <see cref="ResultKey"/>, ignoring case).</summary>
    public Func<int, string?> InputKey { get; init; } = _ => null;

    public Func<TDto, string?> ResultKey { get; init; } = _ => null;

    /// <summary>The <c>objectWriteTraceId</c> a result echoes, when the operation sends one.</summary>
    public Func<TDto, string?> ResultTrace { get; init; } = _ => null;

    /// <summary>
    /// The values by which an error's context key (e.g. <c>ids</c>) names this input, or null when the key says nothing
    /// about this operation's inputs. An error names an input when every key known for it holds one of its values.
    /// </summary>
    public Func<int, string, IEnumerable<string>?> ContextValues { get; init; } = (_, _) => null;

    public required Func<TDto, T> Convert { get; init; }

    /// <summary>HubSpot de-duplicates reads: one result answers every input with that key.</summary>
    public bool OneResultServesEqualInputs { get; init; }

    /// <summary>
    /// Results matched by neither trace nor key go to the remaining inputs in order (HubSpot answers in input order).
    /// Off where an answer holds results that answer no input (e.g. the inverse direction of a default association).
    /// </summary>
    public bool MatchLeftoversByPosition { get; init; } = true;

    public BatchChunkOutcome<T> Map(IReadOnlyList<int> chunk, IReadOnlyList<TDto>? results, IReadOnlyList<JsonElement>? errors)
    {
        var failed = new Dictionary<int, BatchItemError>();
        var succeeded = new Dictionary<int, T>();
        var inChunk = chunk.ToHashSet();
        var unmatchedErrors = new List<(ErrorBody Body, HttpStatusCode Status)>();

        foreach (var element in errors ?? [])
        {
            var error = ErrorBody.FromElement(element);
            var status = StatusOf(element, error);
            var matched = false;
            foreach (var index in chunk)
            {
                if (Names(error.Context, index) is (true, var named))
                {
                    failed.TryAdd(index, ToItemError(index, InputId(index) ?? named, error, status));
                    matched = true;
                }
            }

            if (!matched)
            {
                unmatchedErrors.Add((error, status));
            }
        }

        var open = chunk.Where(i => !failed.ContainsKey(i)).ToList();
        var byKey = open.Where(i => InputKey(i) is not null).ToLookup(i => InputKey(i)!, StringComparer.OrdinalIgnoreCase);
        var leftovers = new List<TDto>();
        foreach (var result in results ?? [])
        {
            if (int.TryParse(ResultTrace(result), NumberStyles.None, CultureInfo.InvariantCulture, out var traced)
                && inChunk.Contains(traced) && !failed.ContainsKey(traced) && !succeeded.ContainsKey(traced))
            {
                succeeded[traced] = Convert(result);
                continue;
            }

            var targets = ResultKey(result) is { } key ? byKey[key].Where(i => !succeeded.ContainsKey(i)).ToList() : [];
            if (targets.Count == 0)
            {
                leftovers.Add(result);
                continue;
            }

            var value = Convert(result);
            foreach (var index in OneResultServesEqualInputs ? targets : targets.Take(1))
            {
                succeeded[index] = value;
            }
        }

        var unassigned = open.Where(i => !succeeded.ContainsKey(i)).ToList();
        var byPosition = MatchLeftoversByPosition ? Math.Min(unassigned.Count, leftovers.Count) : 0;
        for (var n = 0; n < byPosition; n++)
        {
            succeeded[unassigned[n]] = Convert(leftovers[n]);
        }

        // Errors whose context names no input: one each per remaining input in order when the counts agree (HubSpot
        // reports in input order), else the first for all; an input with neither a result nor an error fails too.
        var remaining = unassigned.Skip(byPosition).ToList();
        var answered = errors is { Count: > 0 } ? HttpStatusCode.MultiStatus : HttpStatusCode.OK;
        for (var n = 0; n < remaining.Count; n++)
        {
            var index = remaining[n];
            failed[index] = unmatchedErrors.Count == 0
                ? new BatchItemError(index, InputId(index), BatchRunner.Trace(index), (int)answered, null, null,
                    $"HubSpot answered {(int)answered} without a result or an error for this input.", null, NoContext, [])
                : ToItemError(index, InputId(index), unmatchedErrors[unmatchedErrors.Count == remaining.Count ? n : 0].Body,
                    unmatchedErrors[unmatchedErrors.Count == remaining.Count ? n : 0].Status);
        }

        return new([.. succeeded.OrderBy(kv => kv.Key).Select(kv => new BatchItem<T>(kv.Key, kv.Value))],
            [.. failed.OrderBy(kv => kv.Key).Select(kv => kv.Value)]);
    }

    /// <summary>
    /// Whether <paramref name="context"/> names input <paramref name="index"/>, and by which id the caller knows it (the
    /// trace id is Spoke's own, so any other key's value wins).
    /// </summary>
    private (bool Named, string? Id) Names(IReadOnlyDictionary<string, IReadOnlyList<string>> context, int index)
    {
        var named = false;
        string? id = null;
        foreach (var (key, values) in context)
        {
            if (ContextValues(index, key) is not { } mine)
            {
                continue;
            }

            var hit = mine.FirstOrDefault(m => values.Contains(m, StringComparer.OrdinalIgnoreCase));
            if (hit is null)
            {
                return (false, null);
            }

            named = true;
            id = key == "objectWriteTraceId" ? id : id ?? hit;
        }

        return (named, id);
    }

    private static BatchItemError ToItemError(int index, string? inputId, ErrorBody error, HttpStatusCode status) =>
        new(index, inputId, BatchRunner.Trace(index), (int)status, error.Category, error.SubCategory,
            error.Message ?? "HubSpot refused this input without a message.", error.CorrelationId, error.Context, error.Errors);

    /// <summary>Entries of <c>errors[]</c> carry <c>"status": "error"</c>, not a code: infer it from the category.</summary>
    private static HttpStatusCode StatusOf(JsonElement element, ErrorBody error)
    {
        if (element.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var code))
        {
            return (HttpStatusCode)code;
        }

        return error.Category switch
        {
            "OBJECT_NOT_FOUND" => HttpStatusCode.NotFound,
            "CONFLICT" => HttpStatusCode.Conflict,
            "RATE_LIMITS" => (HttpStatusCode)429,
            "INVALID_AUTHENTICATION" => HttpStatusCode.Unauthorized,
            "MISSING_SCOPES" => HttpStatusCode.Forbidden,
            "INTERNAL_ERROR" => HttpStatusCode.InternalServerError,
            _ => HttpStatusCode.BadRequest,
        };
    }
}
