using Spoke.Crm;
using Spoke.Errors;
using Spoke.Sync.Store;

namespace Spoke.Sync.Verify;

/// <summary>What <see cref="SyncVerifier"/> compares.</summary>
public sealed class SyncVerifyOptions
{
    /// <summary>The object types to compare. Empty: every type the portal's mirror has a checkpoint for.</summary>
    public IList<string> ObjectTypes { get; } = [];

    /// <summary>How many ids present on one side only are listed per type and side (the totals are always exact). Default 20.</summary>
    public int MaxIdsListed { get; set; } = 20;

    /// <summary>How many records present on both sides are read back (batch read) per type to compare property values. Default 100.</summary>
    public int SampleSize { get; set; } = 100;

    /// <summary>The seed of the random sample; null draws a different sample each time.</summary>
    public int? SampleSeed { get; set; }

    /// <summary>Properties never compared (e.g. values a portal recomputes on its own). Empty by default.</summary>
    public ISet<string> IgnoredProperties { get; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>
/// Compares a portal's mirror with the portal: per object type the live record counts, the ids present on one side
/// only, and the property values of a random sample of records read back by batch read. Memory: one set of id strings
/// per type (the portal's ids, listed 100 per page with no properties) while the mirror's ids stream past it; records
/// are only ever held for the sample.
/// </summary>
public sealed class SyncVerifier
{
    private const int PageSize = 100;

    private readonly HubSpotClient _client;
    private readonly ISyncStore _store;
    private readonly SyncVerifyOptions _options;

    /// <summary>A verifier of <paramref name="store"/>'s mirror of the portal <paramref name="client"/> reads.</summary>
    public SyncVerifier(HubSpotClient client, ISyncStore store, SyncVerifyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        _client = client;
        _store = store;
        _options = options ?? new SyncVerifyOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxIdsListed);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.SampleSize);
    }

    /// <summary>Compares every type; a type the token may not read is reported as skipped, with the reason.</summary>
    public async Task<SyncVerifyResult> VerifyAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var portalId = (await _client.Account.GetDetailsAsync(cancellationToken).ConfigureAwait(false)).PortalId;
        IReadOnlyList<string> types = _options.ObjectTypes.Count > 0
            ? [.. _options.ObjectTypes.Distinct(StringComparer.OrdinalIgnoreCase)]
            : [.. (await _store.ListCheckpointsAsync(portalId, cancellationToken).ConfigureAwait(false))
                .Select(c => c.ObjectType).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];
        var random = _options.SampleSeed is { } seed ? new Random(seed) : new Random();
        var results = new List<SyncTypeDrift>(types.Count);
        foreach (var type in types)
        {
            progress?.Report(type);
            try
            {
                results.Add(await VerifyTypeAsync(portalId, type, random, cancellationToken).ConfigureAwait(false));
            }
            catch (HubSpotApiException e) when (e.Status == 403)
            {
                results.Add(new SyncTypeDrift { ObjectType = type, SkippedReason = $"the token may not read {type} (HubSpot answered {e.Status}: {e.Message})" });
            }
        }

        return new SyncVerifyResult { PortalId = portalId, Types = results };
    }

    private async Task<SyncTypeDrift> VerifyTypeAsync(long portalId, string type, Random random, CancellationToken cancellationToken)
    {
        var records = _client.Crm.Objects(type);
        // The portal's live ids: the one set held in memory. Ids matched by the mirror leave it, so what remains is
        // what only the portal has.
        var portalIds = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var page in records.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }, cancellationToken).AsPages(pageSize: PageSize).ConfigureAwait(false))
        {
            foreach (var record in page.Values)
            {
                portalIds.Add(record.Id);
            }
        }

        var portalCount = portalIds.Count;
        var mirrorCount = (await _store.CountAsync(portalId, type, cancellationToken).ConfigureAwait(false)).Live;
        var mirrorOnly = new List<string>();
        long mirrorOnlyCount = 0;
        long both = 0;
        var sample = new List<string>(_options.SampleSize);
        await foreach (var id in _store.StreamIdsAsync(portalId, type, includeArchived: false, cancellationToken).ConfigureAwait(false))
        {
            if (!portalIds.Remove(id))
            {
                mirrorOnlyCount++;
                if (mirrorOnly.Count < _options.MaxIdsListed)
                {
                    mirrorOnly.Add(id);
                }

                continue;
            }

            // Reservoir sampling: every id on both sides has the same chance, in one pass.
            both++;
            if (sample.Count < _options.SampleSize)
            {
                sample.Add(id);
            }
            else if (_options.SampleSize > 0 && random.NextInt64(both) is var slot && slot < _options.SampleSize)
            {
                sample[(int)slot] = id;
            }
        }

        var differences = await CompareSampleAsync(portalId, type, sample, cancellationToken).ConfigureAwait(false);
        return new SyncTypeDrift
        {
            ObjectType = type,
            PortalCount = portalCount,
            MirrorCount = mirrorCount,
            PortalOnlyCount = portalIds.Count,
            PortalOnly = [.. portalIds.Order(StringComparer.Ordinal).Take(_options.MaxIdsListed)],
            MirrorOnlyCount = mirrorOnlyCount,
            MirrorOnly = mirrorOnly,
            Sampled = sample.Count,
            Differences = differences,
        };
    }

    /// <summary>Reads the sample back from the portal (batch read, the properties the mirror holds) and lists every value that differs.</summary>
    private async Task<IReadOnlyList<SyncPropertyDrift>> CompareSampleAsync(long portalId, string type, List<string> sample, CancellationToken cancellationToken)
    {
        var differences = new List<SyncPropertyDrift>();
        sample.Sort(StringComparer.Ordinal);
        for (var i = 0; i < sample.Count; i += PageSize)
        {
            var ids = sample.GetRange(i, Math.Min(PageSize, sample.Count - i));
            var mirrored = await _store.GetRecordsAsync(portalId, type, ids, cancellationToken).ConfigureAwait(false);
            var names = mirrored.SelectMany(r => r.Properties.Keys).Where(n => !_options.IgnoredProperties.Contains(n)).ToHashSet(StringComparer.Ordinal);
            if (names.Count == 0)
            {
                continue;
            }

            var read = await _client.Crm.Objects(type).BatchReadAsync(ids, new CrmReadOptions { Properties = [.. names] }, cancellationToken).ConfigureAwait(false);
            var portal = read.Values.ToDictionary(r => r.Id, StringComparer.Ordinal);
            foreach (var row in mirrored.OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                if (!portal.TryGetValue(row.Id, out var record))
                {
                    // Gone between the listing and the read back: the next verify lists it as mirror-only.
                    continue;
                }

                foreach (var name in row.Properties.Keys.Where(names.Contains).Order(StringComparer.Ordinal))
                {
                    var mine = Normalize(row.Properties[name]);
                    var theirs = record.Properties.GetString(name);
                    if (!string.Equals(mine, theirs, StringComparison.Ordinal))
                    {
                        differences.Add(new SyncPropertyDrift(row.Id, name, mine, theirs));
                    }
                }
            }
        }

        return differences;
    }

    // HubSpot sends an unset property as null or as "" depending on the endpoint; both mean no value.
    private static string? Normalize(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>What <see cref="SyncVerifier.VerifyAsync"/> found.</summary>
public sealed class SyncVerifyResult
{
    /// <summary>The portal compared.</summary>
    public long PortalId { get; init; }

    /// <summary>One entry per object type compared.</summary>
    public IReadOnlyList<SyncTypeDrift> Types { get; init; } = [];

    /// <summary>True when any type that was compared drifted.</summary>
    public bool HasDrift => Types.Any(t => t.HasDrift);
}

/// <summary>How one object type's mirror differs from the portal.</summary>
public sealed class SyncTypeDrift
{
    /// <summary>The object type.</summary>
    public required string ObjectType { get; init; }

    /// <summary>Null when compared; otherwise why not (e.g. the token lacks the read scope).</summary>
    public string? SkippedReason { get; init; }

    /// <summary>Live records in the portal.</summary>
    public long PortalCount { get; init; }

    /// <summary>Live records in the mirror (neither tombstones nor merged).</summary>
    public long MirrorCount { get; init; }

    /// <summary>How many live ids only the portal has.</summary>
    public long PortalOnlyCount { get; init; }

    /// <summary>The first of them (ascending text order), up to <see cref="SyncVerifyOptions.MaxIdsListed"/>.</summary>
    public IReadOnlyList<string> PortalOnly { get; init; } = [];

    /// <summary>How many live ids only the mirror has.</summary>
    public long MirrorOnlyCount { get; init; }

    /// <summary>The first of them (ascending text order), up to <see cref="SyncVerifyOptions.MaxIdsListed"/>.</summary>
    public IReadOnlyList<string> MirrorOnly { get; init; } = [];

    /// <summary>How many records on both sides had their property values compared.</summary>
    public int Sampled { get; init; }

    /// <summary>Every property value of the sample that differs.</summary>
    public IReadOnlyList<SyncPropertyDrift> Differences { get; init; } = [];

    /// <summary>True when the counts, the id sets or a sampled value differ.</summary>
    public bool HasDrift => SkippedReason is null && (PortalCount != MirrorCount || PortalOnlyCount > 0 || MirrorOnlyCount > 0 || Differences.Count > 0);
}

/// <summary>One property value the mirror holds differently from the portal.</summary>
/// <param name="Id">The record.</param>
/// <param name="Property">The property.</param>
/// <param name="MirrorValue">What the mirror holds (null: no value).</param>
/// <param name="PortalValue">What the portal holds (null: no value).</param>
public sealed record SyncPropertyDrift(string Id, string Property, string? MirrorValue, string? PortalValue);
