using System.Text;
using Spoke.Webhooks.Events;

namespace Spoke.Webhooks.Tests.Events;

public class WebhookEventParserTests
{
    private const string Captured = """[{"eventId":4101286121,"subscriptionId":7562680,"portalId":247187887,"appId":50780459,"occurredAt":1787843156000,"subscriptionType":"contact.propertyChange","attemptNumber":1,"objectId":541935488729,"propertyName":"email","propertyValue":"a@b.example","changeSource":"INTEGRATION","sourceId":"50780459"}]""";

    private static List<ParsedWebhookEvent> Parse(string json)
    {
        Assert.True(WebhookEventParser.TryParse(Encoding.UTF8.GetBytes(json).AsMemory(), out var events, out var error), error);
        return events;
    }

    [Fact]
    public void A_captured_hubspot_delivery_parses_into_its_fields()
    {
        var e = Assert.Single(Parse(Captured)).Event;
        Assert.Equal("contact.propertyChange", e.SubscriptionType);
        Assert.Equal(541935488729, e.ObjectId);
        Assert.Equal("email", e.PropertyName);
        Assert.Equal("50780459", e.SourceId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1787843156000), e.OccurredAt);
    }

    [Fact]
    public void EventType_is_read_when_subscriptionType_is_absent()
    {
        var e = Assert.Single(Parse("""[{"eventType":"deal.creation","eventId":1,"occurredAt":5,"objectId":9,"changeFlag":"NEW"}]""")).Event;
        Assert.Equal("deal.creation", e.SubscriptionType);
    }

    [Fact]
    public void Merge_association_and_generic_object_fields_are_read()
    {
        var events = Parse("""
            [{"subscriptionType":"contact.merge","eventId":1,"occurredAt":5,"objectId":9,"primaryObjectId":9,"mergedObjectIds":[7,8],"newObjectId":10,"numberOfPropertiesMoved":3},
             {"subscriptionType":"contact.associationChange","eventId":2,"occurredAt":5,"objectId":9,"associationType":"CONTACT_TO_COMPANY","fromObjectId":9,"toObjectId":4,"associationRemoved":false,"isPrimaryAssociation":true},
             {"subscriptionType":"object.creation","eventId":3,"occurredAt":5,"objectId":11,"objectTypeId":"2-123"}]
            """);
        Assert.Equal([7L, 8L], events[0].Event.MergedObjectIds!);
        Assert.Equal(3, events[0].Event.NumberOfPropertiesMoved);
        Assert.Equal("CONTACT_TO_COMPANY", events[1].Event.AssociationType);
        Assert.True(events[1].Event.IsPrimaryAssociation);
        Assert.Equal("2-123:11", events[2].ObjectKey);
        Assert.Equal("0-1:9", events[0].ObjectKey);
    }

    [Fact]
    public void An_association_change_orders_with_its_from_object_whichever_side_subscribed()
    {
        // A company.associationChange subscription gets both directions; CONTACT_TO_COMPANY is about contact 9.
        var events = Parse("""
            [{"subscriptionType":"company.associationChange","eventId":1,"occurredAt":5,"objectId":9,"associationType":"CONTACT_TO_COMPANY","fromObjectId":9,"toObjectId":4,"associationRemoved":false,"isPrimaryAssociation":false},
             {"subscriptionType":"company.associationChange","eventId":2,"occurredAt":5,"objectId":4,"associationType":"COMPANY_TO_CONTACT","fromObjectId":4,"toObjectId":9,"associationRemoved":false,"isPrimaryAssociation":false},
             {"subscriptionType":"deal.associationChange","eventId":3,"occurredAt":5,"objectId":6,"associationType":"LINE_ITEM_TO_DEAL","fromObjectId":6,"toObjectId":2,"associationRemoved":true,"isPrimaryAssociation":false},
             {"subscriptionType":"object.associationChange","eventId":4,"occurredAt":5,"objectId":3,"objectTypeId":"2-77","associationType":"CAR_TO_CONTACT","fromObjectId":3,"toObjectId":9,"associationRemoved":false,"isPrimaryAssociation":false},
             {"subscriptionType":"contact.creation","eventId":5,"occurredAt":4,"objectId":9,"changeFlag":"NEW"}]
            """);
        Assert.Equal("0-1:9", events[0].ObjectKey);
        Assert.Equal("0-2:4", events[1].ObjectKey);
        Assert.Equal("0-8:6", events[2].ObjectKey);
        Assert.Equal("2-77:3", events[3].ObjectKey);
        Assert.Equal(events[4].ObjectKey, events[0].ObjectKey);
    }

    [Fact]
    public void The_dedupe_key_ignores_attemptNumber_but_nothing_that_identifies_the_change()
    {
        var first = Parse(Captured)[0].DedupeKey;
        Assert.Equal(first, Parse(Captured.Replace("\"attemptNumber\":1", "\"attemptNumber\":7", StringComparison.Ordinal))[0].DedupeKey);
        Assert.Equal(first, Parse(Captured.Replace("\"subscriptionType\"", "\"eventType\"", StringComparison.Ordinal))[0].DedupeKey);
        // Same eventId, different change: HubSpot's eventId alone is not unique.
        Assert.NotEqual(first, Parse(Captured.Replace("a@b.example", "c@d.example", StringComparison.Ordinal))[0].DedupeKey);
        Assert.NotEqual(first, Parse(Captured.Replace("1787843156000", "1787843156001", StringComparison.Ordinal))[0].DedupeKey);
        Assert.NotEqual(first, Parse(Captured.Replace("247187887", "247187888", StringComparison.Ordinal))[0].DedupeKey);
        Assert.StartsWith("hs1-", first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{\"eventId\":1}", "array")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("[{\"eventId\":1,\"occurredAt\":2}]", "subscriptionType")]
    [InlineData("[{\"subscriptionType\":\"contact.creation\",\"occurredAt\":2}]", "eventId")]
    [InlineData("[{\"subscriptionType\":\"contact.creation\",\"eventId\":\"x\",\"occurredAt\":2}]", "wrong type")]
    [InlineData("[{\"subscriptionType\":\"contact.creation\"", "not JSON")]
    public void Malformed_bodies_are_refused_with_a_reason(string body, string reason)
    {
        Assert.False(WebhookEventParser.TryParse(Encoding.UTF8.GetBytes(body).AsMemory(), out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
