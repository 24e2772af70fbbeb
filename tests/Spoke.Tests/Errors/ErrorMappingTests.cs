using System.Net;
using Spoke.Crm;
using Spoke.Errors;

namespace Spoke.Tests.Errors;

public sealed class ErrorMappingTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    [Fact]
    public async Task Unknown_token_is_an_authentication_exception()
    {
        var client = fixture.NewClient("pat-na1-not-a-real-token");
        var error = await Assert.ThrowsAsync<HubSpotAuthenticationException>(() => client.Crm.Contacts.GetAsync("1"));
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal("INVALID_AUTHENTICATION", error.Category);
    }

    [Fact]
    public async Task Missing_scope_names_the_required_scope()
    {
        var client = fixture.NewClient(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        var error = await Assert.ThrowsAsync<HubSpotAuthenticationException>(
            () => client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "x@example.com")));
        Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        Assert.Equal("MISSING_SCOPES", error.Category);
        Assert.Equal(["crm.objects.contacts.write"], error.RequiredScopes);
    }

    [Fact]
    public async Task Duplicate_email_is_a_conflict_with_hubspots_message()
    {
        var email = $"dup{Guid.NewGuid():N}@example.com";
        var first = await fixture.Client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email));
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => fixture.Client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email)));
        Assert.Equal(HttpStatusCode.Conflict, error.Status);
        Assert.Equal("CONFLICT", error.Category);
        Assert.Equal($"Contact already exists. Existing ID: {first.Id}", error.Message);
    }

    [Fact]
    public async Task Validation_errors_carry_per_property_details()
    {
        var error = await Assert.ThrowsAsync<HubSpotApiException>(
            () => fixture.Client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "not-an-email")));
        Assert.Equal("VALIDATION_ERROR", error.Category);
        var detail = Assert.Single(error.Errors);
        Assert.Equal("INVALID_EMAIL", detail.Code);
        Assert.Equal(["email"], detail.Context["propertyName"]);
    }

    [Theory]
    [InlineData("", "with no body")]
    [InlineData("<html>Bad gateway</html>", "not HubSpot's error JSON")]
    public void Non_json_and_empty_bodies_still_give_a_clear_exception(string body, string expected)
    {
        var error = HubSpotApiException.FromResponse(HttpStatusCode.BadGateway, body, null);
        Assert.Equal(HttpStatusCode.BadGateway, error.Status);
        Assert.Contains(expected, error.Message);
        Assert.Null(error.Category);
    }

    [Fact]
    public void Rate_limit_bodies_become_rate_limit_exceptions_with_the_policy()
    {
        var error = HubSpotApiException.FromResponse((HttpStatusCode)429,
            "{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling limit.\",\"errorType\":\"RATE_LIMIT\",\"correlationId\":\"c\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}",
            TimeSpan.FromSeconds(3));
        var limit = Assert.IsType<HubSpotRateLimitException>(error);
        Assert.Equal("TEN_SECONDLY_ROLLING", limit.PolicyName);
        Assert.Equal(TimeSpan.FromSeconds(3), limit.RetryAfter);
        Assert.Equal("c", limit.CorrelationId);
    }
}
