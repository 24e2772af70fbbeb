using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.BadInput;

/// <summary>A portal with one record of each kind the routes below address, and a raw sender for bytes no serializer writes.</summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    private readonly EmulatorFixture _emulator = new();
    private HttpClient _http = null!;

    public HubSpotEmulator Emulator => _emulator.Emulator;
    public Api Api => _emulator.Api;
    public Dictionary<string, string> Ids { get; } = [];

    public async Task InitializeAsync()
    {
        await _emulator.InitializeAsync();
        _http = new HttpClient { BaseAddress = Emulator.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var api = Api;
        Ids["contact"] = (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "kept@example.com" } })).Expect(201)["id"].ToString();
        Ids["company"] = (await api.Post("/crm/v3/objects/companies", new { properties = new { name = "Kept" } })).Expect(201)["id"].ToString();
        (await api.Post("/crm/v3/properties/contacts", new { name = "hostile_text", label = "Hostile", type = "string", fieldType = "text", groupName = "contactinformation" })).Expect(201);
        var pipeline = (await api.Post("/crm/v3/pipelines/deals", new
        {
            label = "Hostile", displayOrder = 9, stages = new[] { new { label = "Open", displayOrder = 0, metadata = new { probability = "0.5" } } },
        })).Expect(201);
        Ids["pipeline"] = pipeline["id"].ToString();
        Ids["stage"] = pipeline.Body!["stages"]![0]!["id"]!.ToString();
        Ids["list"] = (await api.Post("/crm/v3/lists", new { name = "Hostile", objectTypeId = "0-1", processingType = "MANUAL" })).Expect(200)["list"]["listId"]!.ToString();
        Ids["appId"] = Emulator.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Ids["hapikey"] = Emulator.DeveloperApiKey;
        var developer = api.WithToken(null);
        Ids["template"] = (await developer.Post($"/integrators/timeline/v3/{Ids["appId"]}/event-templates?hapikey={Ids["hapikey"]}", new
        {
            name = "Hostile", objectType = "contacts", headerTemplate = "h", detailTemplate = "d", tokens = new[] { new { name = "t", label = "T", type = "string" } },
        })).Expect(201)["id"].ToString();
        (await developer.Put($"/webhooks/v3/{Ids["appId"]}/settings?hapikey={Ids["hapikey"]}", new { targetUrl = "https://example.com/hooks" })).Expect(200);
        Ids["subscription"] = (await developer.Post($"/webhooks/v3/{Ids["appId"]}/subscriptions?hapikey={Ids["hapikey"]}", new { eventType = "contact.creation", active = false }))
            .Expect(201)["id"].ToString();
    }

    public string Resolve(string path)
    {
        foreach (var (name, value) in Ids)
        {
            path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return path;
    }

    /// <summary>Sends <paramref name="body"/> as the exact bytes given (null: no body), with the portal's token unless admin.</summary>
    public async Task<(int Status, string Text)> SendRawAsync(string method, string path, byte[]? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Resolve(path).TrimStart('/'));
        if (!path.StartsWith("/_emulator", StringComparison.Ordinal) && !path.Contains("hapikey", StringComparison.Ordinal))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.Token);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Puts back what an accepted admin write may have changed, so the next body meets the same emulator.</summary>
    public async Task RestoreAdminStateAsync()
    {
        await SendRawAsync("POST", "/_emulator/clock/freeze", """{"at":"2026-01-15T09:30:00Z"}"""u8.ToArray());
        await SendRawAsync("DELETE", "/_emulator/faults", null);
        await SendRawAsync("PUT", "/_emulator/search-lag", """{"milliseconds":0}"""u8.ToArray());
        await SendRawAsync("PUT", "/_emulator/rate-limits", """{"tier":"off"}"""u8.ToArray());
        await SendRawAsync("PUT", "/_emulator/webhooks/faults", "{}"u8.ToArray());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    /// <summary>A problem with an answer, or null when it is a non-5xx and any 4xx is HubSpot's error body with a message.</summary>
    public static string? Judge(int status, string text)
    {
        if (status is >= 500 or 0)
        {
            return $"answered {status}: {text}";
        }

        if (status is < 400 or >= 500)
        {
            return null;
        }

        try
        {
            var body = JsonNode.Parse(text) as JsonObject;
            if (body?["status"]?.GetValue<string>() != "error" || body["correlationId"] is null || body["category"] is null ||
                body["message"]?.GetValue<string>() is not { Length: > 10 })
            {
                return $"answered {status} without HubSpot's error body (status, message, correlationId, category): {text}";
            }
        }
        catch (JsonException)
        {
            return $"answered {status} with a body that is not JSON: {text}";
        }

        return null;
    }
}

/// <summary>
/// Every JSON-body endpoint family against a table of hostile bodies: never a 500, always HubSpot's error body with a
/// message. A hostile caller must get a 400 that says what was wrong, not an internal error.
/// </summary>
public sealed class HostileBodyTests(HostileInputFixture fixture) : IClassFixture<HostileInputFixture>
{
    public static TheoryData<string> Routes() =>
    [
        "POST /crm/v3/objects/contacts", "PATCH /crm/v3/objects/contacts/{contact}", "POST /crm/v3/objects/contacts/batch/read",
        "POST /crm/v3/objects/contacts/batch/create", "POST /crm/v3/objects/contacts/batch/update", "POST /crm/v3/objects/contacts/batch/upsert",
        "POST /crm/v3/objects/contacts/batch/archive", "POST /crm/objects/2026-09/contacts",
        "POST /crm/v3/objects/contacts/search", "POST /crm/objects/2026-09/contacts/search", "POST /crm/v3/objects/contacts/merge",
        "POST /crm/v3/objects/contacts/gdpr-delete",
        "POST /crm/v3/properties/contacts", "PATCH /crm/v3/properties/contacts/hostile_text", "POST /crm/v3/properties/contacts/batch/read",
        "POST /crm/v3/properties/contacts/batch/create", "POST /crm/v3/properties/contacts/batch/archive", "POST /crm/v3/properties/contacts/groups",
        "PATCH /crm/v3/properties/contacts/groups/contactinformation",
        "POST /crm/v3/pipelines/deals", "PUT /crm/v3/pipelines/deals/{pipeline}", "PATCH /crm/v3/pipelines/deals/{pipeline}",
        "POST /crm/v3/pipelines/deals/{pipeline}/stages", "PUT /crm/v3/pipelines/deals/{pipeline}/stages/{stage}",
        "PATCH /crm/v3/pipelines/deals/{pipeline}/stages/{stage}",
        "POST /crm/v4/associations/contacts/companies/batch/create", "POST /crm/v4/associations/contacts/companies/batch/read",
        "POST /crm/v4/associations/contacts/companies/batch/archive", "POST /crm/v4/associations/contacts/companies/batch/associate/default",
        "POST /crm/v4/associations/contacts/companies/batch/labels/archive", "POST /crm/v4/associations/contacts/companies/labels",
        "PUT /crm/v4/associations/contacts/companies/labels", "POST /crm/v4/associations/definitions/configurations/contacts/companies/batch/create",
        "POST /crm/v4/associations/definitions/configurations/contacts/companies/batch/update",
        "POST /crm/v4/associations/definitions/configurations/contacts/companies/batch/purge",
        "PUT /crm/v4/objects/contacts/{contact}/associations/companies/{company}",
        "POST /crm/v3/associations/contacts/companies/batch/create", "POST /crm/v3/associations/contacts/companies/batch/read",
        "POST /crm/v3/associations/contacts/companies/batch/archive",
        "POST /crm/v3/lists", "POST /crm/v3/lists/search", "POST /crm/v3/lists/records/memberships/batch/read",
        "PUT /crm/v3/lists/{list}/update-list-filters", "PUT /crm/v3/lists/{list}/memberships/add", "PUT /crm/v3/lists/{list}/memberships/remove",
        "PUT /crm/v3/lists/{list}/memberships/add-and-remove",
        "POST /crm/v3/schemas", "POST /crm/v3/schemas/batch/read",
        "POST /integrators/timeline/v3/events", "POST /integrators/timeline/v3/events/batch/create",
        "POST /integrators/timeline/v3/{appId}/event-templates?hapikey={hapikey}", "PUT /integrators/timeline/v3/{appId}/event-templates/{template}?hapikey={hapikey}",
        "POST /integrators/timeline/v3/{appId}/event-templates/{template}/tokens?hapikey={hapikey}",
        "PUT /webhooks/v3/{appId}/settings?hapikey={hapikey}", "POST /webhooks/v3/{appId}/subscriptions?hapikey={hapikey}",
        "POST /webhooks/v3/{appId}/subscriptions/batch/update?hapikey={hapikey}", "PATCH /webhooks/v3/{appId}/subscriptions/{subscription}?hapikey={hapikey}",
        "POST /_emulator/tokens", "PUT /_emulator/rate-limits", "POST /_emulator/clock/advance", "POST /_emulator/clock/freeze",
        "POST /_emulator/faults", "PUT /_emulator/search-lag", "POST /_emulator/owners", "PUT /_emulator/webhooks/faults",
        "POST /_emulator/webhooks/wait",
    ];

    /// <summary>Bodies a careless or hostile caller sends. Field names cover every endpoint family, so one body hits many readers.</summary>
    public static readonly (string Name, byte[] Body)[] Bodies =
    [
        ("invalid UTF-8", [.. """{"properties":{"firstname":"a"""u8, 0xFF, 0xFE, .. "\"}}"u8]),
        ("an overlong sequence", [.. "{\"properties\":{\"firstname\":\""u8, 0xC0, 0xAF, .. "\"}}"u8]),
        ("a raw encoded surrogate", [.. "{\"query\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8]),
        ("a truncated sequence at the end", [.. "{\"name\":\""u8, 0xE2, 0x82]),
        ("a lone surrogate in a property", """{"properties":{"firstname":"\ud800","email":"x\udc00@example.com"}}"""u8.ToArray()),
        ("a lone surrogate in inputs", """{"inputs":[{"id":"\ud800","idProperty":"email","properties":{"firstname":"\udfff"}}]}"""u8.ToArray()),
        ("a lone surrogate in a search value", """{"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"\ud800"}]}]}"""u8.ToArray()),
        ("a lone surrogate in query and sorts", """{"query":"\ud800","sorts":["\udc00"],"properties":["\ud801"],"after":"\ud800"}"""u8.ToArray()),
        ("a lone surrogate in a field name", """{"properties":{"\ud800":"x"},"\udc00":1}"""u8.ToArray()),
        ("a lone surrogate in names", """{"name":"\ud800","label":"\ud800","groupName":"contactinformation","type":"string","fieldType":"text","tier":"\ud800","scopes":["\ud800"],"milliseconds":"\ud800","at":"\ud800","kind":"\ud800","route":"\ud800","eventType":"\ud800","targetUrl":"\ud800","objectType":"\ud800","eventTemplateId":"\ud800","email":"\ud800"}"""u8.ToArray()),
        ("an empty body", []),
        ("null", "null"u8.ToArray()),
        ("an array", "[]"u8.ToArray()),
        ("an array of objects", """[{"properties":{}}]"""u8.ToArray()),
        ("a string", "\"x\""u8.ToArray()),
        ("a number", "1e999"u8.ToArray()),
        ("true", "true"u8.ToArray()),
        ("truncated JSON", """{"properties":{"firstname":"""u8.ToArray()),
        ("two documents", "{}{}"u8.ToArray()),
        ("properties as an array", """{"properties":[],"inputs":{}}"""u8.ToArray()),
        ("a property as an object", """{"properties":{"firstname":{"a":1},"hostile_text":[1]}}"""u8.ToArray()),
        ("inputs of numbers", """{"inputs":[1,null,"x",[]]}"""u8.ToArray()),
        ("inputs of wrong shapes", """{"inputs":[{"properties":1,"id":{},"associations":"x","from":1,"to":[],"types":{},"name":1,"label":[],"options":"x","objectId":{},"eventTemplateId":1,"tokens":"x","recordId":{}}]}"""u8.ToArray()),
        ("inputs of wrong shapes inside", """{"inputs":[{"from":{"id":{}},"to":{"id":[]},"types":[{"associationCategory":1,"associationTypeId":"x"}],"associations":[{"to":{"id":{}},"types":[1]}],"properties":{"a":null}}]}"""u8.ToArray()),
        ("search fields of wrong types", """{"limit":"abc","after":-1,"sorts":[1],"filterGroups":"x","properties":{},"query":1}"""u8.ToArray()),
        ("search filters of wrong types", """{"filterGroups":[{"filters":[{"propertyName":1,"operator":[],"value":{},"values":"x","highValue":[]}]}],"limit":1e400}"""u8.ToArray()),
        ("search groups of wrong types", """{"filterGroups":[1,null,{"filters":"x"},{"filters":[1,null]}],"sorts":[{"propertyName":1,"direction":[]}]}"""u8.ToArray()),
        ("huge numbers", """{"limit":99999999999999999999999,"after":"99999999999999999999999","milliseconds":1e30,"primaryObjectId":1e30,"objectIdToMerge":-1,"displayOrder":1e30,"durationMs":9223372036854775807,"latencyMs":1e30,"count":-1,"probability":1e308,"status":1e10,"at":1e30,"seed":1e30,"timeoutMs":-5,"maxConcurrentRequests":1e30}"""u8.ToArray()),
        ("numbers where strings go", """{"name":1,"label":2,"type":3,"fieldType":4,"groupName":5,"tier":6,"kind":7,"route":8,"at":true,"email":9,"firstName":1,"targetUrl":1,"eventType":1,"objectTypeId":1,"processingType":1,"propertyName":1,"primaryObjectId":"x","objectIdToMerge":[],"listName":1}"""u8.ToArray()),
        ("objects where arrays go", """{"stages":{},"options":{},"scopes":{},"inputs":{},"tokens":{},"recordIdsToAdd":{},"recordIdsToRemove":{},"requiredProperties":{},"properties":{},"associatedObjects":{},"labels":{},"filterBranch":[]}"""u8.ToArray()),
        ("nulls everywhere", """{"properties":null,"inputs":null,"filterGroups":null,"sorts":null,"stages":null,"options":null,"name":null,"label":null,"tier":null,"milliseconds":null,"kind":null,"scopes":null,"targetUrl":null,"throttling":null,"labels":null,"filterBranch":null}"""u8.ToArray()),
        ("arrays of nulls", """{"stages":[null],"options":[null],"tokens":[null],"sorts":[null],"properties":[null],"recordIdsToAdd":[null,{}],"recordIdsToRemove":[[]],"labels":[null],"requiredProperties":[null],"associatedObjects":[1]}"""u8.ToArray()),
        ("wrong nested shapes", """{"throttling":"x","metadata":"x","stages":[{"metadata":1,"label":{},"displayOrder":"x"}],"options":[{"label":1,"value":{}}],"latency":"x","filterBranch":{"filterBranchType":1,"filters":"x","filterBranches":[1]},"labels":{"singular":1}}"""u8.ToArray()),
        ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000))),
        ("deep nesting in a field", Encoding.UTF8.GetBytes("{\"properties\":" + new string('[', 100) + new string(']', 100) + "}")),
        ("a NUL in a value", """{"properties":{"firstname":"a\u0000b","email":"\u0000"},"name":"\u0000","label":"\u0000"}"""u8.ToArray()),
        ("a byte-order mark", [0xEF, 0xBB, 0xBF, .. "{}"u8]),
        ("numbers no double holds", """{"probability":1e400,"latency":{"distribution":"normal","minMs":1e400,"meanMs":-1e400,"stdDevMs":1e400},"duplicates":{"probability":1e400,"count":1e30},"outOfOrder":{"count":1.5},"seed":1e30,"amount":1e400}"""u8.ToArray()),
        ("a latency rule no double holds", """{"kind":"latency","latency":{"distribution":"normal","minMs":1e400,"meanMs":1,"stdDevMs":1},"probability":1e400}"""u8.ToArray()),
        ("a rule that lasts past the end of time", """{"kind":"status","route":"GET /never/*","durationMs":9223372036854775807}"""u8.ToArray()),
        ("a dynamic list far in time", Encoding.UTF8.GetBytes(DynamicList("""{"timeType":"INDEXED","zoneId":"UTC","indexReference":{"referenceType":"NOW"},"offset":{"years":1000000,"days":2147483647}}"""))),
        ("a dynamic list past int", Encoding.UTF8.GetBytes(DynamicList("""{"timeType":"INDEXED","zoneId":"\ud800","indexReference":{"referenceType":"TODAY"},"offset":{"years":1e30,"hours":1.5}}"""))),
        ("a dynamic list on a huge date", Encoding.UTF8.GetBytes(DynamicList("""{"timeType":"DATE","zoneId":"Not/AZone","year":1e30,"month":13,"day":1.5}"""))),
    ];

    /// <summary>A dynamic contact list whose one filter is "createdate after <paramref name="timePoint"/>".</summary>
    private static string DynamicList(string timePoint) =>
        "{\"name\":\"Hostile " + Guid.NewGuid().ToString("N") +
        "\",\"objectTypeId\":\"0-1\",\"processingType\":\"DYNAMIC\",\"filterBranch\":{\"filterBranchType\":\"OR\",\"filters\":[],\"filterBranches\":[{\"filterBranchType\":\"AND\",\"filterBranches\":[],\"filters\":[{\"filterType\":\"PROPERTY\",\"property\":\"createdate\",\"operation\":{\"operationType\":\"TIME_POINT\",\"operator\":\"IS_AFTER\",\"timePoint\":" +
        timePoint + "}}]}]}";

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_hostile_body_gets_a_4xx_error_body_or_a_success_never_a_500(string route)
    {
        var (method, path) = (route[..route.IndexOf(' ')], route[(route.IndexOf(' ') + 1)..]);
        var problems = new List<string>();
        foreach (var (name, body) in Bodies)
        {
            var (status, text) = await fixture.SendRawAsync(method, path, body);
            if (HostileInputFixture.Judge(status, text) is { } problem)
            {
                problems.Add($"{name}: {problem}");
            }

            if (path.StartsWith("/_emulator", StringComparison.Ordinal))
            {
                await fixture.RestoreAdminStateAsync();
            }
        }

        Assert.True(problems.Count == 0, $"{route}:\n" + string.Join("\n", problems));
    }

    [Theory]
    [InlineData("/crm/v3/objects/contacts?limit=abc")]
    [InlineData("/crm/v3/objects/contacts?limit=99999999999999999999")]
    [InlineData("/crm/v3/objects/contacts?limit=-1")]
    [InlineData("/crm/v3/objects/contacts?after=-1")]
    [InlineData("/crm/v3/objects/contacts?after=99999999999999999999999")]
    [InlineData("/crm/v3/objects/contacts?after=%FF%FE")]
    [InlineData("/crm/v3/objects/contacts?properties=%FF")]
    [InlineData("/crm/v3/objects/contacts?properties=%ED%A0%80")]
    [InlineData("/crm/v3/objects/contacts?properties=%00,%22,%5C,,,")]
    [InlineData("/crm/v3/objects/contacts?propertiesWithHistory=%ED%A0%80&associations=%FF")]
    [InlineData("/crm/v3/objects/contacts?archived=maybe")]
    [InlineData("/crm/v3/objects/contacts/%FF")]
    [InlineData("/crm/v3/objects/contacts/{contact}?idProperty=%ED%A0%80")]
    [InlineData("/crm/v3/objects/contacts/{contact}?associations=%00")]
    [InlineData("/crm/v3/objects/contacts/{contact}?properties=%ED%A0%80")]
    [InlineData("/crm/v3/objects/%ED%A0%80")]
    [InlineData("/crm/v3/objects/contacts/99999999999999999999999")]
    [InlineData("/crm/v4/objects/contacts/{contact}/associations/companies?limit=1e9")]
    [InlineData("/crm/v4/objects/contacts/{contact}/associations/companies?after=%FF")]
    [InlineData("/crm/v3/owners?limit=abc")]
    [InlineData("/crm/v3/owners?after=-1&email=%ED%A0%80")]
    [InlineData("/crm/v3/properties/%FF")]
    [InlineData("/crm/v3/properties/contacts/%ED%A0%80")]
    [InlineData("/crm/v3/pipelines/deals/%ED%A0%80")]
    [InlineData("/crm/v3/lists/search?limit=abc")]
    [InlineData("/crm/v3/lists/{list}/memberships?limit=-5&after=%FF")]
    [InlineData("/crm/v3/lists/%FF")]
    [InlineData("/crm/v3/schemas/%ED%A0%80")]
    [InlineData("/webhooks/v3/{appId}/subscriptions/%FF?hapikey={hapikey}")]
    [InlineData("/webhooks/v3/99999999999999999999/settings?hapikey={hapikey}")]
    [InlineData("/_emulator/faults/%FF")]
    public async Task Hostile_query_strings_and_path_segments_never_get_a_500(string path)
    {
        var (status, text) = await fixture.SendRawAsync("GET", path, null);
        Assert.Null(HostileInputFixture.Judge(status, text));
    }
}
