using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Objects;

public sealed class AuthTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Missing_token_is_401_invalid_authentication()
    {
        using var anonymous = fixture.Api.WithToken(null);
        var reply = (await anonymous.Get("/crm/v3/objects/contacts")).Expect(401);
        Assert.Equal("INVALID_AUTHENTICATION", reply["category"].GetValue<string>());
        Assert.Contains("Authentication credentials not found", reply["message"].GetValue<string>());
    }

    [Fact]
    public async Task Unknown_token_is_401()
    {
        using var stranger = fixture.Api.WithToken("pat-na1-00000000-0000-0000-0000-000000000000");
        (await stranger.Get("/crm/v3/objects/contacts")).Expect(401);
    }

    [Fact]
    public async Task Token_without_the_scope_is_403_missing_scopes_naming_the_scope()
    {
        using var readOnly = fixture.Api.WithToken(fixture.Emulator.CreateToken("crm.objects.contacts.read"));
        (await readOnly.Get("/crm/v3/objects/contacts")).Expect(200);
        var reply = (await readOnly.Post("/crm/v3/objects/contacts", new { properties = new { email = "x@example.com" } })).Expect(403);
        Assert.Equal("MISSING_SCOPES", reply["category"].GetValue<string>());
        Assert.Equal("crm.objects.contacts.write", reply["errors"][0]!["context"]!["requiredGranularScopes"]![0]!.GetValue<string>());
        var companies = (await readOnly.Get("/crm/v3/objects/companies")).Expect(403);
        Assert.Equal("crm.objects.companies.read", companies["errors"][0]!["context"]!["requiredGranularScopes"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_api_issues_tokens_with_chosen_scopes()
    {
        using var admin = fixture.Api.WithToken(null);
        var created = (await admin.Post("/_emulator/tokens", new { scopes = new[] { "crm.objects.deals.read" } })).Expect(201);
        var token = created["token"].GetValue<string>();
        Assert.StartsWith("pat-", token);
        using var deals = fixture.Api.WithToken(token);
        (await deals.Get("/crm/v3/objects/deals")).Expect(200);
        (await deals.Get("/crm/v3/objects/contacts")).Expect(403);
    }

    [Fact]
    public async Task Admin_api_tells_the_app_id_and_the_developer_key_app_apis_accept()
    {
        using var anonymous = fixture.Api.WithToken(null);
        var app = (await anonymous.Get("/_emulator/app")).Expect(200);
        var appId = app["appId"].GetValue<long>();
        var key = app["developerApiKey"].GetValue<string>();
        Assert.Equal(fixture.Emulator.Portal.AppId, appId);
        Assert.Equal(fixture.Emulator.Portal.DeveloperApiKey, key);
        (await anonymous.Get($"/integrators/timeline/v3/{appId}/event-templates?hapikey={key}")).Expect(200);
    }
}
