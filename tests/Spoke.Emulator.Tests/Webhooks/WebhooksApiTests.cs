using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Webhooks;

/// <summary>Webhook settings and subscriptions (docs/hubspot-api.md §3.10) under the developer API key.</summary>
public sealed class WebhooksApiTests(WebhooksFixture fixture) : IClassFixture<WebhooksFixture>
{
    private Api Developer => fixture.Developer;

    private string P(string suffix) => fixture.Path(suffix);

    [Fact]
    public async Task Settings_put_get_and_delete_on_the_classic_and_dated_paths()
    {
        fixture.Emulator.Reset();
        (await Developer.Get(P("/settings"))).Expect(404);
        var put = (await Developer.Put(P("/settings"), new { targetUrl = "https://example.com/hooks", throttling = new { maxConcurrentRequests = 7, period = "SECONDLY" } })).Expect(200);
        Assert.Equal("https://example.com/hooks", put["targetUrl"].GetValue<string>());
        Assert.Equal(7, put["throttling"]["maxConcurrentRequests"]!.GetValue<int>());
        Assert.NotNull(put.Body!["createdAt"]);

        var dated = (await Developer.Get(fixture.Path("/settings", "/app-webhooks/2026-09"))).Expect(200);
        Assert.Equal("https://example.com/hooks", dated["targetUrl"].GetValue<string>());
        (await Developer.Put(fixture.Path("/settings", "/app-webhooks/2026-09"), new { targetUrl = "https://example.com/v2", throttling = new { maxConcurrentRequests = 10 } })).Expect(200);
        var updated = (await Developer.Get(P("/settings"))).Expect(200);
        Assert.Equal("https://example.com/v2", updated["targetUrl"].GetValue<string>());
        Assert.NotNull(updated.Body!["updatedAt"]);

        (await Developer.Delete(P("/settings"))).Expect(204);
        (await Developer.Get(P("/settings"))).Expect(404);
    }

    [Fact]
    public async Task Settings_are_validated()
    {
        fixture.Emulator.Reset();
        var noUrl = (await Developer.Put(P("/settings"), new { throttling = new { maxConcurrentRequests = 10 } })).Expect(400);
        Assert.Contains("targetUrl", noUrl.Text, StringComparison.Ordinal);
        (await Developer.Put(P("/settings"), new { targetUrl = "not a url" })).Expect(400);
        var zero = (await Developer.Put(P("/settings"), new { targetUrl = "https://example.com", throttling = new { maxConcurrentRequests = 0 } })).Expect(400);
        Assert.Contains("maxConcurrentRequests", zero.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_developer_key_is_required_and_the_app_id_must_be_the_emulators()
    {
        var path = $"/webhooks/v3/{fixture.Emulator.AppId}/subscriptions";
        (await Developer.Get(path)).Expect(401);
        (await fixture.Api.Get(path)).Expect(401); // a bearer token is not the developer key
        (await Developer.Get(path + "?hapikey=wrong")).Expect(401);
        var other = (await Developer.Get($"/webhooks/v3/999/subscriptions?hapikey={fixture.Emulator.DeveloperApiKey}")).Expect(404);
        Assert.Contains("999", other.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscriptions_create_get_list_patch_put_and_delete()
    {
        fixture.Emulator.Reset();
        var created = (await Developer.Post(P("/subscriptions"), new { eventType = "contact.propertyChange", propertyName = "email", active = true })).Expect(201);
        var id = created["id"].GetValue<string>();
        Assert.Equal("contact.propertyChange", created["eventType"].GetValue<string>());
        Assert.Equal("email", created["propertyName"].GetValue<string>());
        Assert.True(created["active"].GetValue<bool>());

        // Without "active" a subscription starts paused, like one made in HubSpot's UI.
        var paused = (await Developer.Post(P("/subscriptions"), new { eventType = "deal.creation" })).Expect(201);
        Assert.False(paused["active"].GetValue<bool>());

        var list = (await Developer.Get(P("/subscriptions"))).Expect(200);
        Assert.Equal(2, list["results"].AsArray().Count);
        Assert.Equal(id, (await Developer.Get(P($"/subscriptions/{id}"))).Expect(200)["id"].GetValue<string>());

        var patched = (await Developer.Patch(P($"/subscriptions/{id}"), new { active = false })).Expect(200);
        Assert.False(patched["active"].GetValue<bool>());
        Assert.NotNull(patched.Body!["updatedAt"]);
        var put = (await Developer.Put(fixture.Path($"/subscriptions/{id}", "/app-webhooks/2026-09"), new { active = true })).Expect(200);
        Assert.True(put["active"].GetValue<bool>());
        (await Developer.Patch(P($"/subscriptions/{id}"), new { })).Expect(400);

        (await Developer.Delete(P($"/subscriptions/{id}"))).Expect(204);
        (await Developer.Get(P($"/subscriptions/{id}"))).Expect(404);
        (await Developer.Delete(P($"/subscriptions/{id}"))).Expect(404);
    }

    [Fact]
    public async Task Batch_update_answers_200_or_207_with_the_unknown_ids()
    {
        fixture.Emulator.Reset();
        var a = (await Developer.Post(P("/subscriptions"), new { eventType = "contact.creation" })).Expect(201)["id"].GetValue<string>();
        var b = (await Developer.Post(P("/subscriptions"), new { eventType = "company.creation" })).Expect(201)["id"].GetValue<string>();
        var ok = (await Developer.Post(P("/subscriptions/batch/update"), new { inputs = new object[] { new { id = long.Parse(a), active = true }, new { id = long.Parse(b), active = true } } })).Expect(200);
        Assert.Equal(2, ok["results"].AsArray().Count);
        Assert.All(ok["results"].AsArray(), r => Assert.True(r!["active"]!.GetValue<bool>()));

        var partial = (await Developer.Post(P("/subscriptions/batch/update"), new { inputs = new object[] { new { id = long.Parse(a), active = false }, new { id = 424242, active = true } } })).Expect(207);
        Assert.Single(partial["results"].AsArray());
        Assert.Equal(1, partial["numErrors"].GetValue<int>());
        Assert.Contains("424242", partial.Text, StringComparison.Ordinal);
        Assert.False((await Developer.Get(P($"/subscriptions/{a}"))).Expect(200)["active"].GetValue<bool>());
    }

    [Theory]
    [InlineData("{\"eventType\":\"contact.explosion\"}", "contact.explosion")]
    [InlineData("{}", "eventType")]
    [InlineData("{\"eventType\":\"contact.propertyChange\"}", "propertyName")]
    [InlineData("{\"eventType\":\"contact.propertyChange\",\"propertyName\":\"hs_lastmodifieddate\"}", "hs_lastmodifieddate")]
    [InlineData("{\"eventType\":\"contact.propertyChange\",\"propertyName\":\"no_such_property\"}", "no_such_property")]
    [InlineData("{\"eventType\":\"object.creation\"}", "objectTypeId")]
    [InlineData("{\"eventType\":\"object.creation\",\"objectTypeId\":\"2-999\"}", "2-999")]
    [InlineData("{\"eventType\":\"product.associationChange\"}", "product.associationChange")]
    public async Task Invalid_subscriptions_are_refused_with_what_was_wrong(string body, string mentioned)
    {
        fixture.Emulator.Reset();
        var reply = (await Developer.Post(P("/subscriptions"), body)).Expect(400);
        Assert.Contains(mentioned, reply.Text, StringComparison.Ordinal);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
    }

    [Fact]
    public async Task An_app_holds_at_most_1000_subscriptions()
    {
        fixture.Emulator.Reset();
        using (fixture.Emulator.Portal.Write())
        {
            for (var i = 0; i < 999; i++)
            {
                fixture.Emulator.Portal.Webhooks.Subscriptions.Add(new Emulator.Webhooks.WebhookSubscription { Id = 10_000 + i, EventType = "contact.creation" });
            }

            fixture.Emulator.Portal.Webhooks.SubscriptionsChanged();
        }

        (await Developer.Post(P("/subscriptions"), new { eventType = "contact.creation" })).Expect(201);
        var full = (await Developer.Post(P("/subscriptions"), new { eventType = "contact.creation" })).Expect(400);
        Assert.Contains("You've reached the maximum number allowed per application (1000)", full.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_clears_settings_and_subscriptions_but_keeps_the_app()
    {
        await fixture.ResetAsync(new { eventType = "contact.creation" });
        var key = fixture.Emulator.DeveloperApiKey;
        fixture.Emulator.Reset();
        Assert.Equal(key, fixture.Emulator.DeveloperApiKey);
        (await Developer.Get(P("/settings"))).Expect(404);
        Assert.Empty((await Developer.Get(P("/subscriptions"))).Expect(200)["results"].AsArray());
    }
}
