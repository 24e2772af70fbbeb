using Spoke.Batching;
using Spoke.Http;
using Spoke.Json;

namespace Spoke.Crm;

// Batch operations of any size: chunked by HubSpot's limits, run concurrently, merged, partial failures kept per input.
public partial class CrmObjectsClient
{
    internal const int BatchChunkSize = BatchRunner.MaxInputs;

    internal const int BatchChunkSizeWithHistory = BatchRunner.MaxInputsWithHistory;

    /// <summary>
    /// Creates any number of records. Inputs are sent 100 per request, several requests at once, each input with its own
    /// <c>objectWriteTraceId</c> so one invalid input fails alone (207) instead of failing its whole request.
    /// </summary>
    public virtual Task<BatchResult<CrmObject>> BatchCreateAsync(IEnumerable<PropertyBag> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return BatchCreateAsync(inputs.Select(p => new CrmCreateInput(p ?? throw new ArgumentException("A batch input is null.", nameof(inputs)))),
            cancellationToken);
    }

    /// <summary>
    /// Creates any number of records, each with its own associations (HubSpot's <c>associations</c> on create): an input's
    /// record and its associations are made together or not at all. Chunked and traced as the properties-only overload.
    /// </summary>
    public virtual Task<BatchResult<CrmObject>> BatchCreateAsync(IEnumerable<CrmCreateInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var list = inputs.ToList();
        var associations = list.Select(i => (i ?? throw new ArgumentException("A batch input is null.", nameof(inputs))).ToWire()).ToList();
        var op = HubSpotOperation.Create(Root, "batch/create");
        return RunBatchAsync(list.Count, BatchChunkSize, _ => null, async (chunk, ct) =>
        {
            var body = new BatchInputDto<BatchCreateItemDto>
            {
                Inputs = [.. chunk.Select(i => new BatchCreateItemDto
                {
                    Properties = list[i].Properties, Associations = associations[i], ObjectWriteTraceId = Trace(i),
                })],
            };
            var response = await _http.SendAsync(op, op.Path(), body,
                BatchSearchJsonContext.Default.BatchInputDtoBatchCreateItemDto, BatchSearchJsonContext.Default.BatchResponseDto, ct).ConfigureAwait(false);
            return Mapper(_ => null, _ => null, WireMapping.ToCrmObject, oneResultServesEqualInputs: false, sendsTrace: true).Map(chunk, response.Results, response.Errors);
        }, cancellationToken);
    }

    /// <summary>
    /// Updates any number of records by id (or by <see cref="CrmUpdateOptions.IdProperty"/>, e.g. <c>email</c>), 100 per request. Missing records and
    /// invalid values come back in <see cref="BatchResult{T}.Failed"/> naming their input.
    /// </summary>
    public virtual Task<BatchResult<CrmObject>> BatchUpdateAsync(IEnumerable<(string Id, PropertyBag Properties)> inputs, CrmUpdateOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var list = inputs.ToList();
        ValidateIds(list.Select(i => i.Id));
        var idProperty = options?.IdProperty;
        var op = HubSpotOperation.Converge(Root, "batch/update");
        return RunBatchAsync(list.Count, BatchChunkSize, i => list[i].Id, async (chunk, ct) =>
        {
            var body = new BatchInputDto<BatchUpdateItemDto>
            {
                Inputs = [.. chunk.Select(i => new BatchUpdateItemDto
                {
                    Id = list[i].Id, IdProperty = idProperty, Properties = list[i].Properties, ObjectWriteTraceId = Trace(i),
                })],
            };
            var response = await _http.SendAsync(op, op.Path(), body,
                BatchSearchJsonContext.Default.BatchInputDtoBatchUpdateItemDto, BatchSearchJsonContext.Default.BatchResponseDto, ct).ConfigureAwait(false);
            return Mapper(i => list[i].Id, r => KeyOf(r, idProperty), WireMapping.ToCrmObject, oneResultServesEqualInputs: false, sendsTrace: true)
                .Map(chunk, response.Results, response.Errors);
        }, cancellationToken);
    }

    /// <summary>
    /// Creates or updates any number of records identified by a unique property (<paramref name="idProperty"/>, e.g.
    /// <c>email</c> or a custom unique property): each input's id is that property's value. Results say whether the
    /// record was created (<see cref="CrmUpsertResult.IsNew"/>).
    /// </summary>
    /// <remarks>
    /// HubSpot refuses a whole request when two of its inputs name the same value. Instead, an input whose value repeats an
    /// earlier input's anywhere in the call is not sent and is reported in <see cref="BatchResult{T}.Failed"/> as
    /// "duplicate of input N"; the others are sent. Values are compared trimmed and ignoring case, as HubSpot compares
    /// emails and unique values (merge the duplicates' properties yourself if you need both).
    /// </remarks>
    public virtual async Task<BatchResult<CrmUpsertResult>> BatchUpsertAsync(string idProperty, IEnumerable<(string Id, PropertyBag Properties)> inputs,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idProperty);
        ArgumentNullException.ThrowIfNull(inputs);
        var all = inputs.ToList();
        ValidateIds(all.Select(i => i.Id));
        var firstByValue = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var duplicates = new List<BatchItemError>();
        var sent = new List<int>(all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            if (firstByValue.TryGetValue(all[i].Id.Trim(), out var first))
            {
                duplicates.Add(DuplicateInput(i, all[i].Id, first, idProperty));
            }
            else
            {
                firstByValue[all[i].Id.Trim()] = i;
                sent.Add(i);
            }
        }

        var result = await BatchUpsertUniqueAsync(idProperty, [.. sent.Select(i => all[i])], cancellationToken).ConfigureAwait(false);
        if (duplicates.Count == 0)
        {
            return result;
        }

        // The sent inputs were numbered 0..m-1; report them by their place in the caller's sequence.
        return new BatchResult<CrmUpsertResult>(
            [.. result.Succeeded.Select(s => s with { InputIndex = sent[s.InputIndex] })],
            [.. result.Failed.Select(f => f with { InputIndex = sent[f.InputIndex] }).Concat(duplicates).OrderBy(f => f.InputIndex)]);
    }

    private static BatchItemError DuplicateInput(int index, string value, int first, string idProperty) =>
        new(index, value, null, 400, "VALIDATION_ERROR", null,
            $"duplicate of input {first}: both have {idProperty} \"{value}\", and HubSpot refuses a batch naming one record twice; this input was not sent.",
            null, new Dictionary<string, IReadOnlyList<string>> { ["ids"] = [value] }, []);

    private Task<BatchResult<CrmUpsertResult>> BatchUpsertUniqueAsync(string idProperty, List<(string Id, PropertyBag Properties)> list,
        CancellationToken cancellationToken)
    {
        var op = HubSpotOperation.Converge(Root, "batch/upsert");
        return RunBatchAsync(list.Count, BatchChunkSize, i => list[i].Id, async (chunk, ct) =>
        {
            var body = new BatchInputDto<BatchUpdateItemDto>
            {
                Inputs = [.. chunk.Select(i => new BatchUpdateItemDto
                {
                    Id = list[i].Id, IdProperty = idProperty, Properties = list[i].Properties, ObjectWriteTraceId = Trace(i),
                })],
            };
            var response = await _http.SendAsync(op, op.Path(), body,
                BatchSearchJsonContext.Default.BatchInputDtoBatchUpdateItemDto, BatchSearchJsonContext.Default.BatchResponseDto, ct).ConfigureAwait(false);
            return Mapper(i => list[i].Id, r => KeyOf(r, idProperty), r => new CrmUpsertResult(WireMapping.ToCrmObject(r), r.New ?? false),
                oneResultServesEqualInputs: false, sendsTrace: true).Map(chunk, response.Results, response.Errors);
        }, cancellationToken);
    }

    /// <summary>
    /// Reads any number of records by id (or by <see cref="CrmReadOptions.IdProperty"/>): 100 per request, 50 when
    /// property history is asked for. Ids that match no record come back as failures naming them.
    /// Batch read cannot return associations (a HubSpot limit): <see cref="CrmReadOptions.Associations"/> is refused.
    /// </summary>
    public virtual Task<BatchResult<CrmObject>> BatchReadAsync(IEnumerable<string> ids, CrmReadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids.ToList();
        ValidateIds(list);
        if (options?.Associations.Count > 0)
        {
            throw new ArgumentException("HubSpot's batch read cannot return associations; read them with the associations API.", nameof(options));
        }

        var withHistory = options?.PropertiesWithHistory.Count > 0;
        var query = options?.Archived == true ? "?archived=true" : "";
        var op = HubSpotOperation.Converge(Root, "batch/read");
        return RunBatchAsync(list.Count, withHistory ? BatchChunkSizeWithHistory : BatchChunkSize, i => list[i], async (chunk, ct) =>
        {
            var body = new BatchReadInputDto
            {
                Inputs = [.. chunk.Select(i => new BatchIdDto { Id = list[i] })],
                Properties = options?.Properties.Count > 0 ? [.. options.Properties] : null,
                PropertiesWithHistory = withHistory ? [.. options!.PropertiesWithHistory] : null,
                IdProperty = options?.IdProperty,
            };
            var response = await _http.SendAsync(op, op.Path() + query, body,
                BatchSearchJsonContext.Default.BatchReadInputDto, BatchSearchJsonContext.Default.BatchResponseDto, ct).ConfigureAwait(false);
            return Mapper(i => list[i], r => KeyOf(r, options?.IdProperty), WireMapping.ToCrmObject, oneResultServesEqualInputs: true, sendsTrace: false)
                .Map(chunk, response.Results, response.Errors);
        }, cancellationToken);
    }

    /// <summary>
    /// Archives any number of records by id. HubSpot answers 204 per request without per-input detail (archiving a
    /// missing id succeeds), so failures are whole requests: every id of a refused request is reported failed.
    /// </summary>
    public virtual Task<BatchResult<string>> BatchArchiveAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids.ToList();
        ValidateIds(list);
        var op = HubSpotOperation.Converge(Root, "batch/archive");
        return RunBatchAsync(list.Count, BatchChunkSize, i => list[i], async (chunk, ct) =>
        {
            var body = new BatchInputDto<BatchIdDto> { Inputs = [.. chunk.Select(i => new BatchIdDto { Id = list[i] })] };
            await _http.SendAsync(op, op.Path(), body,
                BatchSearchJsonContext.Default.BatchInputDtoBatchIdDto, BatchSearchJsonContext.Default.BatchResponseDto, ct).ConfigureAwait(false);
            return BatchChunkOutcome<string>.AllSucceeded(chunk, i => list[i]);
        }, cancellationToken);
    }

    private Task<BatchResult<T>> RunBatchAsync<T>(int count, int chunkSize, Func<int, string?> inputId,
        Func<IReadOnlyList<int>, CancellationToken, Task<BatchChunkOutcome<T>>> sendChunk, CancellationToken cancellationToken) =>
        BatchRunner.RunAsync(count, chunkSize, _http.Options.MaxBatchConcurrency, inputId, sendChunk, cancellationToken);

    private static string Trace(int index) => BatchRunner.Trace(index);

    /// <summary>
    /// Record batches name failed inputs by <c>objectWriteTraceId</c> (Spoke sends each input's index on writes) or by
    /// <c>ids</c> (the ids or <c>idProperty</c> values given).
    /// </summary>
    private static BatchAnswerMapper<SimplePublicObjectDto, T> Mapper<T>(Func<int, string?> inputId, Func<SimplePublicObjectDto, string?> resultKey,
        Func<SimplePublicObjectDto, T> convert, bool oneResultServesEqualInputs, bool sendsTrace) => new()
    {
        InputId = inputId,
        InputKey = inputId,
        ResultKey = resultKey,
        ResultTrace = r => r.ObjectWriteTraceId,
        Convert = convert,
        OneResultServesEqualInputs = oneResultServesEqualInputs,
        ContextValues = (i, key) => key switch
        {
            "objectWriteTraceId" when sendsTrace => [Trace(i)],
            "ids" when inputId(i) is { } id => [id],
            _ => null,
        },
    };

    /// <summary>The value a result is matched to its input by: its id, or its <c>idProperty</c> value.</summary>
    private static string? KeyOf(SimplePublicObjectDto result, string? idProperty) =>
        idProperty is null or "hs_object_id" ? result.Id : result.Properties.GetValueOrDefault(idProperty);

    private static void ValidateIds(IEnumerable<string> ids)
    {
        if (ids.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Every batch input needs an id.", nameof(ids));
        }
    }
}
