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
        Assert.Equal(401, error.Status);
        Assert.Equal("INVALID_AUTHENTICATION", error.Category);
    }

    [Fact]
    public async Task Missing_scope_names_the_required_scope()
    {
        var client = fixture.NewClient(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        var error = await Assert.ThrowsAsync<HubSpotAuthenticationException>(
            () => client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "x@example.com")));
        Assert.Equal(403, error.Status);
        Assert.Equal("MISSING_SCOPES", error.Category);
        Assert.Equal(["crm.objects.contacts.write"], error.RequiredScopes);
    }

    [Fact]
    public async Task Duplicate_email_is_a_conflict_with_hubspots_message()
    {
        var email = $"dup{Guid.NewGuid():N}@example.com";
        var first = await fixture.Client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email));
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => fixture.Client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email)));
        Assert.Equal(409, error.Status);
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
        Assert.Equal(502, error.Status);
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

    [Theory]
    [InlineData("", "with no body")]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "not HubSpot's error JSON")]
    public async Task Non_json_and_empty_answers_through_the_client_keep_status_and_the_header_correlation_id(string body, string expected)
    {
        var correlationId = Guid.NewGuid().ToString();
        var client = CannedClient(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent(body, System.Text.Encoding.UTF8, "text/html") };
            response.Headers.Add("X-HubSpot-Correlation-Id", correlationId);
            return response;
        });

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => client.Crm.Contacts.GetAsync("1"));

        Assert.Equal(502, error.Status);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(correlationId, error.CorrelationId);
    }

    [Fact]
    public async Task A_429_carries_retry_after_and_the_limit_headers()
    {
        var client = CannedClient(() =>
        {
            var response = new HttpResponseMessage((HttpStatusCode)429)
            {
                Content = new StringContent("{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling limit.\",\"errorType\":\"RATE_LIMIT\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}",
                    System.Text.Encoding.UTF8, "application/json"),
            };
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(4));
            response.Headers.Add("X-HubSpot-RateLimit-Max", "190");
            response.Headers.Add("X-HubSpot-RateLimit-Remaining", "0");
            response.Headers.Add("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
            response.Headers.Add("X-HubSpot-RateLimit-Daily", "650000");
            response.Headers.Add("X-HubSpot-RateLimit-Daily-Remaining", "12345");
            return response;
        });

        var error = await Assert.ThrowsAsync<HubSpotRateLimitException>(() => client.Crm.Contacts.GetAsync("1"));

        Assert.Equal("TEN_SECONDLY_ROLLING", error.PolicyName);
        Assert.Equal(TimeSpan.FromSeconds(4), error.RetryAfter);
        Assert.Equal(new HubSpotRateLimitInfo(190, 0, TimeSpan.FromSeconds(10), 650000, 12345), error.Limits);
    }

    /// <summary>A client whose every answer is <paramref name="answer"/>, with no retries (nothing leaves the process).</summary>
    private static HubSpotClient CannedClient(Func<HttpResponseMessage> answer) =>
        new(new HttpClient(new CannedHandler(answer)), new HubSpotClientOptions
        {
            BaseUri = new Uri("http://127.0.0.1:9/"),
            AccessToken = "pat-na1-" + Guid.NewGuid().ToString("N"),
            ApiVersion = HubSpotApiVersion.Classic,
            MaxRetries = 0,
            ProactiveRateLimiting = false,
        });

    private sealed class CannedHandler(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer());
    }
}
