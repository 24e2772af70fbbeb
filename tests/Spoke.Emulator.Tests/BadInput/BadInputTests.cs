using System.Text;
using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.BadInput;

/// <summary>
/// The cases the hostile test found answering 500 (issue 9, point 7): each is now HubSpot's 400 VALIDATION_ERROR body
/// with a message that says what was wrong, and the portal keeps working afterwards.
/// </summary>
public sealed class BadInputTests(HostileInputFixture fixture) : IClassFixture<HostileInputFixture>
{
    private static JsonObject Error400(int status, string text)
    {
        Assert.True(status == 400, $"expected 400, got {status}: {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("error", body["status"]!.GetValue<string>());
        Assert.Equal("VALIDATION_ERROR", body["category"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["correlationId"]?.GetValue<string>()));
        return body;
    }

    private static string Message(JsonObject body) => body["message"]!.GetValue<string>();

    [Theory]
    [InlineData("invalid bytes", new byte[] { 0xFF, 0xFE })]
    [InlineData("an overlong '/'", new byte[] { 0xC0, 0xAF })]
    [InlineData("a UTF-8-encoded surrogate", new byte[] { 0xED, 0xA0, 0x80 })]
    public async Task A_body_that_is_not_UTF8_is_a_400_that_says_so(string what, byte[] bad)
    {
        byte[] body = [.. "{\"properties\":{\"firstname\":\"a"u8, .. bad, .. "\"}}"u8];
        var (status, text) = await fixture.SendRawAsync("POST", "/crm/v3/objects/contacts", body);
        var message = Message(Error400(status, text));
        Assert.True(message.Contains("not valid UTF-8", StringComparison.Ordinal) && message.Contains("offset 29", StringComparison.Ordinal), $"{what}: {message}");
    }

    [Theory]
    [InlineData("POST", "/crm/v3/objects/contacts", """{"properties":{"email":"ok@example.com","firstname":"\ud800"}}""", "properties.firstname")]
    [InlineData("PATCH", "/crm/v3/objects/contacts/{contact}", """{"properties":{"lastname":"x\uDC00y"}}""", "properties.lastname")]
    [InlineData("POST", "/crm/v3/objects/contacts/batch/create", """{"inputs":[{"properties":{}},{"properties":{"firstname":"\udfff"}}]}""", "inputs[1].properties.firstname")]
    [InlineData("POST", "/crm/v3/objects/contacts/search", """{"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"\ud800"}]}]}""", "filterGroups[0].filters[0].value")]
    [InlineData("POST", "/crm/v3/objects/contacts/search", """{"query":"\ud800"}""", "query")]
    [InlineData("POST", "/crm/v3/properties/contacts", """{"name":"p","label":"\ud83d","type":"string","fieldType":"text","groupName":"contactinformation"}""", "label")]
    [InlineData("POST", "/_emulator/tokens", """{"scopes":["\ud800"]}""", "scopes[0]")]
    public async Task A_lone_surrogate_escape_is_a_400_naming_the_field(string method, string path, string json, string field)
    {
        var (status, text) = await fixture.SendRawAsync(method, path, Encoding.UTF8.GetBytes(json));
        var body = Error400(status, text);
        Assert.Contains($"\"{field}\" holds an invalid string", Message(body), StringComparison.Ordinal);
        Assert.Equal(field, body["context"]!["field"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_surrogate_pair_escape_is_still_accepted()
    {
        var (status, text) = await fixture.SendRawAsync("POST", "/crm/v3/objects/contacts",
            """{"properties":{"email":"pair@example.com","firstname":"\ud83d\ude00"}}"""u8.ToArray());
        Assert.True(status == 201, text);
        Assert.Equal("\U0001F600", JsonNode.Parse(text)!["properties"]!["firstname"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tokens_with_scopes_that_are_not_strings_are_a_400()
    {
        foreach (var scopes in new[] { """{"scopes":[1]}""", """{"scopes":[null]}""", """{"scopes":"crm.objects.contacts.read"}""" })
        {
            var (status, text) = await fixture.SendRawAsync("POST", "/_emulator/tokens", Encoding.UTF8.GetBytes(scopes));
            Assert.Contains("\"scopes\" must be an array of scope names", Message(Error400(status, text)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_dynamic_list_filter_far_in_time_leaves_record_writes_working()
    {
        var list = """{"name":"Far future","objectTypeId":"0-1","processingType":"DYNAMIC","filterBranch":{"filterBranchType":"OR","filters":[],"filterBranches":[{"filterBranchType":"AND","filterBranches":[],"filters":[{"filterType":"PROPERTY","property":"createdate","operation":{"operationType":"TIME_POINT","operator":"IS_AFTER","timePoint":{"timeType":"INDEXED","zoneId":"UTC","indexReference":{"referenceType":"NOW"},"offset":{"years":1000000}}}}]}]}}""";
        var (listStatus, listText) = await fixture.SendRawAsync("POST", "/crm/v3/lists", Encoding.UTF8.GetBytes(list));
        Assert.True(listStatus is 200 or 400, $"{listStatus}: {listText}");
        var (status, text) = await fixture.SendRawAsync("POST", "/crm/v3/objects/contacts", """{"properties":{"email":"after-far-list@example.com"}}"""u8.ToArray());
        Assert.True(status == 201, $"{status}: {text}");
    }
}

/// <summary>The admin clock at its edges: each refusal is a 400 that gives the largest allowed value, and the clock stays usable.</summary>
public sealed class ClockEdgeTests
{
    private static async Task<(HubSpotEmulator Emulator, Api Api)> StartAsync()
    {
        var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero)) });
        return (emulator, new Api(emulator.BaseUri, emulator.Token));
    }

    [Fact]
    public async Task Advancing_by_long_MaxValue_is_a_400_giving_the_largest_advance()
    {
        var (emulator, api) = await StartAsync();
        await using var _ = emulator;
        using var __ = api;
        var reply = (await api.Post("/_emulator/clock/advance", """{"milliseconds":9223372036854775807}""")).Expect(400);
        var largest = (long)(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero) - new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero)).TotalMilliseconds;
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.Contains($"\"milliseconds\" may be at most {largest}", reply["message"].GetValue<string>(), StringComparison.Ordinal);

        // The largest allowed advance is accepted, and the portal still answers.
        (await api.Post("/_emulator/clock/advance", $$"""{"milliseconds":{{largest}}}""")).Expect(200);
        Assert.Equal("9999-12-31T00:00:00.000Z", (await api.Get("/_emulator/clock")).Expect(200)["now"].GetValue<string>());
        (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "late@example.com" } })).Expect(201);
    }

    [Fact]
    public async Task A_clock_frozen_at_the_end_of_time_refuses_another_day_with_a_400()
    {
        var (emulator, api) = await StartAsync();
        await using var _ = emulator;
        using var __ = api;
        (await api.Post("/_emulator/clock/freeze", """{"at":"9999-12-31T00:00:00Z"}""")).Expect(200);
        var reply = (await api.Post("/_emulator/clock/advance", """{"milliseconds":86400000}""")).Expect(400);
        Assert.Contains("\"milliseconds\" may be at most 0", reply["message"].GetValue<string>(), StringComparison.Ordinal);

        var later = (await api.Post("/_emulator/clock/freeze", """{"at":"9999-12-31T12:00:00Z"}""")).Expect(400);
        Assert.Contains("\"at\" may be at most 9999-12-31T00:00:00.000Z", later["message"].GetValue<string>(), StringComparison.Ordinal);
        var epoch = (await api.Post("/_emulator/clock/freeze", """{"at":99999999999999999}""")).Expect(400);
        Assert.Contains("\"at\" must be an ISO-8601 instant", epoch["message"].GetValue<string>(), StringComparison.Ordinal);

        (await api.Post("/_emulator/clock/unfreeze", "{}")).Expect(200);
        (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "end@example.com" } })).Expect(201);
    }
}
