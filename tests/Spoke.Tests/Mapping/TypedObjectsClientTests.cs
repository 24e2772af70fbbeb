using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Mapping;

namespace Spoke.Tests.Mapping;

/// <summary>Mapped classes against the emulator: one custom contact property of every type, written and read back typed.</summary>
public sealed class TypedObjectsClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static string Email() => $"m{Guid.NewGuid():N}@example.com";

    internal static async Task CreatePropertiesAsync(HubSpotEmulator emulator)
    {
        using var http = new HttpClient { BaseAddress = emulator.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.Token);
        JsonArray Options(params string[] values) => [.. values.Select(v => (JsonNode)new JsonObject { ["label"] = v, ["value"] = v })];
        var definitions = new (string Name, string Type, string FieldType, JsonArray? Options)[]
        {
            ("loyalty_points", "number", "number", null),
            ("visit_count", "number", "number", null),
            ("lifetime_orders", "number", "number", null),
            ("score", "number", "number", null),
            ("vip", "bool", "booleancheckbox", null),
            ("last_visit", "datetime", "date", null),
            ("member_since", "date", "date", null),
            ("tier", "enumeration", "select", Options("gold_tier", "silver_tier", "bronze")),
            ("interests", "enumeration", "checkbox", Options("product_a", "product_b", "product_c")),
            ("tags", "enumeration", "checkbox", Options("x", "y", "z")),
        };
        foreach (var (name, type, fieldType, options) in definitions)
        {
            var body = new JsonObject
            {
                ["name"] = name, ["label"] = name, ["type"] = type, ["fieldType"] = fieldType, ["groupName"] = "contactinformation",
            };
            if (options is not null)
            {
                body["options"] = options;
            }

            using var response = await http.PostAsJsonAsync("crm/v3/properties/contacts", body);
            Assert.True(response.IsSuccessStatusCode || (int)response.StatusCode == 409, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static Member Sample() => new()
    {
        Email = Email(),
        FirstName = "Ada",
        Points = -98765432109876.54321m,
        Visits = 42,
        Orders = 9_007_199_254_740_993,
        Score = 0.30000000000000004,
        Vip = true,
        // 23:59:59.999 in Honolulu is the next day in UTC.
        LastVisit = new DateTimeOffset(2025, 12, 31, 23, 59, 59, 999, TimeSpan.FromHours(-10)),
        MemberSince = new DateOnly(2024, 2, 29),
        Tier = Tier.Silver,
        Interests = [Interest.ProductC, Interest.ProductA],
        Tags = ["z", "x"],
    };

    private static void AssertSameValues(Member expected, Member actual, string[]? except = null)
    {
        void Check<TValue>(string member, TValue e, TValue a)
        {
            if (except?.Contains(member) != true)
            {
                Assert.Equal(e, a);
            }
        }

        Check("Email", expected.Email, actual.Email);
        Check("FirstName", expected.FirstName, actual.FirstName);
        Check("Points", expected.Points, actual.Points);
        Check("Visits", expected.Visits, actual.Visits);
        Check("Orders", expected.Orders, actual.Orders);
        Check("Score", expected.Score, actual.Score);
        Check("Vip", expected.Vip, actual.Vip);
        Check("LastVisit", expected.LastVisit, actual.LastVisit);
        Check("MemberSince", expected.MemberSince, actual.MemberSince);
        Check("Tier", expected.Tier, actual.Tier);
        Check("Interests", expected.Interests, actual.Interests);
        Check("Tags", expected.Tags, actual.Tags);
    }

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Every_property_type_round_trips_through_hubspot(HubSpotApiVersion version)
    {
        await CreatePropertiesAsync(fixture.Emulator);
        var members = fixture.NewClient(fixture.Emulator.Token, version).Crm.Objects<Member>();
        var sample = Sample();

        var created = await members.CreateAsync(sample);
        Assert.False(string.IsNullOrEmpty(created.Id));
        AssertSameValues(sample, created);

        var read = await members.GetAsync(created.Id!);
        AssertSameValues(sample, read);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero), read.CreatedAt);
        Assert.Equal(read.CreatedAt, read.CreateDate);
        Assert.False(read.Archived);

        // The same record through the untyped client holds HubSpot's exact wire text.
        var raw = await fixture.Client.Crm.Contacts.GetAsync(created.Id!, new CrmReadOptions { Properties = HubSpotMapper.GetPropertyNames<Member>().ToList() });
        Assert.Equal("-98765432109876.54321", raw.Properties["loyalty_points"]);
        Assert.Equal("9007199254740993", raw.Properties["lifetime_orders"]);
        Assert.Equal("2026-01-01T09:59:59.999Z", raw.Properties["last_visit"]);
        Assert.Equal("2024-02-29", raw.Properties["member_since"]);
        Assert.Equal("true", raw.Properties["vip"]);
        Assert.Equal("silver_tier", raw.Properties["tier"]);
        Assert.Equal("product_c;product_a", raw.Properties["interests"]);
    }

    [Fact]
    public async Task Mapped_classes_batch_create_update_upsert_read_and_search_without_strings()
    {
        await CreatePropertiesAsync(fixture.Emulator);
        var members = fixture.Client.Crm.Objects<Member>();
        var samples = Enumerable.Range(0, 3).Select(i =>
        {
            var m = Sample();
            m.Visits = i;
            return m;
        }).ToList();

        var created = (await members.BatchCreateAsync(samples)).EnsureAllSucceeded();
        Assert.Equal([0, 1, 2], created.Succeeded.Select(s => s.InputIndex));
        Assert.All(created.Succeeded, s => AssertSameValues(samples[s.InputIndex], s.Value));
        var ids = created.Values.Select(m => m.Id!).ToList();

        var updated = await members.BatchUpdateAsync([new Member { Id = ids[0], Tier = Tier.Gold }, new Member { Id = "999999999997", Visits = 7 }]);
        Assert.Equal(Tier.Gold, Assert.Single(updated.Succeeded).Value.Tier);
        Assert.Equal((1, "999999999997"), (Assert.Single(updated.Failed).InputIndex, updated.Failed[0].InputId));

        var fresh = Sample();
        var upserted = (await members.BatchUpsertAsync("email", [new Member { Email = samples[1].Email, Visits = 11 }, fresh])).EnsureAllSucceeded();
        Assert.Equal([(false, 11), (true, fresh.Visits)], upserted.Values.Select(u => (u.IsNew, u.Value.Visits)));

        var read = await members.BatchReadAsync([ids[2], ids[0]]);
        Assert.Equal([(ids[2], 2, (Tier?)Tier.Silver), (ids[0], 0, Tier.Gold)], read.Values.Select(m => (m.Id, m.Visits, m.Tier)));
        AssertSameValues(samples[2], read.Values[0]);

        var found = await members.SearchAsync(new CrmSearchRequest()
            .AddFilterGroup(CrmFilter.In("email", [.. samples.Select(m => (SearchValue)m.Email!)]))
            .OrderBy("visit_count")).ToListAsync();
        Assert.Equal([(ids[0], 0), (ids[2], 2), (ids[1], 11)], found.Select(m => (m.Id, m.Visits)));
        Assert.All(found, m => Assert.Equal(samples[0].LastVisit, m.LastVisit));
    }

    [Fact]
    public async Task Updates_touch_only_members_with_values_unless_asked_to_clear()
    {
        await CreatePropertiesAsync(fixture.Emulator);
        var members = fixture.Client.Crm.Contacts.As<Member>();
        var created = await members.CreateAsync(Sample());

        await members.UpdateAsync(created.Id!, new Member { Tier = Tier.Gold, Interests = [], Visits = 43 });
        var updated = await members.GetAsync(created.Id!);
        Assert.Equal(Tier.Gold, updated.Tier);
        Assert.Equal(43, updated.Visits);
        AssertSameValues(Sample(), updated, except: ["Tier", "Visits", "Email"]);

        var clearing = fixture.Client.Crm.Contacts.As<Member>(new MappingOptions { ClearUnsetValues = true });
        await clearing.UpdateAsync(new Member { Id = created.Id, Email = created.Email, Visits = 1 });
        var cleared = await members.GetAsync(created.Id!);
        Assert.Equal(created.Email, cleared.Email);
        Assert.Null(cleared.FirstName);
        Assert.Null(cleared.Points);
        Assert.Null(cleared.LastVisit);
        Assert.Null(cleared.MemberSince);
        Assert.Null(cleared.Vip);
        Assert.Null(cleared.Tier);
        Assert.Empty(cleared.Interests);
        Assert.Empty(cleared.Tags!);
    }

    [Fact]
    public async Task List_requests_exactly_the_mapped_properties_and_resumes_from_a_token()
    {
        await CreatePropertiesAsync(fixture.Emulator);
        var members = fixture.Client.Crm.Objects<Member>();
        var emails = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            var m = Sample();
            m.Visits = i;
            emails.Add((await members.CreateAsync(m)).Email!);
        }

        var listed = new List<Member>();
        await foreach (var m in members.ListAsync())
        {
            if (m.Email is { } e && emails.Contains(e))
            {
                listed.Add(m);
            }
        }

        Assert.Equal(5, listed.Count);
        Assert.All(listed, m => AssertSameValues(Sample(), m, except: ["Email", "Visits"]));

        string? token = null;
        await foreach (var page in members.ListAsync().AsPages(pageSize: 2))
        {
            Assert.Equal(2, page.Values.Count);
            token = page.ContinuationToken;
            break;
        }

        await foreach (var page in members.ListAsync().AsPages(token, pageSize: 2))
        {
            Assert.NotEmpty(page.Values);
            Assert.All(page.Values, m => Assert.NotNull(m.Id));
            break;
        }
    }

    [Fact]
    public async Task Dates_read_the_same_when_hubspot_returns_them_as_midnight_utc_datetimes()
    {
        var options = new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero)) };
        options.Fidelity.DatePropertiesAsDateOnly = false;
        await using var emulator = await HubSpotEmulator.StartAsync(options);
        await CreatePropertiesAsync(emulator);
        var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token });
        var sample = Sample();

        var created = await client.Crm.Objects<Member>().CreateAsync(sample);
        var raw = await client.Crm.Contacts.GetAsync(created.Id!, new CrmReadOptions { Properties = ["member_since"] });
        Assert.Equal("2024-02-29T00:00:00.000Z", raw.Properties["member_since"]);
        AssertSameValues(sample, await client.Crm.Objects<Member>().GetAsync(created.Id!));
    }

    [Fact]
    public void Objects_without_an_object_type_say_how_to_name_one() =>
        Assert.Contains("Objects<Deal>(\"contacts\")",
            Assert.Throws<HubSpotMappingException>(() => fixture.Client.Crm.Objects<Deal>()).Message, StringComparison.Ordinal);
}
