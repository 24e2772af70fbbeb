using Spoke.Webhooks.Dispatch;

namespace Spoke.Webhooks.Tests.Dispatch;

public class DeadLetterReasonTests
{
    private const string Json = """{"subscriptionType":"contact.propertyChange","objectId":7,"propertyName":"email","propertyValue":"jane.doe@example.org"}""";

    [Fact]
    public void The_whole_event_json_is_cut_out_of_a_reason() =>
        Assert.Equal("bad event [event]", WebhookDispatcher.RedactEvent("bad event " + Json, Json));

    [Fact]
    public void The_property_value_is_cut_but_type_names_and_ids_stay() =>
        Assert.Equal("no 'email' = '[redacted]' for contact.propertyChange 7",
            WebhookDispatcher.RedactEvent("no 'email' = 'jane.doe@example.org' for contact.propertyChange 7", Json));

    [Fact]
    public void Short_values_stay_so_numbers_in_a_message_survive() =>
        Assert.Equal("attempt 1 of 1", WebhookDispatcher.RedactEvent("attempt 1 of 1", """{"propertyValue":"1"}"""));
}
