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

    /// <summary>A contact linked to a company (HubSpot type 279).</summary>
    public static AssociationType ContactToCompany { get; } = H(279);
    /// <summary>A contact linked to its primary company (HubSpot type 1).</summary>
    public static AssociationType ContactToCompanyPrimary { get; } = H(1, "Primary");
    /// <summary>A company linked to a contact (HubSpot type 280).</summary>
    public static AssociationType CompanyToContact { get; } = H(280);
    /// <summary>A company linked to its primary contact (HubSpot type 2).</summary>
    public static AssociationType CompanyToContactPrimary { get; } = H(2, "Primary");
    /// <summary>A contact linked to a deal (HubSpot type 4).</summary>
    public static AssociationType ContactToDeal { get; } = H(4);
    /// <summary>A deal linked to a contact (HubSpot type 3).</summary>
    public static AssociationType DealToContact { get; } = H(3);
    /// <summary>A contact linked to a ticket (HubSpot type 15).</summary>
    public static AssociationType ContactToTicket { get; } = H(15);
    /// <summary>A ticket linked to a contact (HubSpot type 16).</summary>
    public static AssociationType TicketToContact { get; } = H(16);
    /// <summary>A contact linked to a contact (HubSpot type 449).</summary>
    public static AssociationType ContactToContact { get; } = H(449);
    /// <summary>A company linked to a company (HubSpot type 450).</summary>
    public static AssociationType CompanyToCompany { get; } = H(450);
    /// <summary>A deal linked to a company (HubSpot type 341).</summary>
    public static AssociationType DealToCompany { get; } = H(341);
    /// <summary>A deal linked to its primary company (HubSpot type 5).</summary>
    public static AssociationType DealToCompanyPrimary { get; } = H(5, "Primary");
    /// <summary>A company linked to a deal (HubSpot type 342).</summary>
    public static AssociationType CompanyToDeal { get; } = H(342);
    /// <summary>A company linked to its primary deal (HubSpot type 6).</summary>
    public static AssociationType CompanyToDealPrimary { get; } = H(6, "Primary");
    /// <summary>A ticket linked to a company (HubSpot type 339).</summary>
    public static AssociationType TicketToCompany { get; } = H(339);
    /// <summary>A ticket linked to its primary company (HubSpot type 26).</summary>
    public static AssociationType TicketToCompanyPrimary { get; } = H(26, "Primary");
    /// <summary>A company linked to a ticket (HubSpot type 340).</summary>
    public static AssociationType CompanyToTicket { get; } = H(340);
    /// <summary>A company linked to its primary ticket (HubSpot type 25).</summary>
    public static AssociationType CompanyToTicketPrimary { get; } = H(25, "Primary");
    /// <summary>A deal linked to a ticket (HubSpot type 27).</summary>
    public static AssociationType DealToTicket { get; } = H(27);
    /// <summary>A ticket linked to a deal (HubSpot type 28).</summary>
    public static AssociationType TicketToDeal { get; } = H(28);
    /// <summary>A deal linked to a deal (HubSpot type 451).</summary>
    public static AssociationType DealToDeal { get; } = H(451);
    /// <summary>A ticket linked to a ticket (HubSpot type 452).</summary>
    public static AssociationType TicketToTicket { get; } = H(452);
    /// <summary>A deal linked to a line item (HubSpot type 19).</summary>
    public static AssociationType DealToLineItem { get; } = H(19);
    /// <summary>A line item linked to a deal (HubSpot type 20).</summary>
    public static AssociationType LineItemToDeal { get; } = H(20);
    /// <summary>A parent company linked to a child company (HubSpot type 13).</summary>
    public static AssociationType ParentCompanyToChildCompany { get; } = H(13);
    /// <summary>A child company linked to a parent company (HubSpot type 14).</summary>
    public static AssociationType ChildCompanyToParentCompany { get; } = H(14);
    /// <summary>A deal linked to a quote (HubSpot type 63).</summary>
    public static AssociationType DealToQuote { get; } = H(63);
    /// <summary>A quote linked to a deal (HubSpot type 64).</summary>
    public static AssociationType QuoteToDeal { get; } = H(64);
    /// <summary>A quote linked to a line item (HubSpot type 67).</summary>
    public static AssociationType QuoteToLineItem { get; } = H(67);
    /// <summary>A line item linked to a quote (HubSpot type 68).</summary>
    public static AssociationType LineItemToQuote { get; } = H(68);
    /// <summary>A quote linked to a contact (HubSpot type 69).</summary>
    public static AssociationType QuoteToContact { get; } = H(69);
    /// <summary>A contact linked to a quote (HubSpot type 70).</summary>
    public static AssociationType ContactToQuote { get; } = H(70);
    /// <summary>A quote linked to a company (HubSpot type 71).</summary>
    public static AssociationType QuoteToCompany { get; } = H(71);
    /// <summary>A company linked to a quote (HubSpot type 72).</summary>
    public static AssociationType CompanyToQuote { get; } = H(72);

    /// <summary>A contact linked to a call (HubSpot type 193).</summary>
    public static AssociationType ContactToCall { get; } = H(193);
    /// <summary>A call linked to a contact (HubSpot type 194).</summary>
    public static AssociationType CallToContact { get; } = H(194);
    /// <summary>A contact linked to a email (HubSpot type 197).</summary>
    public static AssociationType ContactToEmail { get; } = H(197);
    /// <summary>A email linked to a contact (HubSpot type 198).</summary>
    public static AssociationType EmailToContact { get; } = H(198);
    /// <summary>A contact linked to a meeting (HubSpot type 199).</summary>
    public static AssociationType ContactToMeeting { get; } = H(199);
    /// <summary>A meeting linked to a contact (HubSpot type 200).</summary>
    public static AssociationType MeetingToContact { get; } = H(200);
    /// <summary>A contact linked to a note (HubSpot type 201).</summary>
    public static AssociationType ContactToNote { get; } = H(201);
    /// <summary>A note linked to a contact (HubSpot type 202).</summary>
    public static AssociationType NoteToContact { get; } = H(202);
    /// <summary>A contact linked to a task (HubSpot type 203).</summary>
    public static AssociationType ContactToTask { get; } = H(203);
    /// <summary>A task linked to a contact (HubSpot type 204).</summary>
    public static AssociationType TaskToContact { get; } = H(204);

    /// <summary>A company linked to a call (HubSpot type 181).</summary>
    public static AssociationType CompanyToCall { get; } = H(181);
    /// <summary>A call linked to a company (HubSpot type 182).</summary>
    public static AssociationType CallToCompany { get; } = H(182);
    /// <summary>A company linked to a email (HubSpot type 185).</summary>
    public static AssociationType CompanyToEmail { get; } = H(185);
    /// <summary>A email linked to a company (HubSpot type 186).</summary>
    public static AssociationType EmailToCompany { get; } = H(186);
    /// <summary>A company linked to a meeting (HubSpot type 187).</summary>
    public static AssociationType CompanyToMeeting { get; } = H(187);
    /// <summary>A meeting linked to a company (HubSpot type 188).</summary>
    public static AssociationType MeetingToCompany { get; } = H(188);
    /// <summary>A company linked to a note (HubSpot type 189).</summary>
    public static AssociationType CompanyToNote { get; } = H(189);
    /// <summary>A note linked to a company (HubSpot type 190).</summary>
    public static AssociationType NoteToCompany { get; } = H(190);
    /// <summary>A company linked to a task (HubSpot type 191).</summary>
    public static AssociationType CompanyToTask { get; } = H(191);
    /// <summary>A task linked to a company (HubSpot type 192).</summary>
    public static AssociationType TaskToCompany { get; } = H(192);

    /// <summary>A deal linked to a call (HubSpot type 205).</summary>
    public static AssociationType DealToCall { get; } = H(205);
    /// <summary>A call linked to a deal (HubSpot type 206).</summary>
    public static AssociationType CallToDeal { get; } = H(206);
    /// <summary>A deal linked to a email (HubSpot type 209).</summary>
    public static AssociationType DealToEmail { get; } = H(209);
    /// <summary>A email linked to a deal (HubSpot type 210).</summary>
    public static AssociationType EmailToDeal { get; } = H(210);
    /// <summary>A deal linked to a meeting (HubSpot type 211).</summary>
    public static AssociationType DealToMeeting { get; } = H(211);
    /// <summary>A meeting linked to a deal (HubSpot type 212).</summary>
    public static AssociationType MeetingToDeal { get; } = H(212);
    /// <summary>A deal linked to a note (HubSpot type 213).</summary>
    public static AssociationType DealToNote { get; } = H(213);
    /// <summary>A note linked to a deal (HubSpot type 214).</summary>
    public static AssociationType NoteToDeal { get; } = H(214);
    /// <summary>A deal linked to a task (HubSpot type 215).</summary>
    public static AssociationType DealToTask { get; } = H(215);
    /// <summary>A task linked to a deal (HubSpot type 216).</summary>
    public static AssociationType TaskToDeal { get; } = H(216);

    /// <summary>A ticket linked to a call (HubSpot type 219).</summary>
    public static AssociationType TicketToCall { get; } = H(219);
    /// <summary>A call linked to a ticket (HubSpot type 220).</summary>
    public static AssociationType CallToTicket { get; } = H(220);
    /// <summary>A ticket linked to a email (HubSpot type 223).</summary>
    public static AssociationType TicketToEmail { get; } = H(223);
    /// <summary>A email linked to a ticket (HubSpot type 224).</summary>
    public static AssociationType EmailToTicket { get; } = H(224);
    /// <summary>A ticket linked to a meeting (HubSpot type 225).</summary>
    public static AssociationType TicketToMeeting { get; } = H(225);
    /// <summary>A meeting linked to a ticket (HubSpot type 226).</summary>
    public static AssociationType MeetingToTicket { get; } = H(226);
    /// <summary>A ticket linked to a note (HubSpot type 227).</summary>
    public static AssociationType TicketToNote { get; } = H(227);
    /// <summary>A note linked to a ticket (HubSpot type 228).</summary>
    public static AssociationType NoteToTicket { get; } = H(228);
    /// <summary>A ticket linked to a task (HubSpot type 229).</summary>
    public static AssociationType TicketToTask { get; } = H(229);
    /// <summary>A task linked to a ticket (HubSpot type 230).</summary>
    public static AssociationType TaskToTicket { get; } = H(230);
}
