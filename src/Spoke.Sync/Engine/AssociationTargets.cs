using Spoke.Errors;

namespace Spoke.Sync.Engine;

/// <summary>
/// Which types each synced type's edges are read towards: every later type in the run's order that HubSpot defines
/// association types for. Each pair of types is read in one direction only (an edge from a contact to a company is the
/// same association as the one back), so no pair costs its calls twice.
/// </summary>
internal sealed class AssociationTargets(HubSpotClient client, IReadOnlyList<string> types)
{
    private readonly Dictionary<string, IReadOnlyList<string>> _cache = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IReadOnlyList<string>> ForAsync(string fromType, Action countCall, CancellationToken cancellationToken)
    {
        // Types run concurrently; each asks for its own entry, so a lock around the dictionary is all it needs.
        lock (_cache)
        {
            if (_cache.TryGetValue(fromType, out var known))
            {
                return known;
            }
        }

        var index = -1;
        for (var i = 0; i < types.Count; i++)
        {
            if (string.Equals(types[i], fromType, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
                break;
            }
        }

        var targets = new List<string>();
        for (var i = index + 1; i < types.Count; i++)
        {
            countCall();
            try
            {
                await foreach (var _ in client.Associations.ListLabelsAsync(fromType, types[i], cancellationToken).ConfigureAwait(false))
                {
                    targets.Add(types[i]);
                    break;
                }
            }
            catch (HubSpotApiException e) when (e.Status is 400 or 403 or 404)
            {
                // No association between these types, or one the token may not read: nothing to mirror.
            }
        }

        lock (_cache)
        {
            _cache[fromType] = targets;
        }

        return targets;
    }
}
