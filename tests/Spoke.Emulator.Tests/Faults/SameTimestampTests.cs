using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Faults;

/// <summary>sameTimestamp: many records sharing one lastmodifieddate, the case that breaks timestamp-cursor syncs.</summary>
public sealed class SameTimestampTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public SameTimestampTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        fixture.Emulator.Reset();
    }

    private Api Api => _fixture.Api;

    [Fact]
    public async Task One_hundred_creates_share_one_lastmodifieddate_while_the_rule_is_active()
    {
        var rule = (await Api.Post("/_emulator/faults", new { route = "POST /crm/v3/objects/contacts", kind = "sameTimestamp" })).Expect(201);
        var frozen = rule["at"].GetValue<string>();
        var stamps = new HashSet<string>();
        for (var i = 0; i < 100; i++)
        {
            _fixture.Emulator.Clock.Advance(TimeSpan.FromSeconds(1));
            var created = (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = $"same{i}@example.com" } })).Expect(201);
            stamps.Add(created["properties"]["lastmodifieddate"]!.GetValue<string>());
            Assert.Equal(frozen, created["properties"]["createdate"]!.GetValue<string>());
            Assert.Equal(frozen, created["updatedAt"].GetValue<string>());
        }

        Assert.Equal(frozen, Assert.Single(stamps));

        (await Api.Delete("/_emulator/faults")).Expect(204);
        var now = (await Api.Get("/_emulator/clock")).Expect(200)["now"].GetValue<string>();
        var after = (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "after@example.com" } })).Expect(201);
        Assert.Equal(now, after["properties"]["lastmodifieddate"]!.GetValue<string>());
        Assert.NotEqual(frozen, now);
    }

    [Fact]
    public async Task A_given_instant_stamps_updates_on_matching_routes_only()
    {
        var created = (await Api.Post("/crm/v3/objects/companies", new { properties = new { name = "Stamped" } })).Expect(201);
        var id = created["id"].GetValue<string>();
        (await Api.Post("/_emulator/faults", new { route = "PATCH /crm/v3/objects/companies/*", kind = "sameTimestamp", at = "2025-06-01T00:00:00Z" })).Expect(201);
        _fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(5));

        var updated = (await Api.Patch($"/crm/v3/objects/companies/{id}", new { properties = new { name = "Stamped 2" } })).Expect(200);
        var other = (await Api.Post("/crm/v3/objects/companies", new { properties = new { name = "Not stamped" } })).Expect(201);

        Assert.Equal("2025-06-01T00:00:00.000Z", updated["properties"]["hs_lastmodifieddate"]!.GetValue<string>());
        Assert.Equal("2025-06-01T00:00:00.000Z", updated["updatedAt"].GetValue<string>());
        Assert.NotEqual("2025-06-01T00:00:00.000Z", other["properties"]["hs_lastmodifieddate"]!.GetValue<string>());
    }
}
