using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spoke.HostileProbe;

/// <summary>The emulator as an attacker next to a developer's browser and as a careless user would meet it.</summary>
internal static class EmulatorProbe
{
    private static readonly string[] AdminPrefixes =
        ["/_emulator", "/_EMULATOR", "/_Emulator", "/%5Femulator", "/%5femulator", "/_%65mulator", "//_emulator", "/./_emulator", "/crm/../_emulator"];

    /// <summary>Points 4 and 5: the admin API by case and encoding tricks, from a foreign Origin, under a rebound Host,
    /// with a no-preflight content type; and fault rules that must never reach the admin API.</summary>
    public static async Task<Tally> AdminAccessAsync()
    {
        var t = new Tally("admin access (issue 9 points 4, 5)");
        await using var emulator = ChildProcess.StartSpoke("emulator", "--port", "0");
        var server = new Uri(await emulator.WaitForLineAsync("HubSpot emulator listening on "));
        var token = await emulator.WaitForLineAsync("Access token (all scopes): ");
        var developerKey = await emulator.WaitForLineAsync("Developer API key (hapikey): ");

        var minted = await Raw.SendAsync(server, "POST", "/_emulator/tokens", Raw.Utf8("""{"scopes":["crm.objects.contacts.read"]}"""));
        t.Sent();
        var readOnly = JsonNode.Parse(minted.Body)?["token"]?.GetValue<string>() ?? throw new InvalidOperationException($"no token: {minted.Text}");
        var created = await Raw.SendAsync(server, "POST", "/crm/v3/objects/contacts", Raw.Utf8("""{"properties":{"email":"kept@example.com"}}"""),
            headers: [("Authorization", $"Bearer {token}")]);
        t.Sent();
        var keptId = JsonNode.Parse(created.Body)?["id"]?.GetValue<string>() ?? throw new InvalidOperationException($"no contact: {created.Text}");

        var bearer = ("Authorization", $"Bearer {readOnly}");
        var evilOrigin = ("Origin", "http://evil.example");
        var attempts = 0;
        foreach (var prefix in AdminPrefixes)
        {
            // DNS rebinding: the browser sends the attacker's host name.
            var rebound = await Raw.SendAsync(server, "GET", $"{prefix}/app", host: "attacker.example", headers: [bearer]);
            Check(t, rebound, developerKey, $"GET {prefix}/app with Host: attacker.example");
            rebound = await Raw.SendAsync(server, "POST", $"{prefix}/tokens", Raw.Utf8("{}"), host: "attacker.example:80");
            Check(t, rebound, null, $"POST {prefix}/tokens with Host: attacker.example");

            // Cross-site writes: a page's fetch with a simple content type and no preflight, or a foreign Origin.
            var simple = await Raw.SendAsync(server, "POST", $"{prefix}/reset", Raw.Utf8("{}"), contentType: "text/plain", headers: [evilOrigin]);
            Check(t, simple, null, $"POST {prefix}/reset text/plain from a foreign Origin");
            simple = await Raw.SendAsync(server, "POST", $"{prefix}/reset", Raw.Utf8("x"), contentType: "text/plain");
            Check(t, simple, null, $"POST {prefix}/reset text/plain");
            simple = await Raw.SendAsync(server, "POST", $"{prefix}/tokens", Raw.Utf8("{}"), contentType: "application/x-www-form-urlencoded");
            Check(t, simple, null, $"POST {prefix}/tokens as a form");
            var foreign = await Raw.SendAsync(server, "POST", $"{prefix}/tokens", Raw.Utf8("{}"), headers: [evilOrigin, bearer]);
            Check(t, foreign, null, $"POST {prefix}/tokens with JSON from a foreign Origin");
            foreign = await Raw.SendAsync(server, "GET", $"{prefix}/app", headers: [evilOrigin]);
            Check(t, foreign, developerKey, $"GET {prefix}/app from a foreign Origin");
            attempts += 7;
        }

        // Fault rules never touch the admin API, whatever the spelling.
        var rule = await Raw.SendAsync(server, "POST", "/_emulator/faults", Raw.Utf8("""{"kind":"status","status":503}"""));
        t.Sent();
        if (rule.Status != 201 && rule.Status != 200)
        {
            t.Finding($"could not add a fault rule: {rule.Status}");
        }

        foreach (var prefix in AdminPrefixes)
        {
            var health = await Raw.SendAsync(server, "GET", $"{prefix}/health");
            attempts++;
            if (health.Status == 503)
            {
                t.Finding($"a fault rule applied to GET {prefix}/health");
            }
        }

        await Raw.SendAsync(server, "DELETE", "/_emulator/faults", headers: [("Content-Type", "application/json")]);
        var kept = await Raw.SendAsync(server, "GET", $"/crm/v3/objects/contacts/{keptId}", headers: [("Authorization", $"Bearer {token}")]);
        t.Sent(attempts + 2);
        if (kept.Status != 200)
        {
            t.Finding($"the portal lost its contact during the attacks (GET answered {kept.Status})");
        }

        t.Figure("admin attack requests", attempts);
        t.Figure("path spellings tried", AdminPrefixes.Length);
        return t;
    }

    private static void Check(Tally t, Raw.Reply reply, string? secret, string what)
    {
        if (reply.Status is >= 200 and < 300)
        {
            t.Finding($"{what} answered {reply.Status}");
        }
        else if (secret is not null && reply.Text.Contains(secret, StringComparison.Ordinal))
        {
            t.Finding($"{what} leaked the developer key");
        }
        else if (reply.Status >= 500 || reply.Status == 0)
        {
            t.Finding($"{what} answered {reply.Status}");
        }
    }

    /// <summary>Point 7: bodies and query strings a careless or hostile caller sends; any 500, or a 4xx without HubSpot's
    /// error body and a message, is a finding.</summary>
    public static async Task<Tally> BadInputAsync()
    {
        var t = new Tally("bad input (issue 9 point 7)");
        await using var emulator = ChildProcess.StartSpoke("emulator", "--port", "0");
        var server = new Uri(await emulator.WaitForLineAsync("HubSpot emulator listening on "));
        var token = await emulator.WaitForLineAsync("Access token (all scopes): ");
        var auth = ("Authorization", $"Bearer {token}");
        var contact = JsonNode.Parse((await Raw.SendAsync(server, "POST", "/crm/v3/objects/contacts",
            Raw.Utf8("""{"properties":{"email":"probe@example.com"}}"""), headers: [auth])).Body)!["id"]!.GetValue<string>();

        string[] crm =
        [
            "POST /crm/v3/objects/contacts", $"PATCH /crm/v3/objects/contacts/{contact}", "POST /crm/v3/objects/contacts/batch/create",
            "POST /crm/v3/objects/contacts/batch/update", "POST /crm/v3/objects/contacts/batch/upsert", "POST /crm/v3/objects/contacts/batch/read",
            "POST /crm/v3/objects/contacts/batch/archive", "POST /crm/v3/objects/contacts/search", "POST /crm/v3/objects/contacts/merge",
            "POST /crm/v3/objects/contacts/gdpr-delete", "POST /crm/v3/properties/contacts", "POST /crm/v3/properties/contacts/batch/create",
            "POST /crm/v4/associations/contacts/companies/batch/create", "POST /crm/v4/associations/contacts/companies/labels",
            "POST /crm/v3/pipelines/deals", "POST /crm/v3/lists", "POST /crm/v3/schemas", "POST /crm/v3/objects/2026-09/contacts",
            "POST /crm/objects/2026-09/contacts/search",
        ];
        string[] admin =
        [
            "POST /_emulator/tokens", "PUT /_emulator/rate-limits", "POST /_emulator/clock/advance", "POST /_emulator/faults",
            "PUT /_emulator/search-lag", "POST /_emulator/clock/freeze",
        ];
        var bodies = HostileBodies();
        foreach (var route in crm.Concat(admin))
        {
            var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
            foreach (var (name, body) in bodies)
            {
                var reply = await Raw.SendAsync(server, method, path, body, headers: path.StartsWith("/_emulator", StringComparison.Ordinal) ? [] : [auth]);
                t.Sent();
                Judge(t, reply, $"{route} with {name}");
                if (path.StartsWith("/_emulator", StringComparison.Ordinal))
                {
                    // Admin writes that succeed (an empty body resets a profile, say) must not change the next case.
                    await Raw.SendAsync(server, "POST", "/_emulator/clock/unfreeze", Raw.Utf8("{}"));
                    await Raw.SendAsync(server, "DELETE", "/_emulator/faults", headers: [("Content-Type", "application/json")]);
                    await Raw.SendAsync(server, "PUT", "/_emulator/search-lag", Raw.Utf8("""{"milliseconds":0}"""));
                    await Raw.SendAsync(server, "PUT", "/_emulator/rate-limits", Raw.Utf8("""{"tier":"off"}"""));
                }
            }
        }

        string[] queries =
        [
            "/crm/v3/objects/contacts?limit=abc", "/crm/v3/objects/contacts?limit=99999999999999999999", "/crm/v3/objects/contacts?limit=-1",
            "/crm/v3/objects/contacts?after=-1", "/crm/v3/objects/contacts?after=%FF%FE", "/crm/v3/objects/contacts?properties=%FF",
            "/crm/v3/objects/contacts?properties=%ED%A0%80", "/crm/v3/objects/contacts?archived=maybe", "/crm/v3/objects/contacts/%FF",
            $"/crm/v3/objects/contacts/{contact}?idProperty=%ED%A0%80", "/crm/v3/objects/%ED%A0%80", "/crm/v3/objects/contacts/99999999999999999999999",
            $"/crm/v3/objects/contacts/{contact}?associations=%00", "/crm/v4/objects/contacts/1/associations/companies?limit=1e9",
            "/crm/v3/owners?limit=abc", "/crm/v3/properties/%FF", "/crm/v3/pipelines/deals/%ED%A0%80",
        ];
        foreach (var q in queries)
        {
            var reply = await Raw.SendAsync(server, "GET", q, headers: [auth]);
            t.Sent();
            Judge(t, reply, $"GET {q}");
        }

        // The admin edge values the hostile test found, in order: the clock at the end of time, then pushed past it.
        (string Method, string Path, string Body)[] edges =
        [
            ("POST", "/_emulator/clock/advance", """{"milliseconds":9223372036854775807}"""),
            ("POST", "/_emulator/clock/freeze", """{"at":"9999-12-31T00:00:00Z"}"""),
            ("POST", "/_emulator/clock/advance", """{"milliseconds":86400000}"""),
            ("POST", "/_emulator/tokens", """{"scopes":[1]}"""),
            ("POST", "/_emulator/tokens", """{"scopes":"crm.objects.contacts.read"}"""),
            ("POST", "/_emulator/tokens", """{"scopes":["\ud800"]}"""),
        ];
        foreach (var (method, path, body) in edges)
        {
            var reply = await Raw.SendAsync(server, method, path, Raw.Utf8(body));
            t.Sent();
            if (reply.Status >= 500 || reply.Status == 0)
            {
                t.Finding($"{method} {path} {body} answered {reply.Status}");
            }
        }

        var unfreeze = await Raw.SendAsync(server, "POST", "/_emulator/clock/unfreeze", Raw.Utf8("{}"));
        t.Sent();
        Judge(t, unfreeze, "unfreeze after the edge values", allowSuccess: true);
        t.Figure("routes × hostile bodies", $"{crm.Length + admin.Length} × {bodies.Count}");
        t.Figure("query strings", queries.Length);
        t.Figure("admin edge values", edges.Length);
        return t;
    }

    private static List<(string Name, byte[] Body)> HostileBodies()
    {
        var list = new List<(string, byte[])>
        {
            ("invalid UTF-8", [.. Raw.Utf8("""{"properties":{"firstname":"a"""), 0xFF, 0xFE, .. Raw.Utf8("\"}}")]),
            ("an overlong sequence", [.. Raw.Utf8("""{"properties":{"firstname":"""), 0xC0, 0xAF, .. Raw.Utf8("\"}}")]),
            ("a raw encoded surrogate", [.. Raw.Utf8("""{"query":"""), 0xED, 0xA0, 0x80, .. Raw.Utf8("\"}")]),
            ("a lone surrogate in a property", Raw.Utf8("""{"properties":{"firstname":"\ud800","email":"x\udc00@example.com"}}""")),
            ("a lone surrogate in inputs", Raw.Utf8("""{"inputs":[{"id":"\ud800","idProperty":"email","properties":{"firstname":"\udfff"}}]}""")),
            ("a lone surrogate in a search value", Raw.Utf8("""{"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"\ud800"}]}]}""")),
            ("a lone surrogate in query and sorts", Raw.Utf8("""{"query":"\ud800","sorts":["\udc00"],"properties":["\ud801"]}""")),
            ("a lone surrogate in names", Raw.Utf8("""{"name":"\ud800","label":"\ud800","groupName":"contactinformation","type":"string","fieldType":"text","tier":"\ud800","scopes":["\ud800"],"milliseconds":"\ud800","at":"\ud800","kind":"\ud800","route":"\ud800"}""")),
            ("an empty body", []),
            ("null", Raw.Utf8("null")),
            ("an array", Raw.Utf8("[]")),
            ("a string", Raw.Utf8("\"x\"")),
            ("a number", Raw.Utf8("1e999")),
            ("truncated JSON", Raw.Utf8("""{"properties":{"firstname":""")),
            ("properties as an array", Raw.Utf8("""{"properties":[],"inputs":{}}""")),
            ("a property as an object", Raw.Utf8("""{"properties":{"firstname":{"a":1}}}""")),
            ("inputs of numbers", Raw.Utf8("""{"inputs":[1,null,"x"]}""")),
            ("inputs of wrong shapes", Raw.Utf8("""{"inputs":[{"properties":1,"id":{},"associations":"x","from":1,"to":[],"types":{}}]}""")),
            ("search fields of wrong types", Raw.Utf8("""{"limit":"abc","after":-1,"sorts":[1],"filterGroups":"x","properties":{}}""")),
            ("search filters of wrong types", Raw.Utf8("""{"filterGroups":[{"filters":[{"propertyName":1,"operator":[],"value":{},"values":"x"}]}],"limit":1e400}""")),
            ("huge numbers", Raw.Utf8("""{"limit":99999999999999999999999,"after":"99999999999999999999999","milliseconds":1e30,"primaryObjectId":1e30,"objectIdToMerge":-1}""")),
            ("deep nesting", Raw.Utf8(new string('[', 10_000) + new string(']', 10_000))),
            ("a NUL in a value", Raw.Utf8("""{"properties":{"firstname":"a\u0000b","email":"\u0000"}}""")),
        };
        return list;
    }

    private static void Judge(Tally t, Raw.Reply reply, string what, bool allowSuccess = true)
    {
        if (reply.Status is >= 500 or 0)
        {
            t.Finding($"{what} answered {reply.Status}");
            return;
        }

        if (reply.Status is >= 400 and < 500)
        {
            var body = reply.Body;
            var json = body.IndexOf('{') is var i and >= 0 ? body[i..(body.LastIndexOf('}') + 1)] : "";
            try
            {
                using var doc = JsonDocument.Parse(json);
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("message", out var m) ||
                    string.IsNullOrWhiteSpace(m.GetString()) || !doc.RootElement.TryGetProperty("correlationId", out _))
                {
                    t.Finding($"{what} answered {reply.Status} without HubSpot's error body (message, correlationId)");
                }
            }
            catch (JsonException)
            {
                t.Finding($"{what} answered {reply.Status} without a JSON error body");
            }
        }
        else if (!allowSuccess)
        {
            t.Finding($"{what} answered {reply.Status}");
        }
    }

    /// <summary>Durability: writers create contacts while the emulator is SIGKILLed; every acknowledged id must come back.</summary>
    public static async Task<Tally> KillNineAsync(string work)
    {
        const int Kills = 5;
        var t = new Tally("kill -9 durability of the emulator (--data)");
        var file = Path.Combine(work, "crash.db");
        var token = "probe-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var acknowledged = new ConcurrentDictionary<string, string>();
        var lost = new ConcurrentDictionary<string, bool>();
        var serial = 0;
        long checkedIds = 0;
        for (var cycle = 0; cycle <= Kills; cycle++)
        {
            await using var emulator = ChildProcess.StartSpoke("emulator", "--data", file, "--port", "0", "--token", token);
            var server = new Uri(await emulator.WaitForLineAsync("HubSpot emulator listening on ", TimeSpan.FromSeconds(120)) + "/");
            using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            checkedIds += await CountMissingAsync(http, acknowledged, lost, t);
            if (cycle == Kills)
            {
                await emulator.StopAsync();
                break;
            }

            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref serial);
                    var email = string.Create(CultureInfo.InvariantCulture, $"crash{n}@probe.example");
                    try
                    {
                        using var content = new StringContent(JsonSerializer.Serialize(new { properties = new { email, firstname = $"Crash {n}" } }), Encoding.UTF8, "application/json");
                        t.Sent();
                        using var reply = await http.PostAsync("crm/v3/objects/contacts", content, stop.Token);
                        if ((int)reply.StatusCode == 201)
                        {
                            var id = JsonNode.Parse(await reply.Content.ReadAsStringAsync(stop.Token))!["id"]!.GetValue<string>();
                            acknowledged[id] = email;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        // Unacknowledged: the kill cut it off.
                    }
                }
            })).ToArray();
            await Task.Delay(TimeSpan.FromMilliseconds(800 + Random.Shared.Next(800)));
            await emulator.KillNineAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        t.Figure("kills (SIGKILL)", Kills);
        t.Figure("writes acknowledged", acknowledged.Count);
        t.Figure("ids checked (after every restart)", checkedIds);
        t.Figure("lost", lost.Count);
        return t;
    }

    private static async Task<long> CountMissingAsync(HttpClient http, ConcurrentDictionary<string, string> acknowledged,
        ConcurrentDictionary<string, bool> lost, Tally t)
    {
        var ids = acknowledged.Keys.ToList();
        foreach (var chunk in ids.Chunk(100))
        {
            var body = JsonSerializer.Serialize(new { properties = new[] { "email" }, inputs = chunk.Select(id => new { id }) });
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var reply = await http.PostAsync("crm/v3/objects/contacts/batch/read", content);
            t.Sent();
            var found = JsonNode.Parse(await reply.Content.ReadAsStringAsync())!["results"]!.AsArray()
                .ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!["properties"]!["email"]?.GetValue<string>());
            foreach (var id in chunk)
            {
                if ((!found.TryGetValue(id, out var email) || !string.Equals(email, acknowledged[id], StringComparison.OrdinalIgnoreCase)) &&
                    lost.TryAdd(id, true))
                {
                    t.Finding($"acknowledged contact {id} ({acknowledged[id]}) is missing after a kill -9");
                }
            }
        }

        return ids.Count;
    }
}
