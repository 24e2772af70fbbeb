using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Faults;

/// <summary>The clock's admin API, and archived records purged 90 days (emulator time) after archiving.</summary>
public sealed class ClockAndRetentionTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public ClockAndRetentionTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        fixture.Emulator.Reset();
        fixture.Emulator.Clock.Freeze(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero));
    }

    private Api Api => _fixture.Api;

    [Fact]
    public async Task Clock_can_be_read_frozen_at_an_instant_advanced_and_unfrozen()
    {
        var clock = (await Api.Get("/_emulator/clock")).Expect(200);
        Assert.Equal("2026-01-15T09:30:00.000Z", clock["now"].GetValue<string>());
        Assert.True(clock["frozen"].GetValue<bool>());

        var frozen = (await Api.Post("/_emulator/clock/freeze", new { at = "2030-01-01T00:00:00Z" })).Expect(200);
        Assert.Equal("2030-01-01T00:00:00.000Z", frozen["now"].GetValue<string>());
        var advanced = (await Api.Post("/_emulator/clock/advance", new { milliseconds = 1_500 })).Expect(200);
        Assert.Equal("2030-01-01T00:00:01.500Z", advanced["now"].GetValue<string>());

        var running = (await Api.Post("/_emulator/clock/unfreeze", null)).Expect(200);
        Assert.False(running["frozen"].GetValue<bool>());
        Assert.False(_fixture.Emulator.Clock.IsFrozen);
        Assert.True(_fixture.Emulator.Clock.GetUtcNow() >= new DateTimeOffset(2030, 1, 1, 0, 0, 1, 500, TimeSpan.Zero));

        var refrozen = (await Api.Post("/_emulator/clock/freeze", null)).Expect(200);
        Assert.True(refrozen["frozen"].GetValue<bool>());
        (await Api.Post("/_emulator/clock/freeze", new { at = "not a time" })).Expect(400);
    }

    [Fact]
    public async Task Archived_records_are_purged_90_days_after_archiving()
    {
        var first = (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "old@example.com" } })).Expect(201)["id"].GetValue<string>();
        var second = (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "newer@example.com" } })).Expect(201)["id"].GetValue<string>();
        (await Api.Delete($"/crm/v3/objects/contacts/{first}")).Expect(204);
        _fixture.Emulator.Clock.Advance(TimeSpan.FromDays(30));
        (await Api.Delete($"/crm/v3/objects/contacts/{second}")).Expect(204);

        _fixture.Emulator.Clock.Advance(TimeSpan.FromDays(59));
        (await Api.Get($"/crm/v3/objects/contacts/{first}?archived=true")).Expect(200);

        (await Api.Post("/_emulator/clock/advance", new { milliseconds = (long)TimeSpan.FromDays(1).TotalMilliseconds })).Expect(200);
        (await Api.Get($"/crm/v3/objects/contacts/{first}?archived=true")).Expect(404);
        var archived = (await Api.Get("/crm/v3/objects/contacts?archived=true")).Expect(200)["results"].AsArray();
        Assert.Equal([second], archived.Select(r => r!["id"]!.GetValue<string>()));

        _fixture.Emulator.Clock.Advance(TimeSpan.FromDays(30));
        (await Api.Get($"/crm/v3/objects/contacts/{second}?archived=true")).Expect(404);
        Assert.Empty((await Api.Get("/crm/v3/objects/contacts?archived=true")).Expect(200)["results"].AsArray());
    }

    [Fact]
    public async Task Live_records_are_never_purged()
    {
        var id = (await Api.Post("/crm/v3/objects/companies", new { properties = new { name = "Evergreen" } })).Expect(201)["id"].GetValue<string>();
        _fixture.Emulator.Clock.Advance(TimeSpan.FromDays(365));

        (await Api.Get($"/crm/v3/objects/companies/{id}")).Expect(200);
    }
}
