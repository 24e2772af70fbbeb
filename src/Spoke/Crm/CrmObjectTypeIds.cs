namespace Spoke.Crm;

/// <summary>
/// HubSpot's object type ids (<c>0-1</c> …), for the APIs that take an id rather than a name (lists, imports,
/// association labels) and for <see cref="CrmClient.Objects"/>. Custom objects have <c>2-N</c> ids from their schema.
/// </summary>
public static class CrmObjectTypeIds
{
    /// <summary>The type id of contacts: <c>0-1</c>.</summary>
    public const string Contacts = "0-1";
    /// <summary>The type id of companies: <c>0-2</c>.</summary>
    public const string Companies = "0-2";
    /// <summary>The type id of deals: <c>0-3</c>.</summary>
    public const string Deals = "0-3";
    /// <summary>The type id of tickets: <c>0-5</c>.</summary>
    public const string Tickets = "0-5";
    /// <summary>The type id of products: <c>0-7</c>.</summary>
    public const string Products = "0-7";
    /// <summary>The type id of line items: <c>0-8</c>.</summary>
    public const string LineItems = "0-8";
    /// <summary>The type id of quotes: <c>0-14</c>.</summary>
    public const string Quotes = "0-14";
    /// <summary>The type id of communications: <c>0-18</c>.</summary>
    public const string Communications = "0-18";
    /// <summary>The type id of feedback submissions: <c>0-19</c>.</summary>
    public const string FeedbackSubmissions = "0-19";
    /// <summary>The type id of tasks: <c>0-27</c>.</summary>
    public const string Tasks = "0-27";
    /// <summary>The type id of notes: <c>0-46</c>.</summary>
    public const string Notes = "0-46";
    /// <summary>The type id of meetings: <c>0-47</c>.</summary>
    public const string Meetings = "0-47";
    /// <summary>The type id of calls: <c>0-48</c>.</summary>
    public const string Calls = "0-48";
    /// <summary>The type id of emails: <c>0-49</c>.</summary>
    public const string Emails = "0-49";
    /// <summary>The type id of invoices: <c>0-52</c>.</summary>
    public const string Invoices = "0-52";
    /// <summary>The type id of marketing events: <c>0-54</c>.</summary>
    public const string MarketingEvents = "0-54";
    /// <summary>The type id of subscriptions: <c>0-69</c>.</summary>
    public const string Subscriptions = "0-69";
    /// <summary>The type id of payments: <c>0-101</c>.</summary>
    public const string Payments = "0-101";
    /// <summary>The type id of users: <c>0-115</c>.</summary>
    public const string Users = "0-115";
    /// <summary>The type id of postal mail: <c>0-116</c>.</summary>
    public const string PostalMail = "0-116";
    /// <summary>The type id of leads: <c>0-136</c>.</summary>
    public const string Leads = "0-136";
    /// <summary>The type id of services: <c>0-162</c>.</summary>
    public const string Services = "0-162";
    /// <summary>The type id of courses: <c>0-410</c>.</summary>
    public const string Courses = "0-410";
    /// <summary>The type id of listings: <c>0-420</c>.</summary>
    public const string Listings = "0-420";
    /// <summary>The type id of appointments: <c>0-421</c>.</summary>
    public const string Appointments = "0-421";
}
