using System.Globalization;
using System.Net;
using System.Text.Json;
using Spoke.Errors;
using Spoke.Json;

namespace Spoke.Crm;

/// <summary>
/// Turns one batch answer (200/201/207) into per-input outcomes. Errors are matched to inputs by their
/// <c>objectWriteTraceId</c> (Spoke sends each input's index) or by the ids in <c>context.ids</c>; results by their
/// trace id when HubSpot echoes it, else by id / <c>idProperty</c> value, else by order. An input that is matched to
/// nothing is reported as failed, never dropped.
/// </summary>
internal sealed class BatchResponseMapper<T>(
    IReadOnlyList<int> chunk,
    Func<int, string?> inputKey,
    Func<SimplePublicObjectDto, string?> resultKey,
    Func<SimplePublicObjectDto, T> convert,
    bool oneResultServesEqualInputs)
{
    public (List<BatchItem<T>> Succeeded, List<BatchItemError> Failed) Map(BatchResponseDto response, HttpStatusCode answered)
    {
        var failed = new Dictionary<int, BatchItemError>();
        var succeeded = new Dictionary<int, T>();
        var inChunk = chunk.ToHashSet();
        var unmatchedErrors = new List<ErrorBody>();

        foreach (var element in response.Errors ?? [])
        {
            var error = ErrorBody.FromElement(element);
            var matched = false;
            if (error.Context.TryGetValue("objectWriteTraceId", out var traces))
            {
                foreach (var trace in traces)
                {
                    if (int.TryParse(trace, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && inChunk.Contains(index))
                    {
                        failed.TryAdd(index, ToItemError(index, error, StatusOf(element, error)));
                        matched = true;
                    }
                }
            }
            else if (error.Context.TryGetValue("ids", out var ids))
            {
                var wanted = ids.ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (var index in chunk.Where(i => inputKey(i) is { } key && wanted.Contains(key)))
                {
                    failed.TryAdd(index, ToItemError(index, error, StatusOf(element, error)));
                    matched = true;
                }
            }

            if (!matched)
            {
                unmatchedErrors.Add(error);
            }
        }

        var open = chunk.Where(i => !failed.ContainsKey(i)).ToList();
        var byKey = open.Where(i => inputKey(i) is not null).ToLookup(i => inputKey(i)!, StringComparer.OrdinalIgnoreCase);
        var leftovers = new List<SimplePublicObjectDto>();
        foreach (var result in response.Results)
        {
            if (int.TryParse(result.ObjectWriteTraceId, NumberStyles.None, CultureInfo.InvariantCulture, out var traced)
                && inChunk.Contains(traced) && !failed.ContainsKey(traced) && !succeeded.ContainsKey(traced))
            {
                succeeded[traced] = convert(result);
                continue;
            }

            var targets = resultKey(result) is { } key ? byKey[key].Where(i => !succeeded.ContainsKey(i)).ToList() : [];
            if (targets.Count == 0)
            {
                leftovers.Add(result);
                continue;
            }

            var value = convert(result);
            foreach (var index in oneResultServesEqualInputs ? targets : targets.Take(1))
            {
                succeeded[index] = value;
            }
        }

        // HubSpot answers in input order; what could not be matched by trace id or key is matched by position.
        var unassigned = open.Where(i => !succeeded.ContainsKey(i)).ToList();
        for (var n = 0; n < Math.Min(unassigned.Count, leftovers.Count); n++)
        {
            succeeded[unassigned[n]] = convert(leftovers[n]);
        }

        foreach (var index in unassigned.Skip(leftovers.Count))
        {
            failed[index] = unmatchedErrors.Count > 0
                ? ToItemError(index, unmatchedErrors[0], answered)
                : new BatchItemError(index, inputKey(index), Trace(index), answered, null, null,
                    $"HubSpot answered {(int)answered} without a result or an error for this input.", null,
                    new Dictionary<string, IReadOnlyList<string>>(), []);
        }

        return ([.. succeeded.OrderBy(kv => kv.Key).Select(kv => new BatchItem<T>(kv.Key, kv.Value))],
            [.. failed.OrderBy(kv => kv.Key).Select(kv => kv.Value)]);
    }

    public static string Trace(int index) => index.ToString(CultureInfo.InvariantCulture);

    private BatchItemError ToItemError(int index, ErrorBody error, HttpStatusCode status) =>
        new(index, inputKey(index), Trace(index), status, error.Category, error.SubCategory,
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
