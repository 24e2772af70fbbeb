using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Http;

/// <summary>What a batch produced: the records it wrote or read, and the errors of the inputs that failed.</summary>
internal sealed record BatchOutcome<T>(List<T> Results, List<ApiError> Errors, List<string?> TraceIds)
{
    /// <summary>Each result with the <c>objectWriteTraceId</c> of the input that produced it (null when none was sent).</summary>
    public IEnumerable<(T Result, string? TraceId)> Traced => Results.Zip(TraceIds);
}

/// <summary>HubSpot's batch conventions: input limits, all-or-nothing vs multi-status, and the response shape (docs/hubspot-api.md §4.3).</summary>
internal static class Batch
{
    public static List<JsonElement> Inputs(JsonElement body, PortalState portal)
    {
        var inputs = body.RequireArray("inputs");
        var max = portal.Fidelity.BatchMaxInputs;
        var count = inputs.GetArrayLength();
        if (count > max)
        {
            throw ApiError.Validation($"Too many inputs: {count}. A batch request takes at most {max} inputs; split it into several requests.",
                context: ApiError.Ctx("maxInputs", max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return [.. inputs.EnumerateArray()];
    }

    public static IEnumerable<string?> Strings(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null) : [];

    public static void RejectDuplicateIds(IEnumerable<string> keys, IReadOnlyList<string>? display = null)
    {
        var list = keys.ToList();
        var duplicates = list.Select((k, i) => (k, i)).GroupBy(x => x.k).Where(g => g.Count() > 1)
            .Select(g => display?[g.First().i] ?? g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw ApiError.Validation($"Duplicate IDs found in batch input: [{string.Join(", ", duplicates)}]. IDs must be unique",
                context: ApiError.Ctx("ids", [.. duplicates]));
        }
    }

    /// <summary>
    /// Runs a batch write. When every input carries an <c>objectWriteTraceId</c>, inputs succeed or fail one by one
    /// (207 multi-status, each error naming its trace id). Otherwise the batch is all-or-nothing: any failure
    /// answers with that failure and writes nothing. Each input is applied right after it is validated, so later
    /// inputs see earlier ones (a second input with the same unique value fails).
    /// </summary>
    public static BatchOutcome<TResult> Apply<TInput, TResult>(IReadOnlyList<TInput> inputs, Func<TInput, string?> traceId,
        Func<TInput, TResult> apply, Func<TInput, Func<TResult>>? prepare = null)
    {
        var results = new List<TResult>(inputs.Count);
        var traces = new List<string?>(inputs.Count);
        var errors = new List<ApiError>();
        var traced = inputs.Count > 0 && inputs.All(i => !string.IsNullOrEmpty(traceId(i)));
        if (!traced && prepare is not null)
        {
            // Validate everything first: nothing is written when any input is refused.
            var commits = inputs.Select(i => (Commit: prepare(i), Trace: traceId(i))).ToList();
            foreach (var (commit, trace) in commits)
            {
                results.Add(commit());
                traces.Add(trace);
            }

            return new(results, errors, traces);
        }

        foreach (var input in inputs)
        {
            try
            {
                results.Add(apply(input));
                traces.Add(traceId(input));
            }
            catch (ApiError error) when (traced)
            {
                errors.Add(new ApiError(error.StatusCode, error.Category, error.Message)
                {
                    Errors = error.Errors,
                    SubCategory = error.SubCategory,
                    Context = new Dictionary<string, IReadOnlyList<string>>(error.Context) { ["objectWriteTraceId"] = [traceId(input)!] },
                });
            }
        }

        return new(results, errors, traces);
    }

    /// <summary>Writes <c>{status, results, [numErrors, errors], startedAt, completedAt}</c>: 207 when any input failed.</summary>
    public static IResult Result<T>(HttpContext ctx, DateTimeOffset startedAt, DateTimeOffset completedAt, int okStatus,
        IReadOnlyList<T> results, IReadOnlyList<ApiError> errors, Action<Utf8JsonWriter, T> writeItem)
    {
        var correlationId = ApiError.CorrelationId(ctx);
        return JsonIO.Json(errors.Count > 0 ? 207 : okStatus, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "COMPLETE");
            w.WriteStartArray("results");
            foreach (var r in results)
            {
                writeItem(w, r);
            }

            w.WriteEndArray();
            if (errors.Count > 0)
            {
                w.WriteNumber("numErrors", errors.Count);
                w.WriteStartArray("errors");
                foreach (var e in errors)
                {
                    e.WriteBody(w, correlationId);
                }

                w.WriteEndArray();
            }

            w.WriteString("startedAt", Objects.RecordJson.Time(startedAt));
            w.WriteString("completedAt", Objects.RecordJson.Time(completedAt));
            w.WriteEndObject();
        });
    }
}
