using Spoke.Http;

namespace Spoke.Tests.Http;

public sealed class HubSpotOperationTests
{
    [Fact]
    public void A_declared_path_escapes_each_value_and_reports_only_placeholders()
    {
        var operation = HubSpotOperation.Get("crm/v3/objects/contacts", "{id}");

        Assert.Equal("crm/v3/objects/contacts/ada%40example.com", operation.Path("ada@example.com"));
        Assert.Equal("crm/v3/objects/contacts/a%2Fb", operation.Path("a/b"));
        Assert.Equal("/crm/v3/objects/contacts/{id}", operation.PathTemplate);
    }

    [Fact]
    public void Values_that_do_not_match_the_placeholders_are_a_bug_caught_at_once()
    {
        var operation = HubSpotOperation.Delete("crm/v4/objects/contacts", "{fromId}/associations/companies/{toId}");

        Assert.Equal("crm/v4/objects/contacts/1/associations/companies/2", operation.Path("1", "2"));
        Assert.Throws<InvalidOperationException>(() => operation.Path("1"));
        Assert.Throws<InvalidOperationException>(() => operation.Path("1", "2", "3"));
    }

    [Fact]
    public void Only_creates_are_not_safe_to_resend_and_only_searches_spend_the_search_budget()
    {
        Assert.False(HubSpotOperation.Create("crm/v3/objects/contacts").IsIdempotent);
        Assert.True(HubSpotOperation.Converge("crm/v3/objects/contacts", "batch/upsert").IsIdempotent);
        Assert.True(HubSpotOperation.Search("crm/v3/objects/contacts").IsSearch);
        Assert.Equal("/crm/v3/objects/contacts/search", HubSpotOperation.Search("crm/v3/objects/contacts").PathTemplate);
        Assert.False(HubSpotOperation.Converge("crm/v3/lists", "search").IsSearch);
        Assert.Equal(HttpMethod.Post, HubSpotOperation.Create("crm/v3/objects/contacts").Method);
    }
}
