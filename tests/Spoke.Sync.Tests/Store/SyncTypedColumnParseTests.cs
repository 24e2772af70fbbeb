using Spoke.Sync.Store;

namespace Spoke.Sync.Tests.Store;

/// <summary><c>TYPE.PROPERTY:KIND</c>, as <c>--typed</c> and <c>HubSpotSync:TypedColumns</c> take it.</summary>
public sealed class SyncTypedColumnParseTests
{
    [Theory]
    [InlineData("deals.amount:number", "deals", "amount", SyncColumnType.Number)]
    [InlineData(" contacts.hs_lead_status : TEXT ", "contacts", "hs_lead_status", SyncColumnType.Text)]
    [InlineData("2-1234567.renewal_date:datetime", "2-1234567", "renewal_date", SyncColumnType.DateTime)]
    [InlineData("p123_projects.active:bool", "p123_projects", "active", SyncColumnType.Boolean)]
    [InlineData("tickets.is_urgent:boolean", "tickets", "is_urgent", SyncColumnType.Boolean)]
    public void A_well_formed_spec_names_the_type_the_property_and_the_kind(string spec, string type, string property, SyncColumnType kind) =>
        Assert.Equal(new SyncTypedColumn(type, property, kind), SyncTypedColumn.Parse(spec));

    [Theory]
    [InlineData("deals.amount", "'deals.amount' is not a typed column: write TYPE.PROPERTY:KIND")]
    [InlineData("amount:number", "'amount:number' is not a typed column")]
    [InlineData(".amount:number", "'.amount:number' is not a typed column")]
    [InlineData("deals.:number", "'deals.:number' is not a typed column")]
    [InlineData("deals.amount:", "'deals.amount:' is not a typed column")]
    [InlineData("deals.a.b:number", "'deals.a.b:number' is not a typed column")]
    [InlineData("deals.amount:money", "the kind 'money' is not one of number, datetime, bool, text")]
    [InlineData("", "'' is not a typed column")]
    public void A_malformed_spec_says_what_was_wrong_and_what_to_write(string spec, string message)
    {
        var error = Assert.Throws<FormatException>(() => SyncTypedColumn.Parse(spec));
        Assert.Contains(message, error.Message);
        Assert.Contains("e.g. deals.amount:number", error.Message);
    }
}
