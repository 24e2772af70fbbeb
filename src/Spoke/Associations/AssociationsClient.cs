using System.Globalization;
using Spoke.Batching;
using Spoke.Errors;
using Spoke.Http;
using Spoke.Paging;
using static Spoke.Http.ApiPaths;

namespace Spoke.Associations;

/// <summary>
/// Associations v4 (docs §3.2): link records, read links, in bulk, and manage custom labels. Object types are names
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

    private string Record(string type, string id) => $"{_http.Options.AssociationsRecordPrefix()}/{Seg(type)}/{Seg(id)}/associations";

    private string Pair(string fromType, string toType) => $"{_http.Options.AssociationsPairPrefix()}/{Seg(fromType)}/{Seg(toType)}";

    /// <summary>
    /// Links two records with the pair's default (unlabelled) type; HubSpot links them both ways. Returns both
    /// directions as made.
    /// </summary>
    public virtual async Task<IReadOnlyList<DefaultAssociation>> AssociateDefaultAsync(string fromType, string fromId, string toType, string toId,
        CancellationToken cancellationToken = default)
    {
        Require(fromType, fromId, toType, toId);
        var dto = await _http.SendAsync(HttpMethod.Put, $"{Record(fromType, fromId)}/default/{Seg(toType)}/{Seg(toId)}",
            Json.BatchResponseDtoDefaultAssociationDto, cancellationToken).ConfigureAwait(false);
        return [.. dto.Results.Select(ToDefault)];
    }

    /// <summary>
    /// Links two records with the given types (labels). HubSpot replaces the pair's labels with these: send the
    /// existing ones too to keep them.
    /// </summary>
    public virtual async Task<AssociationLabels> AssociateAsync(string fromType, string fromId, string toType, string toId,
        IEnumerable<AssociationType> types, CancellationToken cancellationToken = default)
    {
        Require(fromType, fromId, toType, toId);
        ArgumentNullException.ThrowIfNull(types);
        var dto = await _http.SendAsync(HttpMethod.Put, $"{Record(fromType, fromId)}/{Seg(toType)}/{Seg(toId)}", Specs(types),
            Json.ListAssociationSpecDto, Json.LabelsBetweenDto, cancellationToken).ConfigureAwait(false);
        return ToLabels(dto);
    }

    /// <summary>Removes every association between the two records. Removing what isn't there succeeds.</summary>
    public virtual Task RemoveAsync(string fromType, string fromId, string toType, string toId, CancellationToken cancellationToken = default)
    {
        Require(fromType, fromId, toType, toId);
        return _http.SendAsync(HttpMethod.Delete, $"{Record(fromType, fromId)}/{Seg(toType)}/{Seg(toId)}", cancellationToken);
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
        var path = $"{_http.Options.AssociationsReadPrefix()}/{Seg(fromType)}/{Seg(fromId)}/associations/{Seg(toType)}";
        return new AsyncPageable<AssociatedObject>(async (after, pageSize, ct) =>
        {
            var query = $"?limit={(pageSize ?? 500).ToString(CultureInfo.InvariantCulture)}{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}";
            var dto = await _http.SendAsync(HttpMethod.Get, path + query, Json.MultiAssociatedPageDto, ct).ConfigureAwait(false);
            return new Page<AssociatedObject>([.. dto.Results.Select(ToAssociated)], dto.Paging?.Next?.After);
        }, cancellationToken);
    }

    /// <summary>Links many pairs with the default type, 100 per request; failures are returned, not thrown.</summary>
    public virtual Task<BatchOutcome<DefaultAssociation>> BatchAssociateDefaultAsync(string fromType, string toType, IEnumerable<AssociationPair> pairs,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        return BatchRunner.RunAsync<AssociationPair, DefaultAssociation>(pairs, async (chunk, ct) =>
        {
            var body = new BatchInputDto<PairInputDto> { Inputs = [.. chunk.Select(p => new PairInputDto { From = new() { Id = p.FromObjectId }, To = new() { Id = p.ToObjectId } })] };
            var dto = await _http.SendAsync(HttpMethod.Post, $"{Pair(fromType, toType)}/batch/associate/default", body,
                Json.BatchInputDtoPairInputDto, Json.BatchResponseDtoDefaultAssociationDto, ct).ConfigureAwait(false);
            return (dto.Results.Select(ToDefault), BatchRunner.Errors(dto.Errors));
        }, cancellationToken);
    }

    /// <summary>Labelled links for many pairs, 100 per request (each replaces its pair's labels); failures are returned.</summary>
    public virtual Task<BatchOutcome<AssociationLabels>> BatchCreateAsync(string fromType, string toType, IEnumerable<AssociationInput> inputs,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        return BatchRunner.RunAsync<AssociationInput, AssociationLabels>(inputs, async (chunk, ct) =>
        {
            var dto = await _http.SendAsync(HttpMethod.Post, $"{Pair(fromType, toType)}/batch/create", PairInputs(chunk),
                Json.BatchInputDtoPairInputDto, Json.BatchResponseDtoLabelsBetweenDto, ct).ConfigureAwait(false);
            return (dto.Results.Select(ToLabels), BatchRunner.Errors(dto.Errors));
        }, cancellationToken);
    }

    /// <summary>
    /// Every association of many records, 100 records per request, each record's pages followed to the end. A record
    /// with nothing associated comes back with an empty <see cref="RecordAssociations.To"/> (HubSpot reports it as an
    /// error); other failures are returned in <see cref="BatchOutcome{T}.Errors"/>.
    /// </summary>
    public virtual Task<BatchOutcome<RecordAssociations>> BatchReadAsync(string fromType, string toType, IEnumerable<string> fromIds,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        return BatchRunner.RunAsync<string, RecordAssociations>(fromIds.Distinct(StringComparer.Ordinal), async (chunk, ct) =>
        {
            var found = new Dictionary<string, List<AssociatedObject>>(StringComparer.Ordinal);
            var errors = new List<HubSpotApiException>();
            var pending = chunk.Select(id => new BatchReadInputDto { Id = id }).ToList();
            while (pending.Count > 0)
            {
                var dto = await _http.SendAsync(HttpMethod.Post, $"{Pair(fromType, toType)}/batch/read", new BatchInputDto<BatchReadInputDto> { Inputs = pending },
                    Json.BatchInputDtoBatchReadInputDto, Json.BatchResponseDtoBatchReadResultDto, ct).ConfigureAwait(false);
                pending = [];
                foreach (var r in dto.Results)
                {
                    var list = found.TryGetValue(r.From.Id, out var l) ? l : found[r.From.Id] = [];
                    list.AddRange(r.To.Select(ToAssociated));
                    if (r.Paging?.Next?.After is { } after)
                    {
                        pending.Add(new BatchReadInputDto { Id = r.From.Id, After = after });
                    }
                }

                foreach (var error in BatchRunner.Errors(dto.Errors))
                {
                    if (error.SubCategory == NoAssociationsFound && error.Context.TryGetValue("fromObjectId", out var ids))
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

            return (chunk.Where(found.ContainsKey).Select(id => new RecordAssociations(id, found[id])), errors);
        }, cancellationToken);
    }

    /// <summary>Removes every association between each pair, 100 source records per request.</summary>
    public virtual async Task<BatchOutcome<AssociationPair>> BatchArchiveAsync(string fromType, string toType, IEnumerable<AssociationPair> pairs,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        ArgumentNullException.ThrowIfNull(pairs);
        var byFrom = pairs.GroupBy(p => p.FromObjectId, StringComparer.Ordinal).ToList();
        var outcome = await BatchRunner.RunAsync<IGrouping<string, AssociationPair>, AssociationPair>(byFrom, async (chunk, ct) =>
        {
            var body = new BatchInputDto<BatchArchiveInputDto>
            {
                Inputs = [.. chunk.Select(g => new BatchArchiveInputDto { From = new() { Id = g.Key }, To = [.. g.Select(p => new ObjectIdDto { Id = p.ToObjectId })] })],
            };
            await _http.SendAsync(HttpMethod.Post, $"{Pair(fromType, toType)}/batch/archive", body, Json.BatchInputDtoBatchArchiveInputDto, ct).ConfigureAwait(false);
            return (chunk.SelectMany(g => g), []);
        }, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Removes only the given labels from each pair (the plain association stays), 100 per request.</summary>
    public virtual Task<BatchOutcome<AssociationInput>> BatchArchiveLabelsAsync(string fromType, string toType, IEnumerable<AssociationInput> inputs,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        return BatchRunner.RunAsync<AssociationInput, AssociationInput>(inputs, async (chunk, ct) =>
        {
            await _http.SendAsync(HttpMethod.Post, $"{Pair(fromType, toType)}/batch/labels/archive", PairInputs(chunk),
                Json.BatchInputDtoPairInputDto, ct).ConfigureAwait(false);
            return (chunk, []);
        }, cancellationToken);
    }

    /// <summary>Every association type between two object types: HubSpot's own and the portal's labels.</summary>
    public virtual async Task<IReadOnlyList<AssociationType>> GetLabelsAsync(string fromType, string toType, CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        var dto = await _http.SendAsync(HttpMethod.Get, $"{Pair(fromType, toType)}/labels", Json.LabelsResultDto, cancellationToken).ConfigureAwait(false);
        return [.. dto.Results.Select(ToType)];
    }

    /// <summary>
    /// Creates a USER_DEFINED label (<paramref name="name"/> is its internal name). Returns the new type for this
    /// direction and, with an <paramref name="inverseLabel"/> or between different types, the inverse direction's.
    /// </summary>
    public virtual async Task<IReadOnlyList<AssociationType>> CreateLabelAsync(string fromType, string toType, string name, string label,
        string? inverseLabel = null, CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        var dto = await _http.SendAsync(HttpMethod.Post, $"{Pair(fromType, toType)}/labels",
            new LabelCreateDto { Name = name, Label = label, InverseLabel = inverseLabel },
            Json.LabelCreateDto, Json.LabelsResultDto, cancellationToken).ConfigureAwait(false);
        return [.. dto.Results.Select(ToType)];
    }

    /// <summary>Renames a USER_DEFINED label (HubSpot-defined types can't be changed: 400).</summary>
    public virtual Task UpdateLabelAsync(string fromType, string toType, int associationTypeId, string label, string? inverseLabel = null,
        CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        return _http.SendAsync(HttpMethod.Put, $"{Pair(fromType, toType)}/labels",
            new LabelUpdateDto { AssociationTypeId = associationTypeId, Label = label, InverseLabel = inverseLabel }, Json.LabelUpdateDto, cancellationToken);
    }

    /// <summary>Deletes a USER_DEFINED label; the associations that carried it lose it.</summary>
    public virtual Task DeleteLabelAsync(string fromType, string toType, int associationTypeId, CancellationToken cancellationToken = default)
    {
        RequireTypes(fromType, toType);
        return _http.SendAsync(HttpMethod.Delete,
            $"{Pair(fromType, toType)}/labels/{associationTypeId.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
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
