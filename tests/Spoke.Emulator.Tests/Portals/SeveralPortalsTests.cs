using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.OAuth;
using Spoke.Emulator.Tests.Persistence;

namespace Spoke.Emulator.Tests.Portals;

/// <summary>Several portals in one emulator: each request acts on its token's portal, and nothing crosses between them.</summary>
public sealed class SeveralPortalsTests : IAsyncLifetime
{
    private const long Second = 22_222_222;
    private EmulatorFixture _fixture = null!;

    private HubSpotEmulator Emulator => _fixture.Emulator;

    public async Task InitializeAsync()
    {
        _fixture = new EmulatorFixture { Configure = o => o.AdditionalPortalIds.Add(Second) };
        await _fixture.InitializeAsync();
    }

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task Tokens_of_one_portal_never_see_another_portals_records()
    {
        Assert.Equal([Emulator.PortalId, Second], Emulator.PortalIds);
        using var first = new Api(Emulator.BaseUri, Emulator.Token);
        using var second = new Api(Emulator.BaseUri, Emulator.CreateToken(Second, "crm.objects.contacts.read", "crm.objects.contacts.write"));

        var mine = (await first.Post("/crm/v3/objects/contacts", new { properties = new { email = "one@example.com", firstname = "First" } })).Expect(201)["id"]!.GetValue<string>();
        // The same email in both portals: each portal's unique index is its own.
        var theirs = (await second.Post("/crm/v3/objects/contacts", new { properties = new { email = "one@example.com", firstname = "Second" } })).Expect(201)["id"]!.GetValue<string>();

        // Ids are per portal and may coincide; what the second portal's token reads is never the first portal's record.
        var read = await second.Get($"/crm/v3/objects/contacts/{mine}");
        Assert.True(read.Code == 404 || read["properties"]["firstname"]!.GetValue<string>() == "Second", read.Text);
        var listed = (await second.Get("/crm/v3/objects/contacts")).Expect(200)["results"].AsArray();
        Assert.Equal([theirs], listed.Select(r => r!["id"]!.GetValue<string>()));
        var searched = (await second.Post("/crm/v3/objects/contacts/search", new { filterGroups = Array.Empty<object>() })).Expect(200);
        Assert.Equal(1, searched["total"].GetValue<int>());
        Assert.Single((await first.Get("/crm/v3/objects/contacts")).Expect(200)["results"].AsArray(), r => r!["id"]!.GetValue<string>() == mine);
        Assert.Equal(Second, (await second.Get("/account-info/v3/details")).Expect(200)["portalId"].GetValue<long>());
    }

    [Fact]
    public async Task The_admin_api_takes_a_portal_id_and_refuses_an_unknown_one()
    {
        using var admin = new Api(Emulator.BaseUri, "");
        var portals = (await admin.Get("/_emulator/portals")).Expect(200)["results"].AsArray();
        Assert.Equal([Emulator.PortalId, Second], portals.Select(p => p!["portalId"]!.GetValue<long>()));

        var token = (await admin.Post($"/_emulator/tokens?portalId={Second}", new { scopes = new[] { "crm.objects.contacts.read" } })).Expect(201)["token"].GetValue<string>();
        Assert.Equal(Second, (await admin.Get($"/_emulator/health?portalId={Second}")).Expect(200)["portalId"].GetValue<long>());
        Assert.Equal(404, (await admin.Get("/_emulator/health?portalId=5")).Code);
        using var api = new Api(Emulator.BaseUri, token);
        (await api.Get("/crm/v3/objects/contacts")).Expect(200);
        Assert.Throws<ArgumentException>(() => Emulator.CreateToken(5, "crm.objects.contacts.read"));
    }

    [Fact]
    public async Task An_app_installed_in_two_portals_gets_tokens_that_each_act_on_their_own_portal()
    {
        var app = OAuthFlow.CreateApp(Emulator);
        using var flow = new OAuthFlow(Emulator, app);
        var (_, page, _) = await flow.PageAsync(flow.AuthorizeUrl());
        Assert.Contains($"<option value=\"{Second}\">Portal {Second}</option>", page, StringComparison.Ordinal);

        var inFirst = await flow.InstallAsync(choose: Emulator.PortalId);
        var inSecond = await flow.InstallAsync(choose: Second);
        Assert.Equal(Second, inSecond["hub_id"]!.GetValue<long>());
        using var first = new Api(Emulator.BaseUri, inFirst["access_token"]!.GetValue<string>());
        using var second = new Api(Emulator.BaseUri, inSecond["access_token"]!.GetValue<string>());
        using var writer = new Api(Emulator.BaseUri, Emulator.Token);
        var id = (await writer.Post("/crm/v3/objects/contacts", new { properties = new { email = "tenant-a@example.com" } })).Expect(201)["id"]!.GetValue<string>();
        Assert.Single((await first.Get("/crm/v3/objects/contacts")).Expect(200)["results"].AsArray());

        Assert.Empty((await second.Get("/crm/v3/objects/contacts")).Expect(200)["results"].AsArray());
        Assert.Equal(404, (await second.Get($"/crm/v3/objects/contacts/{id}")).Code);
        var refreshed = await flow.RefreshAsync(inSecond["refresh_token"]!.GetValue<string>());
        Assert.Equal(Second, refreshed.Body["hub_id"]!.GetValue<long>());

        // Uninstalling from one portal leaves the other installation working.
        Assert.True(Emulator.UninstallOAuthApp(app.ClientId, Second));
        Assert.Equal(401, (await second.Get("/crm/v3/objects/contacts")).Code);
        (await first.Get("/crm/v3/objects/contacts")).Expect(200);
    }

    [Fact]
    public async Task Each_portal_has_its_own_oauth_budget()
    {
        Emulator.RateLimits = RateLimitTier.Free;
        try
        {
            using var flow = new OAuthFlow(Emulator, OAuthFlow.CreateApp(Emulator));
            using var first = new Api(Emulator.BaseUri, (await flow.InstallAsync(choose: Emulator.PortalId))["access_token"]!.GetValue<string>());
            using var second = new Api(Emulator.BaseUri, (await flow.InstallAsync(choose: Second))["access_token"]!.GetValue<string>());
            for (var i = 0; i < 110; i++)
            {
                (await first.Get("/crm/v3/objects/contacts?limit=1")).Expect(200);
            }

            Assert.Equal(429, (await first.Get("/crm/v3/objects/contacts?limit=1")).Code);
            (await second.Get("/crm/v3/objects/contacts?limit=1")).Expect(200);
        }
        finally
        {
            Emulator.RateLimits = RateLimitTier.Off;
        }
    }
}

/// <summary>With a data file, each additional portal keeps its records in its own file beside it.</summary>
public sealed class SeveralPortalsPersistenceTests : IDisposable
{
    private readonly DataFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task An_additional_portals_records_and_tokens_survive_a_restart_in_their_own_file()
    {
        string token, id;
        await using (var emulator = await _file.StartAsync(o => o.AdditionalPortalIds.Add(33_333_333)))
        {
            token = emulator.CreateToken(33_333_333, "crm.objects.contacts.read", "crm.objects.contacts.write");
            using var api = new Api(emulator.BaseUri, token);
            id = (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "kept@example.com" } })).Expect(201)["id"]!.GetValue<string>();
        }

        await using (var emulator = await _file.StartAsync(o => o.AdditionalPortalIds.Add(33_333_333)))
        {
            using var api = new Api(emulator.BaseUri, token);
            Assert.Equal("kept@example.com", (await api.Get($"/crm/v3/objects/contacts/{id}")).Expect(200)["properties"]["email"]!.GetValue<string>());
            using var primary = new Api(emulator.BaseUri, emulator.Token);
            Assert.Equal(404, (await primary.Get($"/crm/v3/objects/contacts/{id}")).Code);
        }
    }
}

/// <summary>The developer app is installed in every portal: one target URL and one set of subscriptions, each portal's events with its own portal id.</summary>
public sealed class SeveralPortalsWebhookTests
{
    private const long Second = 44_444_444;

    [Fact]
    public async Task Each_portals_changes_reach_the_apps_target_with_that_portals_id_signed_with_the_apps_secret()
    {
        await using var receiver = await Webhooks.WebhookReceiver.StartAsync();
        var secret = Guid.NewGuid().ToString();
        var options = new HubSpotEmulatorOptions { AppId = 555_001, ClientSecret = secret };
        options.AdditionalPortalIds.Add(Second);
        await using var emulator = await HubSpotEmulator.StartAsync(options);
        using var developer = new Api(emulator.BaseUri, "");
        string Path(string suffix) => $"/webhooks/v3/{emulator.AppId}{suffix}?hapikey={emulator.DeveloperApiKey}";
        (await developer.Put(Path("/settings"), new { targetUrl = receiver.Url.ToString(), throttling = new { maxConcurrentRequests = 10 } })).Expect(200);
        (await developer.Post(Path("/subscriptions"), new { eventType = "contact.creation", active = true })).Expect(201);

        using var first = new Api(emulator.BaseUri, emulator.Token);
        using var second = new Api(emulator.BaseUri, emulator.CreateToken(Second, "crm.objects.contacts.write"));
        var inFirst = (await first.Post("/crm/v3/objects/contacts", new { properties = new { email = "a@one.example" } })).Expect(201)["id"]!.GetValue<string>();
        var inSecond = (await second.Post("/crm/v3/objects/contacts", new { properties = new { email = "b@two.example" } })).Expect(201)["id"]!.GetValue<string>();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (receiver.Events.Count() < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var events = receiver.Events.ToList();
        Assert.Equal(2, events.Count);
        Assert.Contains(events, e => e["portalId"]!.GetValue<long>() == emulator.PortalId && e["objectId"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture) == inFirst);
        Assert.Contains(events, e => e["portalId"]!.GetValue<long>() == Second && e["objectId"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture) == inSecond);
        Assert.All(events, e => Assert.Equal(555_001, e["appId"]!.GetValue<long>()));
        foreach (var request in receiver.Received)
        {
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret + request.Body)));
            Assert.Equal(expected, request.Headers["X-HubSpot-Signature"]);
        }

        // Pausing the app (no settings) pauses every portal's deliveries.
        (await developer.Delete(Path("/settings"))).Expect(204);
        receiver.Clear();
        (await second.Post("/crm/v3/objects/contacts", new { properties = new { email = "c@two.example" } })).Expect(201);
        Assert.True(await emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(5)));
        using var admin = new Api(emulator.BaseUri, "");
        (await admin.Post($"/_emulator/webhooks/wait?portalId={Second}", new { })).Expect(200);
        Assert.Empty(receiver.Received);
    }
}

/// <summary>SeedAdditionalPortals: every portal a demo portal of its own.</summary>
public sealed class SeveralPortalsSeedTests
{
    [Fact]
    public async Task Each_additional_portal_gets_a_demo_seed_of_its_own_only_when_asked()
    {
        var options = new HubSpotEmulatorOptions { Seed = SeedKind.Demo, SeedSize = 10, SeedAdditionalPortals = true };
        options.AdditionalPortalIds.Add(55_555_555);
        await using var seeded = await HubSpotEmulator.StartAsync(options);
        using var first = new Api(seeded.BaseUri, seeded.Token);
        using var second = new Api(seeded.BaseUri, seeded.CreateToken(55_555_555, "crm.objects.contacts.read"));
        var firstEmails = await EmailsAsync(first);
        var secondEmails = await EmailsAsync(second);
        Assert.Equal(10, firstEmails.Count);
        Assert.Equal(10, secondEmails.Count);
        Assert.Empty(firstEmails.Intersect(secondEmails));

        var plain = new HubSpotEmulatorOptions { Seed = SeedKind.Demo, SeedSize = 10 };
        plain.AdditionalPortalIds.Add(55_555_555);
        await using var unseeded = await HubSpotEmulator.StartAsync(plain);
        using var empty = new Api(unseeded.BaseUri, unseeded.CreateToken(55_555_555, "crm.objects.contacts.read"));
        Assert.Empty(await EmailsAsync(empty));
    }

    private static async Task<HashSet<string>> EmailsAsync(Api api) =>
        [.. (await api.Get("/crm/v3/objects/contacts?limit=100&properties=email")).Expect(200)["results"].AsArray().Select(r => r!["properties"]!["email"]!.GetValue<string>())];
}
