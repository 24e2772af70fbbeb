namespace Spoke.Associations;

/// <summary>
/// HubSpot's HUBSPOT_DEFINED association types (docs/hubspot-api.md §11), named by direction, so no one types <c>279</c> by hand.
/// The plain type links any two records; the <c>…Primary</c> types mark the one primary company of a contact, deal or
/// ticket, and imply the plain one. Custom labels are <see cref="AssociationCategory.UserDefined"/>: read them with
/// <see cref="AssociationsClient.ListLabelsAsync"/>.
/// </summary>
public static class AssociationTypes
{
    private static AssociationType H(int id, string? label = null) => new(AssociationCategory.HubSpotDefined, id, label);

    public static AssociationType ContactToCompany { get; } = H(279);
    public static AssociationType ContactToCompanyPrimary { get; } = H(1, "Primary");
    public static AssociationType CompanyToContact { get; } = H(280);
    public static AssociationType CompanyToContactPrimary { get; } = H(2, "Primary");
    public static AssociationType ContactToDeal { get; } = H(4);
    public static AssociationType DealToContact { get; } = H(3);
    public static AssociationType ContactToTicket { get; } = H(15);
    public static AssociationType TicketToContact { get; } = H(16);
    public static AssociationType ContactToContact { get; } = H(449);
    public static AssociationType CompanyToCompany { get; } = H(450);
    public static AssociationType DealToCompany { get; } = H(341);
    public static AssociationType DealToCompanyPrimary { get; } = H(5, "Primary");
    public static AssociationType CompanyToDeal { get; } = H(342);
    public static AssociationType CompanyToDealPrimary { get; } = H(6, "Primary");
    public static AssociationType TicketToCompany { get; } = H(339);
    public static AssociationType TicketToCompanyPrimary { get; } = H(26, "Primary");
    public static AssociationType CompanyToTicket { get; } = H(340);
    public static AssociationType CompanyToTicketPrimary { get; } = H(25, "Primary");
    public static AssociationType DealToTicket { get; } = H(27);
    public static AssociationType TicketToDeal { get; } = H(28);
    public static AssociationType DealToDeal { get; } = H(451);
    public static AssociationType TicketToTicket { get; } = H(452);
    public static AssociationType DealToLineItem { get; } = H(19);
    public static AssociationType LineItemToDeal { get; } = H(20);
    public static AssociationType ParentCompanyToChildCompany { get; } = H(13);
    public static AssociationType ChildCompanyToParentCompany { get; } = H(14);
    public static AssociationType DealToQuote { get; } = H(63);
    public static AssociationType QuoteToDeal { get; } = H(64);
    public static AssociationType QuoteToLineItem { get; } = H(67);
    public static AssociationType LineItemToQuote { get; } = H(68);
    public static AssociationType QuoteToContact { get; } = H(69);
    public static AssociationType ContactToQuote { get; } = H(70);
    public static AssociationType QuoteToCompany { get; } = H(71);
    public static AssociationType CompanyToQuote { get; } = H(72);

    public static AssociationType ContactToCall { get; } = H(193);
    public static AssociationType CallToContact { get; } = H(194);
    public static AssociationType ContactToEmail { get; } = H(197);
    public static AssociationType EmailToContact { get; } = H(198);
    public static AssociationType ContactToMeeting { get; } = H(199);
    public static AssociationType MeetingToContact { get; } = H(200);
    public static AssociationType ContactToNote { get; } = H(201);
    public static AssociationType NoteToContact { get; } = H(202);
    public static AssociationType ContactToTask { get; } = H(203);
    public static AssociationType TaskToContact { get; } = H(204);

    public static AssociationType CompanyToCall { get; } = H(181);
    public static AssociationType CallToCompany { get; } = H(182);
    public static AssociationType CompanyToEmail { get; } = H(185);
    public static AssociationType EmailToCompany { get; } = H(186);
    public static AssociationType CompanyToMeeting { get; } = H(187);
    public static AssociationType MeetingToCompany { get; } = H(188);
    public static AssociationType CompanyToNote { get; } = H(189);
    public static AssociationType NoteToCompany { get; } = H(190);
    public static AssociationType CompanyToTask { get; } = H(191);
    public static AssociationType TaskToCompany { get; } = H(192);

    public static AssociationType DealToCall { get; } = H(205);
    public static AssociationType CallToDeal { get; } = H(206);
    public static AssociationType DealToEmail { get; } = H(209);
    public static AssociationType EmailToDeal { get; } = H(210);
    public static AssociationType DealToMeeting { get; } = H(211);
    public static AssociationType MeetingToDeal { get; } = H(212);
    public static AssociationType DealToNote { get; } = H(213);
    public static AssociationType NoteToDeal { get; } = H(214);
    public static AssociationType DealToTask { get; } = H(215);
    public static AssociationType TaskToDeal { get; } = H(216);

    public static AssociationType TicketToCall { get; } = H(219);
    public static AssociationType CallToTicket { get; } = H(220);
    public static AssociationType TicketToEmail { get; } = H(223);
    public static AssociationType EmailToTicket { get; } = H(224);
    public static AssociationType TicketToMeeting { get; } = H(225);
    public static AssociationType MeetingToTicket { get; } = H(226);
    public static AssociationType TicketToNote { get; } = H(227);
    public static AssociationType NoteToTicket { get; } = H(228);
    public static AssociationType TicketToTask { get; } = H(229);
    public static AssociationType TaskToTicket { get; } = H(230);
}
