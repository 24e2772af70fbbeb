namespace Spoke.Emulator.OAuth;

/// <summary>
/// The HubSpot scopes an authorization request may name (HubSpot's scope list; an unknown one fails the request, as
/// HubSpot's consent screen does). It covers what the emulator serves and the common scopes apps ask for.
/// </summary>
internal static class ScopeCatalog
{
    private static readonly string[] ObjectTypes =
    [
        "contacts", "companies", "deals", "tickets", "line_items", "products", "quotes", "custom", "owners", "users",
        "goals", "marketing_events", "leads", "carts", "orders", "invoices", "subscriptions", "appointments", "courses",
        "listings", "services", "partner-clients", "commercepayments", "feedback_submissions",
    ];

    private static readonly string[] SchemaTypes = ["contacts", "companies", "deals", "tickets", "line_items", "quotes", "custom", "carts", "orders", "invoices", "subscriptions"];

    private static readonly HashSet<string> Known = Build();

    public static IEnumerable<string> All => Known.Order(StringComparer.Ordinal);

    public static bool IsKnown(string scope) => Known.Contains(scope);

    private static HashSet<string> Build()
    {
        var scopes = new HashSet<string>(StringComparer.Ordinal)
        {
            "oauth", "crm.lists.read", "crm.lists.write", "crm.import", "crm.export", "timeline", "tickets", "e-commerce",
            "content", "files", "forms", "automation", "sales-email-read", "settings.users.read", "settings.users.write",
            "settings.users.teams.read", "crm.objects.contacts.sensitive.read", "crm.objects.contacts.sensitive.write",
            "crm.pipelines.orders.read", "crm.pipelines.orders.write", "conversations.read", "conversations.write",
            "communication_preferences.read", "communication_preferences.write", "crm.dealsplits.read_write",
            "crm.objects.deals.sensitive.read", "crm.objects.companies.sensitive.read", "business-intelligence",
        };
        foreach (var type in ObjectTypes)
        {
            scopes.Add($"crm.objects.{type}.read");
            scopes.Add($"crm.objects.{type}.write");
        }

        foreach (var type in SchemaTypes)
        {
            scopes.Add($"crm.schemas.{type}.read");
            scopes.Add($"crm.schemas.{type}.write");
        }

        return scopes;
    }
}
