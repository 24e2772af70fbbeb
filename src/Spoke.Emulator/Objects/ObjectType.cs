namespace Spoke.Emulator.Objects;

/// <summary>
/// One CRM object type as the portal knows it: ids, path names, scopes, the properties returned by default,
/// the properties <c>query</c> searches, and its last-modified property name (docs/hubspot-api.md §2, §4.1, §6, §10).
/// </summary>
internal sealed class ObjectType
{
    public required string TypeId { get; init; }          // "0-1", "2-1234"
    public required string Name { get; set; }             // "contacts", custom: schema name
    public required string Singular { get; init; }        // "contact"
    public required IReadOnlyList<string> ReadScopes { get; init; }  // any one grants read
    public required IReadOnlyList<string> WriteScopes { get; init; }
    public required IReadOnlyList<string> DefaultProperties { get; set; }
    public required IReadOnlyList<string> SearchableProperties { get; set; }
    public string LastModifiedProperty { get; init; } = "hs_lastmodifieddate";
    public bool IsCustom { get; init; }
    public string? FullyQualifiedName { get; init; }      // p{portal}_{name}
    public bool SupportsMerge { get; init; }
    /// <summary>Pipeline property and stage property for pipeline objects (deals, tickets), else null.</summary>
    public string? PipelineProperty { get; init; }
    public string? StageProperty { get; init; }
    /// <summary>Id of the first record this type hands out; large on purpose so clients never assume int32.</summary>
    public long FirstId { get; init; }

    public override string ToString() => $"{Name} ({TypeId})";
}

/// <summary>The standard objects of docs/hubspot-api.md §2 and how to address them.</summary>
internal static class StandardObjectTypes
{
    private static readonly string[] System3 = ["createdate", "hs_lastmodifieddate", "hs_object_id"];

    public static IReadOnlyList<ObjectType> Create()
    {
        var list = new List<ObjectType>
        {
            new()
            {
                TypeId = "0-1", Name = "contacts", Singular = "contact", SupportsMerge = true,
                ReadScopes = ["crm.objects.contacts.read"], WriteScopes = ["crm.objects.contacts.write"],
                DefaultProperties = ["firstname", "lastname", "email", "createdate", "lastmodifieddate", "hs_object_id"],
                SearchableProperties = ["firstname", "lastname", "email", "phone", "hs_additional_emails", "fax", "mobilephone", "company", "hs_marketable_until_renewal"],
                LastModifiedProperty = "lastmodifieddate", FirstId = 10_000_001_001,
            },
            new()
            {
                TypeId = "0-2", Name = "companies", Singular = "company", SupportsMerge = true,
                ReadScopes = ["crm.objects.companies.read"], WriteScopes = ["crm.objects.companies.write"],
                DefaultProperties = ["name", "domain", .. System3],
                SearchableProperties = ["website", "phone", "name", "domain"], FirstId = 20_000_001_001,
            },
            new()
            {
                TypeId = "0-3", Name = "deals", Singular = "deal", SupportsMerge = true,
                ReadScopes = ["crm.objects.deals.read"], WriteScopes = ["crm.objects.deals.write"],
                DefaultProperties = ["dealname", "amount", "closedate", "pipeline", "dealstage", .. System3],
                SearchableProperties = ["dealname", "pipeline", "dealstage", "description", "dealtype"],
                PipelineProperty = "pipeline", StageProperty = "dealstage", FirstId = 30_000_001_001,
            },
            new()
            {
                TypeId = "0-5", Name = "tickets", Singular = "ticket", SupportsMerge = true,
                ReadScopes = ["tickets", "crm.objects.tickets.read"], WriteScopes = ["tickets", "crm.objects.tickets.write"],
                DefaultProperties = ["content", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_priority", "subject", .. System3],
                SearchableProperties = ["subject", "content", "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_id"],
                PipelineProperty = "hs_pipeline", StageProperty = "hs_pipeline_stage", FirstId = 40_000_001_001,
            },
            new()
            {
                TypeId = "0-7", Name = "products", Singular = "product",
                ReadScopes = ["e-commerce", "crm.objects.products.read"], WriteScopes = ["e-commerce", "crm.objects.products.write"],
                DefaultProperties = ["name", "description", "price", .. System3],
                SearchableProperties = ["name", "description", "price", "hs_sku"], FirstId = 50_000_001_001,
            },
            new()
            {
                TypeId = "0-8", Name = "line_items", Singular = "line_item",
                ReadScopes = ["e-commerce", "crm.objects.line_items.read"], WriteScopes = ["e-commerce", "crm.objects.line_items.write"],
                DefaultProperties = ["quantity", "amount", "price", .. System3],
                SearchableProperties = ["name", "description", "hs_sku"], FirstId = 60_000_001_001,
            },
        };
        list.Add(Engagement("0-48", "calls", "call", ["hs_call_title", "hs_body_preview"], 70_000_001_001));
        list.Add(Engagement("0-49", "emails", "email", ["hs_email_subject"], 71_000_001_001));
        list.Add(Engagement("0-47", "meetings", "meeting", ["hs_meeting_title", "hs_meeting_body"], 72_000_001_001));
        list.Add(Engagement("0-46", "notes", "note", ["hs_note_body"], 73_000_001_001));
        list.Add(Engagement("0-27", "tasks", "task", ["hs_task_body", "hs_task_subject"], 74_000_001_001));
        return list;
    }

    // Engagements are guarded by the contacts scopes in HubSpot's specs (calls/emails/… security blocks).
    private static ObjectType Engagement(string id, string name, string singular, string[] searchable, long firstId) => new()
    {
        TypeId = id, Name = name, Singular = singular,
        ReadScopes = ["crm.objects.contacts.read", $"crm.objects.{name}.read"],
        WriteScopes = ["crm.objects.contacts.write", $"crm.objects.{name}.write"],
        DefaultProperties = ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
        SearchableProperties = searchable, FirstId = firstId,
    };
}
