using Spoke.Http;

namespace Spoke.Crm;

/// <summary>The CRM areas: one client per standard object type, and any custom object by name or id.</summary>
public partial class CrmClient
{
    private readonly HubSpotHttp _http = null!;

    /// <summary>For mocking.</summary>
    protected CrmClient()
    {
    }

    internal CrmClient(HubSpotHttp http) => _http = http;

    /// <summary>The <c>contacts</c> records.</summary>
    public virtual CrmObjectsClient Contacts => Objects("contacts");
    /// <summary>The <c>companies</c> records.</summary>
    public virtual CrmObjectsClient Companies => Objects("companies");
    /// <summary>The <c>deals</c> records.</summary>
    public virtual CrmObjectsClient Deals => Objects("deals");
    /// <summary>The <c>tickets</c> records.</summary>
    public virtual CrmObjectsClient Tickets => Objects("tickets");
    /// <summary>The <c>products</c> records.</summary>
    public virtual CrmObjectsClient Products => Objects("products");
    /// <summary>The <c>line_items</c> records.</summary>
    public virtual CrmObjectsClient LineItems => Objects("line_items");
    /// <summary>The <c>calls</c> records.</summary>
    public virtual CrmObjectsClient Calls => Objects("calls");
    /// <summary>The <c>emails</c> records.</summary>
    public virtual CrmObjectsClient Emails => Objects("emails");
    /// <summary>The <c>meetings</c> records.</summary>
    public virtual CrmObjectsClient Meetings => Objects("meetings");
    /// <summary>The <c>notes</c> records.</summary>
    public virtual CrmObjectsClient Notes => Objects("notes");
    /// <summary>The <c>tasks</c> records.</summary>
    public virtual CrmObjectsClient Tasks => Objects("tasks");
    /// <summary>The <c>quotes</c> records.</summary>
    public virtual CrmObjectsClient Quotes => Objects("quotes");
    /// <summary>The <c>communications</c> records.</summary>
    public virtual CrmObjectsClient Communications => Objects("communications");
    /// <summary>The <c>postal_mail</c> records.</summary>
    public virtual CrmObjectsClient PostalMail => Objects("postal_mail");
    /// <summary>The <c>feedback_submissions</c> records.</summary>
    public virtual CrmObjectsClient FeedbackSubmissions => Objects("feedback_submissions");
    /// <summary>The <c>invoices</c> records.</summary>
    public virtual CrmObjectsClient Invoices => Objects("invoices");
    /// <summary>The <c>leads</c> records.</summary>
    public virtual CrmObjectsClient Leads => Objects("leads");

    /// <summary>Any object type: a name, a type id (<c>0-1</c>, <c>2-1234</c>), or a custom object's <c>p_name</c>.</summary>
    public virtual CrmObjectsClient Objects(string objectType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        return new CrmObjectsClient(_http, objectType);
    }
}
