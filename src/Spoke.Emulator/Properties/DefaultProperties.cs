namespace Spoke.Emulator.Properties;

/// <summary>
/// The HubSpot-defined properties every portal starts with (docs/hubspot-api.md §10, seeded from a real portal's dump).
/// Only the ones integrations touch are listed; custom properties are created through the API.
/// </summary>
internal static class DefaultProperties
{
    private static readonly string[] LifecycleStages =
        ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"];

    public static IReadOnlyList<PropertyDefinition> For(string typeId) => typeId switch
    {
        "0-1" => Contacts(),
        "0-2" => Companies(),
        "0-3" => Deals(),
        "0-5" => Tickets(),
        "0-7" => Products(),
        "0-8" => LineItems(),
        "0-48" => Engagement("call", [S("hs_call_title", "Call Title"), S("hs_call_body", "Call notes", "textarea"), S("hs_body_preview", "Body preview", "textarea", ro: true),
            N("hs_call_duration", "Call duration"), E("hs_call_direction", "Call direction", ["INBOUND", "OUTBOUND"]),
            E("hs_call_status", "Call status", ["BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED", "IN_PROGRESS", "NO_ANSWER", "QUEUED", "RINGING"])]),
        "0-49" => Engagement("email", [S("hs_email_subject", "Email subject"), S("hs_email_text", "Email body", "textarea"), S("hs_email_html", "Email HTML", "html"),
            E("hs_email_direction", "Email direction", ["EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL"]),
            E("hs_email_status", "Email send status", ["BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT"])]),
        "0-47" => Engagement("meeting", [S("hs_meeting_title", "Meeting name"), S("hs_meeting_body", "Meeting description", "textarea"),
            Dt("hs_meeting_start_time", "Start time"), Dt("hs_meeting_end_time", "End time"), S("hs_meeting_location", "Location"),
            E("hs_meeting_outcome", "Meeting outcome", ["SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"])]),
        "0-46" => Engagement("note", [S("hs_note_body", "Note body", "html")]),
        "0-27" => Engagement("task", [S("hs_task_subject", "Task Title"), S("hs_task_body", "Notes", "html"),
            E("hs_task_status", "Task status", ["NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"]),
            E("hs_task_priority", "Priority", ["NONE", "LOW", "MEDIUM", "HIGH"]), E("hs_task_type", "Task type", ["CALL", "EMAIL", "TODO", "LINKED_IN"])]),
        _ => CommonSystem(),
    };

    /// <summary>Properties every object has, custom objects included.</summary>
    public static List<PropertyDefinition> CommonSystem() =>
    [
        N("hs_object_id", "Record ID", ro: true),
        Dt("hs_createdate", "Object create date/time", ro: true),
        Dt("hs_lastmodifieddate", "Object last modified date/time", ro: true),
        E("hs_merged_object_ids", "Merged record IDs", [], fieldType: "checkbox", ro: true),
        S("hs_object_source", "Record source", ro: true),
        S("hs_object_source_label", "Record source label", ro: true),
        S("hs_object_source_id", "Record source ID", ro: true),
    ];

    private static List<PropertyDefinition> WithCommon(string group, params PropertyDefinition[] props)
    {
        var list = CommonSystem();
        list.Add(Dt("createdate", "Create Date", ro: true));
        list.Add(Owner());
        list.AddRange(props);
        foreach (var p in list.Where(p => p.GroupName.Length == 0))
        {
            p.GroupName = group;
        }

        return list;
    }

    private static List<PropertyDefinition> Contacts() => WithCommon("contactinformation",
        Email("email", "Email"), S("firstname", "First Name"), S("lastname", "Last Name"), S("jobtitle", "Job Title"),
        S("company", "Company Name"), S("website", "Website URL"), S("city", "City"), S("state", "State/Region"),
        S("zip", "Postal Code"), S("country", "Country/Region"), S("address", "Street Address"),
        S("phone", "Phone Number", "phonenumber"), S("mobilephone", "Mobile Phone Number", "phonenumber"), S("fax", "Fax Number", "phonenumber"),
        E("lifecyclestage", "Lifecycle Stage", LifecycleStages, "radio"),
        E("hs_lead_status", "Lead Status", ["NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING"], "radio"),
        Dt("lastmodifieddate", "Last Modified Date", ro: true),
        E("hs_additional_emails", "Additional email addresses", [], "checkbox", ro: true),
        N("associatedcompanyid", "Primary Associated Company ID"),
        E("hs_buying_role", "Buying Role", ["BLOCKER", "BUDGET_HOLDER", "CHAMPION", "DECISION_MAKER", "END_USER", "EXECUTIVE_SPONSOR", "INFLUENCER", "LEGAL_AND_COMPLIANCE", "OTHER"], "checkbox"),
        B("hs_email_optout", "Unsubscribed from all email"),
        N("num_associated_deals", "Associated Deals", ro: true),
        E("hs_all_contact_vids", "All vids for a contact", [], "checkbox", ro: true),
        Dt("hs_marketable_until_renewal", "Marketing contact until next update", ro: true),
        D("date_of_birth", "Date of birth"),
        N("annualrevenue", "Annual Revenue"));

    private static List<PropertyDefinition> Companies() => WithCommon("companyinformation",
        S("name", "Company name"), S("domain", "Company Domain Name"), S("website", "Website URL"),
        S("phone", "Phone Number", "phonenumber"), S("city", "City"), S("state", "State/Region"), S("zip", "Postal Code"),
        S("country", "Country/Region"), S("address", "Street Address"), S("description", "Description", "textarea"),
        E("industry", "Industry", ["ACCOUNTING", "AIRLINES_AVIATION", "BANKING", "COMPUTER_SOFTWARE", "CONSTRUCTION", "EDUCATION_MANAGEMENT", "FINANCIAL_SERVICES", "HOSPITAL_HEALTH_CARE", "INFORMATION_TECHNOLOGY_AND_SERVICES", "INSURANCE", "INTERNET", "MARKETING_AND_ADVERTISING", "RETAIL", "TELECOMMUNICATIONS"], "select"),
        E("type", "Type", ["PROSPECT", "PARTNER", "RESELLER", "VENDOR", "OTHER"], "radio"),
        E("lifecyclestage", "Lifecycle Stage", LifecycleStages, "radio"),
        N("annualrevenue", "Annual Revenue"), N("numberofemployees", "Number of Employees"),
        E("hs_additional_domains", "Additional Domains", [], "checkbox", ro: true),
        N("num_associated_contacts", "Number of Associated Contacts", ro: true),
        N("num_associated_deals", "Number of Associated Deals", ro: true),
        N("hs_parent_company_id", "Parent Company", ro: true));

    private static List<PropertyDefinition> Deals() => WithCommon("dealinformation",
        S("dealname", "Deal Name"), N("amount", "Amount"), Dt("closedate", "Close Date"),
        External("dealstage", "Deal Stage", "radio"), External("pipeline", "Pipeline", "select"),
        E("dealtype", "Deal Type", ["newbusiness", "existingbusiness"], "radio"),
        S("description", "Deal Description", "textarea"),
        N("hs_deal_stage_probability", "Deal Stage Probability", ro: true),
        Calc("hs_is_closed", "Is Deal Closed?"), Calc("hs_is_closed_won", "Is Closed Won"),
        E("hs_priority", "Priority", ["low", "medium", "high"], "select"),
        E("deal_currency_code", "Currency", ["USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF"], "select"),
        N("num_associated_contacts", "Number of Associated Contacts", ro: true));

    private static List<PropertyDefinition> Tickets() => WithCommon("ticketinformation",
        S("subject", "Ticket name"), S("content", "Ticket description", "textarea"),
        External("hs_pipeline", "Pipeline", "select"), External("hs_pipeline_stage", "Ticket status", "select"),
        E("hs_ticket_priority", "Priority", ["LOW", "MEDIUM", "HIGH", "URGENT"], "select"),
        E("hs_ticket_category", "Category", ["PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY"], "checkbox"),
        E("source_type", "Source", ["CHAT", "EMAIL", "FORM", "PHONE"], "select"),
        Dt("closed_date", "Close date"),
        N("hs_ticket_id", "Ticket ID", ro: true, fieldType: "calculation_equation"));

    private static List<PropertyDefinition> Products() => WithCommon("productinformation",
        S("name", "Name"), S("description", "Description", "textarea"), N("price", "Unit price"), S("hs_sku", "SKU"),
        N("hs_cost_of_goods_sold", "Unit cost"), S("hs_recurring_billing_period", "Term"),
        E("hs_product_type", "Product type", ["inventory", "non_inventory", "service"], "select"));

    private static List<PropertyDefinition> LineItems() => WithCommon("lineiteminformation",
        S("name", "Name"), S("description", "Description", "textarea"), N("quantity", "Quantity"), N("price", "Unit price"),
        N("amount", "Net price"), N("discount", "Unit discount"), S("hs_sku", "SKU"), N("hs_product_id", "Product ID"));

    private static List<PropertyDefinition> Engagement(string kind, PropertyDefinition[] props) =>
        WithCommon("engagement", [Dt("hs_timestamp", "Activity date"), .. props]);

    // Builders: name, label, fieldType; ro marks a read-only (system-managed) value.
    private static PropertyDefinition S(string name, string label, string fieldType = "text", bool ro = false) =>
        Make(name, label, "string", fieldType, ro);

    private static PropertyDefinition Email(string name, string label) => Make(name, label, "string", "text", false);

    private static PropertyDefinition N(string name, string label, bool ro = false, string fieldType = "number") =>
        Make(name, label, "number", fieldType, ro);

    private static PropertyDefinition Dt(string name, string label, bool ro = false) => Make(name, label, "datetime", "date", ro);

    private static PropertyDefinition D(string name, string label) => Make(name, label, "date", "date", false);

    private static PropertyDefinition B(string name, string label) =>
        Make(name, label, "bool", "booleancheckbox", false, [new("Yes", "true", null, 0), new("No", "false", null, 1)]);

    private static PropertyDefinition Calc(string name, string label) =>
        Make(name, label, "bool", "calculation_equation", true, [new("True", "true", null, 0), new("False", "false", null, 1)]);

    private static PropertyDefinition E(string name, string label, string[] values, string fieldType = "select", bool ro = false) =>
        Make(name, label, "enumeration", fieldType, ro, [.. values.Select((v, i) => new PropertyOption(Labelize(v), v, null, i))]);

    /// <summary>Enumeration whose options live elsewhere (pipelines, stages).</summary>
    private static PropertyDefinition External(string name, string label, string fieldType)
    {
        var p = Make(name, label, "enumeration", fieldType, false);
        p.ExternalOptions = true;
        return p;
    }

    private static PropertyDefinition Owner()
    {
        var p = Make("hubspot_owner_id", "Contact owner", "enumeration", "select", false);
        p.ExternalOptions = true;
        p.ReferencedObjectType = "OWNER";
        return p;
    }

    private static PropertyDefinition Make(string name, string label, string type, string fieldType, bool ro, List<PropertyOption>? options = null) => new()
    {
        Name = name, Label = label, Type = type, FieldType = fieldType, Options = options ?? [],
        HubspotDefined = true, ReadOnlyValue = ro, ReadOnlyDefinition = true, Archivable = false,
        Calculated = fieldType.StartsWith("calculation", StringComparison.Ordinal),
        FormField = !ro, CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    private static string Labelize(string value) =>
        value.Length == 0 ? value : char.ToUpperInvariant(value[0]) + value[1..].Replace('_', ' ').ToLowerInvariant();
}
