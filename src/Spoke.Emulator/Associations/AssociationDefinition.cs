namespace Spoke.Emulator.Associations;

/// <summary>HubSpot's association categories (<c>AssociationSpec.associationCategory</c>, docs/hubspot-api.md §4.1).</summary>
internal static class AssociationCategory
{
    public const string HubSpotDefined = "HUBSPOT_DEFINED";
    public const string UserDefined = "USER_DEFINED";
    public const string IntegratorDefined = "INTEGRATOR_DEFINED";
}

/// <summary>
/// One directed association type between two object types: <c>contact → company 279</c>. Every type has an inverse
/// (the same id for a symmetric same-type pair such as contact → contact 449), so every association is stored both ways.
/// </summary>
internal sealed record AssociationDefinition(
    string FromTypeId,
    string ToTypeId,
    int TypeId,
    string Category,
    string? Label,
    string Name,
    int InverseTypeId)
{
    /// <summary>The pair's plain type (label null): every association between two records carries it.</summary>
    public bool IsDefault { get; init; }

    /// <summary>A "Primary" type (contact → company 1): implies the default type; one primary company per record.</summary>
    public bool IsPrimary { get; init; }
}

/// <summary>
/// The HUBSPOT_DEFINED type ids of docs/hubspot-api.md §11 for the object types this emulator serves. Each row is a pair of
/// directions. v3 names: a pair that has a Primary type calls the primary one <c>contact_to_company</c> and the plain
/// one <c>contact_to_company_unlabeled</c> (docs/hubspot-api.md §4.1 marks this naming UNVERIFIED; see the emulator README).
/// </summary>
internal static class HubSpotDefinedAssociations
{
    private sealed record Row(string From, string FromName, string To, string ToName, int Forward, int Inverse,
        bool Primary = false, string? ForwardLabel = null, string? InverseLabel = null, string? ForwardName = null, string? InverseName = null);

    private const string Contact = "0-1", Company = "0-2", Deal = "0-3", Ticket = "0-5", LineItem = "0-8";

    private static readonly Row[] Rows = BuildRows();

    /// <summary>Every HUBSPOT_DEFINED definition, both directions.</summary>
    public static IReadOnlyList<AssociationDefinition> All { get; } = Build();

    private static Row[] BuildRows()
    {
        var rows = new List<Row>
        {
            new(Contact, "contact", Company, "company", 279, 280),
            new(Contact, "contact", Company, "company", 1, 2, Primary: true, ForwardLabel: "Primary", InverseLabel: "Primary"),
            new(Contact, "contact", Deal, "deal", 4, 3),
            new(Contact, "contact", Ticket, "ticket", 15, 16),
            new(Contact, "contact", Contact, "contact", 449, 449),
            new(Company, "company", Company, "company", 450, 450),
            new(Company, "company", Company, "company", 13, 14, ForwardLabel: "Child Company", InverseLabel: "Parent Company",
                ForwardName: "parent_to_child_company", InverseName: "child_to_parent_company"),
            new(Deal, "deal", Company, "company", 341, 342),
            new(Deal, "deal", Company, "company", 5, 6, Primary: true, ForwardLabel: "Primary", InverseLabel: "Primary"),
            new(Ticket, "ticket", Company, "company", 339, 340),
            new(Ticket, "ticket", Company, "company", 26, 25, Primary: true, ForwardLabel: "Primary", InverseLabel: "Primary"),
            new(Deal, "deal", Ticket, "ticket", 27, 28),
            new(Deal, "deal", Deal, "deal", 451, 451),
            new(Ticket, "ticket", Ticket, "ticket", 452, 452),
            new(Deal, "deal", LineItem, "line_item", 19, 20),
            new("0-48", "call", "0-47", "meeting", 399, 400),
        };
        (string Id, string Name)[] engagements = [("0-48", "call"), ("0-49", "email"), ("0-47", "meeting"), ("0-46", "note"), ("0-27", "task")];
        (string Id, string Name, int[] Forward, int[] Inverse)[] owners =
        [
            (Contact, "contact", [193, 197, 199, 201, 203], [194, 198, 200, 202, 204]),
            (Company, "company", [181, 185, 187, 189, 191], [182, 186, 188, 190, 192]),
            (Deal, "deal", [205, 209, 211, 213, 215], [206, 210, 212, 214, 216]),
            (Ticket, "ticket", [219, 223, 225, 227, 229], [220, 224, 226, 228, 230]),
        ];
        foreach (var (id, name, forward, inverse) in owners)
        {
            for (var i = 0; i < engagements.Length; i++)
            {
                rows.Add(new(id, name, engagements[i].Id, engagements[i].Name, forward[i], inverse[i]));
            }
        }

        return [.. rows];
    }

    private static List<AssociationDefinition> Build()
    {
        var primaryPairs = Rows.Where(r => r.Primary).Select(r => (r.From, r.To)).ToHashSet();
        var list = new List<AssociationDefinition>();
        foreach (var r in Rows)
        {
            var hasPrimary = primaryPairs.Contains((r.From, r.To));
            var plain = r.ForwardLabel is null;
            string Name(string from, string to) => r.Primary || !hasPrimary ? $"{from}_to_{to}" : $"{from}_to_{to}_unlabeled";
            list.Add(new AssociationDefinition(r.From, r.To, r.Forward, AssociationCategory.HubSpotDefined, r.ForwardLabel,
                r.ForwardName ?? Name(r.FromName, r.ToName), r.Inverse) { IsDefault = plain, IsPrimary = r.Primary });
            if (r.Forward != r.Inverse || r.From != r.To)
            {
                list.Add(new AssociationDefinition(r.To, r.From, r.Inverse, AssociationCategory.HubSpotDefined, r.InverseLabel,
                    r.InverseName ?? Name(r.ToName, r.FromName), r.Forward) { IsDefault = plain, IsPrimary = r.Primary });
            }
        }

        return list;
    }
}
