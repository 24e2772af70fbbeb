using Spoke.Json;

namespace Spoke.Crm;

internal static class WireMapping
{
    public static CrmObject ToCrmObject(SimplePublicObjectDto dto) => new()
    {
        Id = dto.Id,
        Properties = new PropertyBag(dto.Properties),
        PropertiesWithHistory = dto.PropertiesWithHistory?.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<PropertyVersion>)[.. kv.Value.Select(h => new PropertyVersion(h.Value, h.Timestamp, h.SourceType, h.SourceId))],
            StringComparer.Ordinal) ?? [],
        CreatedAt = dto.CreatedAt,
        UpdatedAt = dto.UpdatedAt,
        Archived = dto.Archived,
        ArchivedAt = dto.ArchivedAt,
        Associations = dto.Associations?.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<string>)[.. kv.Value.Results.Select(r => r.Id).Distinct(StringComparer.Ordinal)],
            StringComparer.Ordinal) ?? [],
        AssociationLists = dto.Associations?.ToDictionary(
            kv => kv.Key,
            kv => new InlineAssociationList([.. kv.Value.Results.Select(r => new InlineAssociation(r.Id, r.Type))], kv.Value.Paging?.Next?.After),
            StringComparer.Ordinal) ?? [],
    };
}
