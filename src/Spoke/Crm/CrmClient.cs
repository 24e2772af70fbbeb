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

    public virtual CrmObjectsClient Contacts => Objects("contacts");
    public virtual CrmObjectsClient Companies => Objects("companies");
    public virtual CrmObjectsClient Deals => Objects("deals");
    public virtual CrmObjectsClient Tickets => Objects("tickets");
    public virtual CrmObjectsClient Products => Objects("products");
    public virtual CrmObjectsClient LineItems => Objects("line_items");
    public virtual CrmObjectsClient Calls => Objects("calls");
    public virtual CrmObjectsClient Emails => Objects("emails");
    public virtual CrmObjectsClient Meetings => Objects("meetings");
    public virtual CrmObjectsClient Notes => Objects("notes");
    public virtual CrmObjectsClient Tasks => Objects("tasks");
    public virtual CrmObjectsClient Quotes => Objects("quotes");
    public virtual CrmObjectsClient Communications => Objects("communications");
    public virtual CrmObjectsClient PostalMail => Objects("postal_mail");
    public virtual CrmObjectsClient FeedbackSubmissions => Objects("feedback_submissions");
    public virtual CrmObjectsClient Invoices => Objects("invoices");
    public virtual CrmObjectsClient Leads => Objects("leads");

    /// <summary>Any object type: a name, a type id (<c>0-1</c>, <c>2-1234</c>), or a custom object's <c>p_name</c>.</summary>
    public virtual CrmObjectsClient Objects(string objectType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        return new CrmObjectsClient(_http, objectType);
    }
}
