using System.Net.Http.Json;
using System.Text.Json;
using Spoke.Crm;
using Spoke.Errors;
using Spoke.Timeline;

namespace Spoke.Tests.Timeline;

public sealed class TimelineClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private sealed record AppInfo(long AppId, string DeveloperApiKey);

    /// <summary>Records what the client put on the wire.</summary>
    private sealed class Recorder : DelegatingHandler
    {
        public List<(Uri Uri, bool HasBearer)> Requests { get; } = [];

        public Recorder() : base(new HttpClientHandler())
        {
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!, request.Headers.Authorization is not null));
            return base.SendAsync(request, cancellationToken);
        }
    }

    private async Task<AppInfo> AppAsync()
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<AppInfo>(new Uri(fixture.Emulator.BaseUri, "_emulator/app"), new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }

    private HubSpotClient Client(string? developerKey, HttpClient? http = null, HubSpotApiVersion version = HubSpotApiVersion.V2026_09) =>
        new(http ?? new HttpClient(), new HubSpotClientOptions
        {
            BaseUri = fixture.Emulator.BaseUri, AccessToken = fixture.Emulator.Token, DeveloperApiKey = developerKey, ApiVersion = version,
        });

    private static TimelineEventTemplateCreate Template() => new()
    {
        Name = "Webinar " + Guid.NewGuid().ToString("N")[..6],
        ObjectType = "contacts",
        HeaderTemplate = "Registered for {{webinar}}",
        Tokens =
        [
            new TimelineToken { Name = "webinar", Label = "Webinar", Type = TimelineTokenType.String },
            new TimelineToken { Name = "seats", Label = "Seats", Type = TimelineTokenType.Number },
        ],
    };

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Templates_use_the_developer_key_and_events_the_token(HubSpotApiVersion version)
    {
        var app = await AppAsync();
        var recorder = new Recorder();
        var client = Client(app.DeveloperApiKey, new HttpClient(recorder), version);

        var template = await client.Timeline.CreateTemplateAsync(app.AppId, Template());
        Assert.Equal(2, template.Tokens.Count);
        var templateCall = recorder.Requests[^1];
        Assert.False(templateCall.HasBearer);
        Assert.Contains("hapikey=", templateCall.Uri.Query, StringComparison.Ordinal);

        var token = await client.Timeline.CreateTokenAsync(app.AppId, template.Id, new TimelineToken
        {
            Name = "level", Label = "Level", Type = TimelineTokenType.Enumeration,
            Options = [new TimelineTokenOption { Label = "Beginner", Value = "beginner" }],
        });
        Assert.Equal(TimelineTokenType.Enumeration, token.Type);
        var updated = await client.Timeline.UpdateTemplateAsync(app.AppId, template.Id, new TimelineEventTemplateUpdate { Name = "Webinar (renamed)", HeaderTemplate = "{{webinar}}" });
        Assert.Equal("Webinar (renamed)", updated.Name);
        Assert.Contains(await client.Timeline.ListTemplatesAsync(app.AppId).ToListAsync(), t => t.Id == template.Id);

        var contact = await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", $"t{Guid.NewGuid():N}@example.com"));
        var created = await client.Timeline.CreateEventAsync(new TimelineEvent
        {
            Id = Guid.NewGuid().ToString("N"), EventTemplateId = template.Id, ObjectId = contact.Id,
            Tokens = new Dictionary<string, string> { ["webinar"] = "Intro", ["seats"] = "2", ["level"] = "beginner" },
        });
        var eventCall = recorder.Requests[^1];
        Assert.True(eventCall.HasBearer);
        Assert.DoesNotContain("hapikey", eventCall.Uri.Query, StringComparison.Ordinal);
        Assert.Equal(contact.Id, created.ObjectId);

        var read = await client.Timeline.GetEventAsync(template.Id, created.Id);
        Assert.Equal("Intro", read.Tokens["webinar"]);

        await client.Timeline.DeleteTokenAsync(app.AppId, template.Id, "level");
        await client.Timeline.DeleteTemplateAsync(app.AppId, template.Id);
        Assert.Equal(404, (int)(await Assert.ThrowsAsync<HubSpotApiException>(() => client.Timeline.GetTemplateAsync(app.AppId, template.Id))).Status);
    }

    [Fact]
    public async Task Batch_create_returns_the_invalid_events_as_errors()
    {
        var app = await AppAsync();
        var client = Client(app.DeveloperApiKey);
        var template = await client.Timeline.CreateTemplateAsync(app.AppId, Template());
        var contact = await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", $"b{Guid.NewGuid():N}@example.com"));
        TimelineEvent Event(string id, string seats) => new()
        {
            Id = id, EventTemplateId = template.Id, ObjectId = contact.Id,
            Tokens = new Dictionary<string, string> { ["webinar"] = "Deep dive", ["seats"] = seats },
        };

        var outcome = await client.Timeline.BatchCreateEventsAsync([Event("ok-1", "3"), Event("bad-1", "many"), Event("ok-2", "4")]);
        Assert.Equal([(0, "ok-1"), (2, "ok-2")], outcome.Succeeded.Select(s => (s.InputIndex, s.Value.Id)));
        var error = Assert.Single(outcome.Failed);
        Assert.Equal((1, "bad-1"), (error.InputIndex, error.InputId));
        Assert.Equal(["bad-1"], error.Context["id"]);
    }

    [Fact]
    public async Task Template_calls_need_a_valid_developer_key()
    {
        var app = await AppAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Client(null).Timeline.ListTemplatesAsync(app.AppId).ToListAsync());
        var error = await Assert.ThrowsAsync<HubSpotAuthenticationException>(async () => await Client("wrong-key").Timeline.ListTemplatesAsync(app.AppId).ToListAsync());
        Assert.Equal(401, (int)error.Status);
    }
}
