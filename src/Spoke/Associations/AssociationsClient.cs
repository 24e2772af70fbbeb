using System.Globalization;
using Spoke.Batching;
using Spoke.Errors;
using Spoke.Http;
using Spoke.Paging;
using static Spoke.Http.ApiPaths;

namespace Spoke.Associations;

/// <summary>
/// Associations v4 (docs/hubspot-api.md §3.2): link records, read links, in bulk, and manage custom labels. Object types are names
/// (<c>contacts</c>, <c>company</c>) or type ids (<c>0-1</c>, <c>2-1234</c>); types come from <see cref="AssociationTypes"/>.
/// </summary>
public class AssociationsClient
{
    private const string NoAssociationsFound = "crm.associations.NO_ASSOCIATIONS_FOUND";
    private static readonly AssociationsJsonContext Json = AssociationsJsonContext.Default;
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected AssociationsClient()
    {
    }

    internal AssociationsClient(HubSpotHttp http) => _http = http;

    // Object types have few values and stay literal in templates; record ids are placeholders.
    private string RecordPrefix(string type) => $"{_http.Options.AssociationsRecordPrefix()}/{Seg(type)}";

    private string Pair(string fromType, string toType) => $"{_http.Options.AssociationsPairPrefix()}/{Seg(fromType)}/{Seg(toType)}";

    /// <summary>
    /// Links two records with the pair's default (unlabelled) type; HubSpot links them both ways. Returns both
    /// directions as made.
    /// </summary>
    public virtual async Task<IReadOnlyList<DefaultAssociation>> CreateDefaultAsync(string fromType, string fromId, string toType, string toId,
        CancellationToken cancellationToken = default)
    {
        Require(fromType, fromId, toType, toId);
        var op = HubSpotOperation.Put(RecordPrefix(fromType), $"{{fromId}}/associations/default/{Seg(toType)}/{{toId}}");
        var dto = await _http.SendAsync(op, op.Path(fromId, toId),
            Json.BatchResponseDtoDefaultAssociationDto, cancellationToken).ConfigureAwait(false);
        return [.. dto.Results.Select(ToDefault)];
    }

    /// <summary>
    /// Links two records with the given types (labels). HubSpot replaces the pair's labels with these: send the
    /// existing ones too to keep them.
    /// </summary>
    public virtual async Task<AssociationLabels> CreateAsync(string fromType, string fromId, string toType, string toId,
        IEnumerable<AssociationType> types, CancellationToken cancellationToken = default)
    {
        Require(fromType, fromId, toType, toId);
        ArgumentNullException.ThrowIfNull(types);
        var op = HubSpotOperation.Put(RecordPrefix(fromType), $"{{fromId}}/associations/{Seg(toType)}/{{toId}}");
        var dto = await _http.SendAsync(op, op.Path(fromId, toId), Specs(types),
            Json.ListAssociationSpecDto, Json.LabelsBetweenDto, cancellationToken).ConfigureAwait(false);
        return ToLabels(dto);
    }

    /// <summary>Removes every association between the two records. Removing what isn't there succeeds.</summary>
    public virtual Task ArchiveAsync(string fromType, string fromId, string toType, string toId, CancellationToken cancellationToken = default)
    {
        Require(fromType, fromId, toType, toId);
        var op = HubSpotOperation.Delete(RecordPrefix(fromType), $"{{fromId}}/associations/{Seg(toType)}/{{toId}}");
        return _http.SendAsync(op, op.Path(fromId, toId), cancellationToken);
    }

    /// <summary>
    /// The records of <paramref name="toType"/> associated with one record, with their types, streamed in pages of
    /// up to 500. (The 2026-09 family has no such read; the v4 path serves it in both families.)
    /// </summary>
    public virtual AsyncPageable<AssociatedObject> ListAsync(string fromType, string fromId, string toType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fromType);
        ArgumentException.ThrowIfNullOrWhiteSpace(fromId);
        ArgumentException.ThrowIfNullOrWhiteSpace(toType);
        var op = HubSpotOperation.Get($"{_http.Options.AssociationsReadPrefix()}/{Seg(fromType)}", $"{{fromId}}/associations/{Seg(toType)}");
        var path = op.Path(fromId);
        return new AsyncPageable<AssociatedObject>(async (after, pageSize, ct) =>
        {
            var query = $"?limit={(pageSize ?? 500).ToString(CultureInfo.InvariantCulture)}{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}";
            var dto = await _http.SendAsync(op, path + query, Json.MultiAssociatedPageDto, ct).ConfigureAwait(false);
            return new Page<AssociatedObject>([.. dto.Results.Select(ToAssociated)], dto.Paging?.Next?.After);
        }, cancellationToken);
    }

    /// <summary>
    /// Links many pairs with the default type, 100 per request, several at once. Each pair's result is its forward
    /// direction (HubSpot makes the inverse too); a pair naming a missing record fails alone, its
    /// <see cref="BatchItemError.InputId"/> the id HubSpot named.
    /// </summary>
    public virtual Task<BatchResult<DefaultAssociation>> BatchCreateDefaultAsync(string fromType, string toType, IEnumerable<AssociationPair> pairs,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        var list = Materialize(pairs, p => (p.FromObjectId, p.ToObjectId));
        // Converges: creating the same pairs again leaves the same links.
        var op = HubSpotOperation.Converge(Pair(fromType, toType), "batch/associate/default");
        return RunAsync(list.Count, _ => null, async (chunk, ct) =>
        {
            var body = new BatchInputDto<PairInputDto>
            {
                Inputs = [.. chunk.Select(i => new PairInputDto { From = new() { Id = list[i].FromObjectId }, To = new() { Id = list[i].ToObjectId } })],
            };
            var dto = await _http.SendAsync(op, op.Path(), body,
                Json.BatchInputDtoPairInputDto, Json.BatchResponseDtoDefaultAssociationDto, ct).ConfigureAwait(false);
            return PairMapper(i => (list[i].FromObjectId, list[i].ToObjectId), (DefaultAssociationDto r) => Key(r.From.Id, r.To.Id), ToDefault)
                .Map(chunk, dto.Results, dto.Errors);
        }, cancellationToken);
    }

    /// <summary>Labelled links for many pairs, 100 per request (each replaces its pair's labels); each failed pair is returned.</summary>
    public virtual Task<BatchResult<AssociationLabels>> BatchCreateAsync(string fromType, string toType, IEnumerable<AssociationInput> inputs,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        var list = Materialize(inputs, i => (i.FromObjectId, i.ToObjectId));
        // Converges: creating the same pairs again leaves the same links.
        var op = HubSpotOperation.Converge(Pair(fromType, toType), "batch/create");
        return RunAsync(list.Count, _ => null, async (chunk, ct) =>
        {
            var dto = await _http.SendAsync(op, op.Path(), PairInputs(chunk.Select(i => list[i])),
                Json.BatchInputDtoPairInputDto, Json.BatchResponseDtoLabelsBetweenDto, ct).ConfigureAwait(false);
            return PairMapper(i => (list[i].FromObjectId, list[i].ToObjectId),
                    (LabelsBetweenDto r) => Key(r.FromObjectId.ToString(CultureInfo.InvariantCulture), r.ToObjectId.ToString(CultureInfo.InvariantCulture)), ToLabels)
                .Map(chunk, dto.Results, dto.Errors);
        }, cancellationToken);
    }

    /// <summary>
    /// Every association of many records, 100 records per request, each record's pages followed to the end. A record
    /// with nothing associated comes back with an empty <see cref="RecordAssociations.To"/> (HubSpot reports it as an
    /// error); other failures are returned in <see cref="BatchResult{T}.Failed"/>, naming the record.
    /// </summary>
    public virtual Task<BatchResult<RecordAssociations>> BatchReadAsync(string fromType, string toType, IEnumerable<string> fromIds,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        ArgumentNullException.ThrowIfNull(fromIds);
        var list = fromIds.ToList();
        if (list.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Every batch input needs a record id.", nameof(fromIds));
        }

        var op = HubSpotOperation.Converge(Pair(fromType, toType), "batch/read");
        return RunAsync(list.Count, i => list[i], async (chunk, ct) =>
        {
            var found = new Dictionary<string, List<AssociatedObject>>(StringComparer.Ordinal);
            var errors = new List<System.Text.Json.JsonElement>();
            // HubSpot answers each id once: equal inputs share it.
            var pending = chunk.Select(i => list[i]).Distinct(StringComparer.Ordinal).Select(id => new BatchReadInputDto { Id = id }).ToList();
            while (pending.Count > 0)
            {
                var dto = await _http.SendAsync(op, op.Path(), new BatchInputDto<BatchReadInputDto> { Inputs = pending },
                    Json.BatchInputDtoBatchReadInputDto, Json.BatchResponseDtoBatchReadResultDto, ct).ConfigureAwait(false);
                pending = [];
                foreach (var r in dto.Results)
                {
                    var associated = found.TryGetValue(r.From.Id, out var l) ? l : found[r.From.Id] = [];
                    associated.AddRange(r.To.Select(ToAssociated));
                    if (r.Paging?.Next?.After is { } after)
                    {
                        pending.Add(new BatchReadInputDto { Id = r.From.Id, After = after });
                    }
                }

                foreach (var error in dto.Errors ?? [])
                {
                    var body = ErrorBody.FromElement(error);
                    if (body.SubCategory == NoAssociationsFound && body.Context.TryGetValue("fromObjectId", out var ids))
                    {
                        foreach (var id in ids)
                        {
                            found.TryAdd(id, []);
                        }
                    }
                    else
                    {
                        errors.Add(error);
                    }
                }
            }

            return new BatchAnswerMapper<KeyValuePair<string, List<AssociatedObject>>, RecordAssociations>
            {
                InputId = i => list[i],
                InputKey = i => list[i],
                ResultKey = r => r.Key,
                Convert = r => new RecordAssociations(r.Key, r.Value),
                OneResultServesEqualInputs = true,
                MatchLeftoversByPosition = false,
                ContextValues = (i, key) => key is "fromObjectId" or "id" or "ids" ? [list[i]] : null,
            }.Map(chunk, [.. found], errors);
        }, cancellationToken);
    }

    /// <summary>
    /// Removes every association between each pair, 100 pairs per request. HubSpot answers 204 without per-pair detail
    /// (removing what isn't there succeeds), so a refused request fails its pairs as a chunk.
    /// </summary>
    public virtual Task<BatchResult<AssociationPair>> BatchArchiveAsync(string fromType, string toType, IEnumerable<AssociationPair> pairs,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        var list = Materialize(pairs, p => (p.FromObjectId, p.ToObjectId));
        var op = HubSpotOperation.Converge(Pair(fromType, toType), "batch/archive");
        return RunAsync(list.Count, _ => null, async (chunk, ct) =>
        {
            var body = new BatchInputDto<BatchArchiveInputDto>
            {
                Inputs = [.. chunk.Select(i => list[i]).GroupBy(p => p.FromObjectId, StringComparer.Ordinal)
                    .Select(g => new BatchArchiveInputDto { From = new() { Id = g.Key }, To = [.. g.Select(p => new ObjectIdDto { Id = p.ToObjectId })] })],
            };
            await _http.SendAsync(op, op.Path(), body, Json.BatchInputDtoBatchArchiveInputDto, ct).ConfigureAwait(false);
            return BatchChunkOutcome<AssociationPair>.AllSucceeded(chunk, i => list[i]);
        }, cancellationToken);
    }

    /// <summary>Removes only the given labels from each pair (the plain association stays), 100 per request (204: no per-pair detail).</summary>
    public virtual Task<BatchResult<AssociationInput>> BatchArchiveLabelsAsync(string fromType, string toType, IEnumerable<AssociationInput> inputs,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        var list = Materialize(inputs, i => (i.FromObjectId, i.ToObjectId));
        var op = HubSpotOperation.Converge(Pair(fromType, toType), "batch/labels/archive");
        return RunAsync(list.Count, _ => null, async (chunk, ct) =>
        {
            await _http.SendAsync(op, op.Path(), PairInputs(chunk.Select(i => list[i])),
                Json.BatchInputDtoPairInputDto, ct).ConfigureAwait(false);
            return BatchChunkOutcome<AssociationInput>.AllSucceeded(chunk, i => list[i]);
        }, cancellationToken);
    }

    private Task<BatchResult<T>> RunAsync<T>(int count, Func<int, string?> inputId,
        Func<IReadOnlyList<int>, CancellationToken, Task<BatchChunkOutcome<T>>> sendChunk, CancellationToken cancellationToken) =>
        BatchRunner.RunAsync(count, BatchRunner.MaxInputs, _http.Options.MaxBatchConcurrency, inputId, sendChunk, cancellationToken);

    private static string Key(string fromId, string toId) => $"{fromId}\u001f{toId}";

    /// <summary>
    /// Pairs are matched to results by both ids, and to errors by the ids HubSpot names: <c>fromObjectId</c>,
    /// <c>toObjectId</c>, or <c>id</c>/<c>ids</c> (a missing record on either side).
    /// </summary>
    private static BatchAnswerMapper<TDto, T> PairMapper<TDto, T>(Func<int, (string From, string To)> pair, Func<TDto, string?> resultKey,
        Func<TDto, T> convert) => new()
    {
        InputKey = i => Key(pair(i).From, pair(i).To),
        ResultKey = resultKey,
        Convert = convert,
        OneResultServesEqualInputs = true,
        // A default association answers with both directions: results that match no pair are the inverses, not answers.
        MatchLeftoversByPosition = false,
        ContextValues = (i, key) => key switch
        {
            "fromObjectId" => [pair(i).From],
            "toObjectId" => [pair(i).To],
            "id" or "ids" => [pair(i).From, pair(i).To],
            _ => null,
        },
    };

    private static List<TInput> Materialize<TInput>(IEnumerable<TInput> inputs, Func<TInput, (string From, string To)> ids)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var list = inputs.ToList();
        if (list.Any(i => i is null || string.IsNullOrWhiteSpace(ids(i).From) || string.IsNullOrWhiteSpace(ids(i).To)))
        {
            throw new ArgumentException("Every batch input needs both a fromObjectId and a toObjectId.", nameof(inputs));
        }

        return list;
    }

    /// <summary>Every association type between two object types: HubSpot's own and the portal's labels.</summary>
    public virtual AsyncPageable<AssociationType> ListLabelsAsync(string fromType, string toType, CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        var op = HubSpotOperation.Get(Pair(fromType, toType), "labels");
        return AsyncPageable<AssociationType>.SinglePage(async ct =>
        {
            var dto = await _http.SendAsync(op, op.Path(), Json.LabelsResultDto, ct).ConfigureAwait(false);
            return [.. dto.Results.Select(ToType)];
        }, cancellationToken);
    }

    /// <summary>
    /// The v3 association types from <paramref name="fromType"/> to <paramref name="toType"/>
    /// (<c>GET /crm/v3/associations/{from}/{to}/types</c>): each type's id and its v3 name, the name the objects API's
    /// inline <c>associations</c> answer with (<see cref="Crm.InlineAssociation.TypeName"/>). The ids are the v4 type ids
    /// of <see cref="ListLabelsAsync"/>, which adds their category and label.
    /// </summary>
    public virtual async Task<IReadOnlyList<AssociationTypeName>> ListTypeNamesAsync(string fromType, string toType, CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        // Only v3 has these names, so both API families read them there.
        var op = HubSpotOperation.Get($"crm/v3/associations/{Seg(fromType)}/{Seg(toType)}", "types");
        var dto = await _http.SendAsync(op, op.Path(), Json.V3TypesResultDto, cancellationToken).ConfigureAwait(false);
        return [.. dto.Results.Select(t => new AssociationTypeName(t.Id, t.Name))];
    }

    /// <summary>
    /// Creates a USER_DEFINED label (<see cref="AssociationLabelCreateInput.Name"/> is its internal name). Returns the new
    /// type for this direction and, with an <see cref="AssociationLabelCreateInput.InverseLabel"/> or between different
    /// types, the inverse direction's. Not re-sent after a failure that may have reached HubSpot.
    /// </summary>
    public virtual async Task<IReadOnlyList<AssociationType>> CreateLabelAsync(string fromType, string toType, AssociationLabelCreateInput input,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(input.Name, nameof(input));
        ArgumentException.ThrowIfNullOrWhiteSpace(input.Label, nameof(input));
        // Create: each run defines a new label type; re-sending could leave a duplicate.
        var op = HubSpotOperation.Create(Pair(fromType, toType), "labels");
        var dto = await _http.SendAsync(op, op.Path(),
            new LabelCreateDto { Name = input.Name, Label = input.Label, InverseLabel = input.InverseLabel },
            Json.LabelCreateDto, Json.LabelsResultDto, cancellationToken).ConfigureAwait(false);
        return [.. dto.Results.Select(ToType)];
    }

    /// <summary>Renames a USER_DEFINED label (HubSpot-defined types can't be changed: 400).</summary>
    public virtual Task UpdateLabelAsync(string fromType, string toType, AssociationLabelUpdateInput input,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(input.Label, nameof(input));
        var op = HubSpotOperation.Put(Pair(fromType, toType), "labels");
        return _http.SendAsync(op, op.Path(),
            new LabelUpdateDto { AssociationTypeId = input.AssociationTypeId, Label = input.Label, InverseLabel = input.InverseLabel }, Json.LabelUpdateDto, cancellationToken);
    }

    /// <summary>Deletes a USER_DEFINED label; the associations that carried it lose it.</summary>
    public virtual Task ArchiveLabelAsync(string fromType, string toType, int associationTypeId, CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        var op = HubSpotOperation.Delete(Pair(fromType, toType), "labels/{associationTypeId}");
        return _http.SendAsync(op, op.Path(associationTypeId.ToString(CultureInfo.InvariantCulture)), cancellationToken);
    }

    private static List<AssociationSpecDto> Specs(IEnumerable<AssociationType> types) =>
        [.. types.Select(t => new AssociationSpecDto { AssociationCategory = t.Category, AssociationTypeId = t.TypeId })];

    private static BatchInputDto<PairInputDto> PairInputs(IEnumerable<AssociationInput> inputs) => new()
    {
        Inputs = [.. inputs.Select(i => new PairInputDto { From = new() { Id = i.FromObjectId }, To = new() { Id = i.ToObjectId }, Types = Specs(i.Types) })],
    };

    private static AssociationType ToType(AssociationSpecWithLabelDto d) => new(d.Category, d.TypeId, d.Label);

    private static AssociatedObject ToAssociated(MultiAssociatedDto d) =>
        new(d.ToObjectId.ToString(CultureInfo.InvariantCulture), [.. d.AssociationTypes.Select(ToType)]);

    private static DefaultAssociation ToDefault(DefaultAssociationDto d) =>
        new(d.From.Id, d.To.Id, new AssociationType(d.AssociationSpec.AssociationCategory, d.AssociationSpec.AssociationTypeId));

    private static AssociationLabels ToLabels(LabelsBetweenDto d) =>
        new(d.FromObjectTypeId, d.FromObjectId.ToString(CultureInfo.InvariantCulture), d.ToObjectTypeId,
            d.ToObjectId.ToString(CultureInfo.InvariantCulture), d.Labels);

    private static void RequireTypes(string fromType, string toType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fromType);
        ArgumentException.ThrowIfNullOrWhiteSpace(toType);
    }

    private static void Require(string fromType, string fromId, string toType, string toId)
    {
        RequireTypes(fromType, toType);
        ArgumentException.ThrowIfNullOrWhiteSpace(fromId);
        ArgumentException.ThrowIfNullOrWhiteSpace(toId);
    }
}
