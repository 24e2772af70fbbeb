using System.Collections.Concurrent;
using Spoke.Crm;

namespace Spoke.DataTools.Import;

/// <summary>
/// Finds the records rows associate with, by a property of the other object, and caches what it found (and what it did
/// not) for the rest of the run. A unique property (<c>hasUniqueValue</c>, a contact's email, the record id) is looked up
/// with batch read by <c>idProperty</c>, 100 values a call; any other (a company's domain) with search and an <c>IN</c>
/// filter, 100 values a query, 200 results a page, at search's own pace.
/// </summary>
internal sealed class AssociationTargets(HubSpotClient client)
{
    private const int ValuesPerCall = 100;
    private const string Ambiguous = "\u0000ambiguous";
    private readonly ConcurrentDictionary<string, string?> _found = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _unique = new(StringComparer.Ordinal);

    private static string Key(string type, string property, string value) => $"{type}\u001f{property}\u001f{value.Trim().ToUpperInvariant()}";

    public async Task ResolveAsync(IEnumerable<ImportAssociation> wanted, CancellationToken cancellationToken)
    {
        foreach (var group in wanted.GroupBy(a => (a.ToObjectType, a.ByProperty)))
        {
            var (type, property) = group.Key;
            var values = group.Select(a => a.Value.Trim()).Where(v => v.Length > 0 && !_found.ContainsKey(Key(type, property, v)))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (values.Count == 0)
            {
                continue;
            }

            var objects = client.Crm.Objects(type);
            if (await IsUniqueAsync(type, property, cancellationToken).ConfigureAwait(false))
            {
                var byId = property == "hs_object_id";
                var read = await objects.BatchReadAsync(values, new CrmReadOptions { IdProperty = byId ? null : property, Properties = [property] }, cancellationToken)
                    .ConfigureAwait(false);
                if (read.Failed.FirstOrDefault(f => f.ChunkFailed || f.Status is not 404) is { } failure)
                {
                    throw failure.ToException();
                }

                foreach (var record in read.Values)
                {
                    _found[Key(type, property, byId ? record.Id : record.Properties.GetString(property) ?? "")] = record.Id;
                }
            }
            else
            {
                foreach (var chunk in values.Chunk(ValuesPerCall))
                {
                    var request = new CrmSearchRequest { PageSize = CrmSearchRequest.MaxPageSize }.AddFilterGroup(CrmFilter.In(property, chunk));
                    request.Properties.Add(property);
                    await foreach (var record in objects.SearchAsync(request, cancellationToken).ConfigureAwait(false))
                    {
                        var key = Key(type, property, record.Properties.GetString(property) ?? "");
                        _found.AddOrUpdate(key, record.Id, (_, was) => was == record.Id ? was : Ambiguous);
                    }
                }
            }

            foreach (var value in values)
            {
                _found.TryAdd(Key(type, property, value), null);
            }
        }
    }

    /// <summary>The other record's id, when exactly one was found.</summary>
    public string? Id(ImportAssociation association) =>
        _found.GetValueOrDefault(Key(association.ToObjectType, association.ByProperty, association.Value)) is { } id && id != Ambiguous ? id : null;

    /// <summary>Why the association cannot be made (no such record, or several), or null when it can.</summary>
    public string? Problem(ImportAssociation association)
    {
        var found = _found.GetValueOrDefault(Key(association.ToObjectType, association.ByProperty, association.Value));
        return found switch
        {
            null => $"no {association.ToObjectType} record has {association.ByProperty} \"{association.Value}\" to associate with; create it first or fix the value",
            Ambiguous => $"several {association.ToObjectType} records have {association.ByProperty} \"{association.Value}\"; merge them in HubSpot or associate by a unique property",
            _ => null,
        };
    }

    private async Task<bool> IsUniqueAsync(string type, string property, CancellationToken cancellationToken)
    {
        if (property == "hs_object_id" || property == "email" && ObjectTypes.IsContacts(type))
        {
            return true;
        }

        if (_unique.TryGetValue($"{type}\u001f{property}", out var unique))
        {
            return unique;
        }

        var definition = await client.Properties.GetAsync(type, property, cancellationToken: cancellationToken).ConfigureAwait(false);
        return _unique[$"{type}\u001f{property}"] = definition.HasUniqueValue;
    }
}
