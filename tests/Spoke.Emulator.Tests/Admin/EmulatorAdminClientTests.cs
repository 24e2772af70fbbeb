using System.Collections.Concurrent;
using Spoke.Emulator.Admin;
using Spoke.Emulator.Faults;
using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Webhooks;
using Spoke.Emulator.Webhooks;

namespace Spoke.Emulator.Tests.Admin;

/// <summary>Records each request's method, path and content type, so tests can check what the admin client sends.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new HttpClientHandler())
{
    public ConcurrentQueue<(HttpMethod Method, string Path, string? ContentType, string? Body)> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request.Method, request.RequestUri!.AbsolutePath, request.Content?.Headers.ContentType?.MediaType, body));
        return await base.SendAsync(request, cancellationToken);
    }
}

public sealed class EmulatorAdminClientTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private HubSpotEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task Tokens_clock_rate_limits_search_lag_and_reset_work_over_http()
    {
        using var admin = new EmulatorAdminClient(Emulator.BaseUri);

        Assert.Equal(new EmulatorHealth("ok", Emulator.PortalId), await admin.GetHealthAsync());
        Assert.Equal(Emulator.AppId, (await admin.GetAppAsync()).AppId);

        var token = await admin.CreateTokenAsync(["crm.objects.contacts.read"]);
        Assert.Equal(["crm.objects.contacts.read"], token.Scopes);
        using var api = fixture.Api.WithToken(token.Token);
        (await api.Get("/crm/v3/objects/contacts")).Expect(200);
        (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "admin@example.com" } })).Expect(403);

        var before = await admin.GetClockAsync();
        Assert.True(before.Frozen);
        Assert.Equal(before.Now + TimeSpan.FromMinutes(5), (await admin.AdvanceClockAsync(TimeSpan.FromMinutes(5))).Now);
        var at = new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new EmulatorClockState(at, true), await admin.FreezeClockAsync(at));
        Assert.False((await admin.UnfreezeClockAsync()).Frozen);
        await admin.FreezeClockAsync(before.Now);
        Assert.Equal(before.Now, Emulator.Clock.GetUtcNow());

        var limits = await admin.SetRateLimitTierAsync("professional");
        Assert.Equal(("professional", 190L), (limits.Tier, limits.PerTenSeconds));
        Assert.Equal("off", (await admin.SetRateLimitTierAsync("off")).Tier);
        Assert.Equal("off", (await admin.GetRateLimitsAsync()).Tier);

        Assert.Equal(TimeSpan.FromSeconds(3), await admin.SetSearchLagAsync(TimeSpan.FromSeconds(3)));
        Assert.Equal(TimeSpan.FromSeconds(3), await admin.GetSearchLagAsync());
        await admin.SetSearchLagAsync(TimeSpan.Zero);

        (await fixture.Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "gone@example.com" } })).Expect(201);
        await admin.ResetAsync();
        Assert.Empty((await fixture.Api.Get("/crm/v3/objects/contacts"))["results"].AsArray());
    }

    [Fact]
    public async Task Fault_rules_are_added_listed_fired_and_removed()
    {
        using var admin = new EmulatorAdminClient(Emulator.BaseUri);
        await admin.ClearFaultsAsync();

        var added = await admin.AddFaultAsync(new FaultRule { Route = "GET /crm/v3/objects/companies", Kind = FaultKind.Status, Status = 503, Count = 1 });
        Assert.NotNull(added.Rule.Id);
        Assert.Equal((FaultKind.Status, 503, 1), (added.Rule.Kind, added.Rule.Status, added.Rule.Count));
        await admin.AddFaultAsync(new FaultRule { Route = "* /crm/v3/objects/deals*", Kind = FaultKind.RateLimit, Count = 2 });

        (await fixture.Api.Get("/crm/v3/objects/companies")).Expect(503);
        (await fixture.Api.Get("/crm/v3/objects/companies")).Expect(200);
        var listed = await admin.ListFaultsAsync();
        Assert.Equal([FaultKind.Status, FaultKind.RateLimit], listed.Select(s => s.Rule.Kind));
        Assert.Equal((added.Rule.Id, 1), (listed[0].Rule.Id, listed[0].Fired));

        await admin.RemoveFaultAsync(listed[1].Rule.Id!);
        Assert.Single(await admin.ListFaultsAsync());
        await admin.ClearFaultsAsync();
        Assert.Empty(await admin.ListFaultsAsync());
    }

    [Fact]
    public async Task Owners_are_added_and_deactivated()
    {
        using var admin = new EmulatorAdminClient(Emulator.BaseUri);
        var email = $"owner-{Guid.NewGuid():N}@example.com";

        var owner = await admin.CreateOwnerAsync(email, "Ada", "Lovelace");

        Assert.Equal(email, owner.Email);
        Assert.Equal(owner.UserId, (await fixture.Api.Get($"/crm/v3/owners/{owner.Id}"))["userId"].GetValue<long>());
        await admin.DeactivateOwnerAsync(owner.Id);
        (await fixture.Api.Get($"/crm/v3/owners/{owner.Id}")).Expect(404);
        Assert.Equal(409, (await Assert.ThrowsAsync<EmulatorAdminException>(() => admin.CreateOwnerAsync(email))).Status);
    }

    [Fact]
    public async Task A_refused_request_throws_with_the_emulators_message()
    {
        using var admin = new EmulatorAdminClient(Emulator.BaseUri);

        var unknownTier = await Assert.ThrowsAsync<EmulatorAdminException>(() => admin.SetRateLimitTierAsync("platinum"));
        var missingRule = await Assert.ThrowsAsync<EmulatorAdminException>(() => admin.RemoveFaultAsync("fault-does-not-exist"));

        Assert.Equal(400, unknownTier.Status);
        Assert.Contains("\"tier\" must be one of", unknownTier.Message, StringComparison.Ordinal);
        Assert.Equal(404, missingRule.Status);
        Assert.Contains("fault-does-not-exist", missingRule.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_request_with_a_body_and_every_post_is_json()
    {
        var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        using var admin = new EmulatorAdminClient(Emulator.BaseUri, http);

        await admin.CreateTokenAsync();
        await admin.AdvanceClockAsync(TimeSpan.Zero);
        await admin.FreezeClockAsync();
        await admin.SetSearchLagAsync(TimeSpan.Zero);
        await admin.SetRateLimitTierAsync("off");
        await admin.SetWebhookFaultsAsync(new WebhookDeliveryFaults());
        await admin.WaitForWebhooksAsync();
        await admin.FlushWebhooksAsync();
        await admin.ResetAsync();
        var rule = await admin.AddFaultAsync(new FaultRule { Route = "GET /nowhere", Kind = FaultKind.Drop });
        await admin.RemoveFaultAsync(rule.Rule.Id!);

        var posts = recorder.Requests.Where(r => r.Method == HttpMethod.Post || r.Method == HttpMethod.Put).ToList();
        Assert.Equal(10, posts.Count);
        Assert.All(posts, r => Assert.Equal("application/json", r.ContentType));
        Assert.All(posts, r => Assert.False(string.IsNullOrEmpty(r.Body), $"{r.Method} {r.Path} was sent without a body"));
        Assert.All(recorder.Requests.Where(r => r.Body is not null), r => Assert.Equal("application/json", r.ContentType));
    }
}

public sealed class EmulatorAdminClientWebhookTests(WebhooksFixture fixture) : IClassFixture<WebhooksFixture>
{
    [Fact]
    public async Task Deliveries_faults_and_flush_drive_webhook_delivery_over_http()
    {
        await fixture.ResetAsync(new { eventType = "contact.creation" });
        using var admin = new EmulatorAdminClient(fixture.Emulator.BaseUri);
        await admin.ClearWebhookDeliveriesAsync();
        var faults = await admin.SetWebhookFaultsAsync(new WebhookDeliveryFaults { Duplicates = new WebhookFaultSwitch { Probability = 0.5, Count = 3 }, Seed = 7 });
        Assert.Equal((0.5, 3, 7), (faults.Duplicates!.Probability, faults.Duplicates.Count, faults.Seed));
        Assert.Equal(faults, await admin.GetWebhookFaultsAsync());
        await admin.SetWebhookFaultsAsync(new WebhookDeliveryFaults());
        Assert.Null((await admin.GetWebhookFaultsAsync()).Duplicates);

        var calls = 0;
        fixture.Receiver.Respond = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? 503 : 200);
        (await fixture.Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "hook@example.com" } })).Expect(201);

        // The first attempt fails and its retry is scheduled on the (frozen) emulator clock: waiting leaves it scheduled.
        var waited = await admin.WaitForWebhooksAsync();
        Assert.Equal((true, 1), (waited.Idle, waited.Scheduled));
        var first = Assert.Single(await admin.GetWebhookDeliveriesAsync());
        Assert.Equal(("status", 503, 0), (first.Outcome, first.Status, first.AttemptNumber));
        Assert.NotNull(first.NextRetryAt);

        // Flush sends the retry now, without moving the clock.
        var flushed = await admin.FlushWebhooksAsync();
        Assert.Equal(new EmulatorWebhookBacklog(true, 0, 0, 0), flushed);
        var deliveries = await admin.GetWebhookDeliveriesAsync();
        Assert.Equal(["status", "delivered"], deliveries.Select(d => d.Outcome));
        Assert.Equal(first.EventIds, deliveries[1].EventIds);
        Assert.Equal(WebhooksFixture.Start, fixture.Emulator.Clock.GetUtcNow());

        await admin.ClearWebhookDeliveriesAsync();
        Assert.Empty(await admin.GetWebhookDeliveriesAsync());
    }

    [Fact]
    public async Task An_archived_record_is_restored_as_from_the_ui()
    {
        await fixture.ResetAsync();
        using var admin = new EmulatorAdminClient(fixture.Emulator.BaseUri);
        var id = (await fixture.Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "restore@example.com" } })).Expect(201)["id"].GetValue<string>();
        (await fixture.Api.Delete($"/crm/v3/objects/contacts/{id}")).Expect(204);

        await admin.RestoreRecordAsync("contacts", id);

        (await fixture.Api.Get($"/crm/v3/objects/contacts/{id}")).Expect(200);
        await Assert.ThrowsAsync<EmulatorAdminException>(() => admin.RestoreRecordAsync("contacts", id));
    }
}
