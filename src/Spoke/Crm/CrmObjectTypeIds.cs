namespace Spoke.Crm;

/// <summary>
/// HubSpot's object type ids (<c>0-1</c> …), for the APIs that take an id rather than a name (lists, imports,
/// association labels) and for <see cref="CrmClient.Objects"/>. Custom objects have <c>2-N</c> ids from their schema.
/// </summary>
public static class CrmObjectTypeIds
{
    public const string Contacts = "0-1";
    public const string Companies = "0-2";
    public const string Deals = "0-3";
    public const string Tickets = "0-5";
    public const string Products = "0-7";
    public const string LineItems = "0-8";
    public const string Quotes = "0-14";
    public const string Communications = "0-18";
    public const string FeedbackSubmissions = "0-19";
    public const string Tasks = "0-27";
    public const string Notes = "0-46";
    public const string Meetings = "0-47";
    public const string Calls = "0-48";
    public const string Emails = "0-49";
    public const string Invoices = "0-52";
    public const string MarketingEvents = "0-54";
    public const string Subscriptions = "0-69";
    public const string Payments = "0-101";
    public const string Users = "0-115";
    public const string PostalMail = "0-116";
    public const string Leads = "0-136";
    public const string Services = "0-162";
    public const string Courses = "0-410";
    public const string Listings = "0-420";
    public const string Appointments = "0-421";
}
