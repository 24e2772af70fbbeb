using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Faults;

/// <summary>Each fault kind as a client sees it, plus count, duration, probability and route matching.</summary>
public sealed class FaultKindsTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public FaultKindsTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        fixture.Emulator.Reset();
    }

    private Api Api => _fixture.Api;

    private async Task<string> AddRule(object rule) =>
        (await Api.Post("/_emulator/faults", rule)).Expect(201)["id"].GetValue<string>();

    private async Task<int> ContactCount(string email)
    {
        var list = (await Api.Get("/crm/v3/objects/contacts?limit=100&properties=email")).Expect(200);
        return list["results"].AsArray().Count(r => r!["properties"]!["email"]?.GetValue<string>() == email);
    }

    [Fact]
    public async Task Status_answers_a_hubspot_5xx_body_without_executing_the_request()
    {
        await AddRule(new { route = "POST /crm/v3/objects/contacts", kind = "status", status = 503, count = 1 });

        var failed = (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "five03@example.com" } })).Expect(503);

        Assert.Equal("error", failed["status"].GetValue<string>());
        Assert.Equal("SERVICE_UNAVAILABLE", failed["category"].GetValue<string>());
        Assert.Equal(failed.Headers["X-HubSpot-Correlation-Id"], failed["correlationId"].GetValue<string>());
        Assert.StartsWith("application/json", failed.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(0, await ContactCount("five03@example.com"));
        // The rule was for one request: the retry goes through.
        (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "five03@example.com" } })).Expect(201);
    }

    [Fact]
    public async Task Status_after_execute_writes_the_record_then_answers_500()
    {
        await AddRule(new { route = "POST /crm/v3/objects/contacts", kind = "status", status = 500, afterExecute = true, count = 1 });

        var failed = (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "ghost@example.com" } })).Expect(500);

        Assert.Equal("INTERNAL_ERROR", failed["category"].GetValue<string>());
        Assert.Equal(1, await ContactCount("ghost@example.com"));
        // The naive retry of a non-idempotent create now collides with the record the "failed" call made.
        (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "ghost@example.com" } })).Expect(409);
    }

    [Fact]
    public async Task Rate_limit_burst_answers_429_with_the_ten_secondly_body_for_count_requests()
    {
        var id = await AddRule(new { route = "GET /crm/v3/objects/*", kind = "rateLimit", count = 3 });

        for (var i = 0; i < 3; i++)
        {
            var limited = (await Api.Get("/crm/v3/objects/deals")).Expect(429);
            Assert.Equal("RATE_LIMIT", limited["errorType"].GetValue<string>());
            Assert.Equal("TEN_SECONDLY_ROLLING", limited["policyName"].GetValue<string>());
            Assert.Equal("You have reached your ten_secondly_rolling limit.", limited["message"].GetValue<string>());
        }

        (await Api.Get("/crm/v3/objects/deals")).Expect(200);
        var rule = (await Api.Get("/_emulator/faults")).Expect(200)["results"].AsArray().Single(r => r!["id"]!.GetValue<string>() == id)!;
        Assert.Equal(3, rule["matched"]!.GetValue<int>());
        Assert.Equal(3, rule["fired"]!.GetValue<int>());
        Assert.False(rule["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Duration_is_measured_on_the_emulator_clock()
    {
        await AddRule(new { route = "GET /crm/v3/objects/tickets", kind = "status", status = 502, durationMs = 60_000 });
        var failed = (await Api.Get("/crm/v3/objects/tickets")).Expect(502);
        Assert.Equal("BAD_GATEWAY", failed["category"].GetValue<string>());

        _fixture.Emulator.Clock.Advance(TimeSpan.FromSeconds(59));
        (await Api.Get("/crm/v3/objects/tickets")).Expect(502);

        (await Api.Post("/_emulator/clock/advance", new { milliseconds = 1_000 })).Expect(200);
        (await Api.Get("/crm/v3/objects/tickets")).Expect(200);
        Assert.False((await Api.Get("/_emulator/faults")).Expect(200)["results"][0]!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Count_limits_how_many_matching_requests_fail()
    {
        await AddRule(new { route = "GET /crm/v3/objects/companies", kind = "status", status = 500, count = 2 });

        (await Api.Get("/crm/v3/objects/contacts")).Expect(200); // not matching: does not use up the count
        (await Api.Get("/crm/v3/objects/companies")).Expect(500);
        (await Api.Get("/crm/v3/objects/companies")).Expect(500);
        (await Api.Get("/crm/v3/objects/companies")).Expect(200);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_pattern_of_failures()
    {
        async Task<string> Pattern(int seed)
        {
            (await Api.Delete("/_emulator/faults")).Expect(204);
            await AddRule(new { route = "GET /crm/v3/objects/contacts", kind = "status", status = 503, probability = 0.3, seed });
            var pattern = new StringBuilder();
            for (var i = 0; i < 50; i++)
            {
                var reply = await Api.Get("/crm/v3/objects/contacts?limit=1");
                pattern.Append(reply.Code == 503 ? 'x' : reply.Code == 200 ? '.' : '?');
            }

            return pattern.ToString();
        }

        var first = await Pattern(1234);
        var again = await Pattern(1234);
        var otherSeed = await Pattern(99);

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.DoesNotContain('?', first);
        var failures = first.Count(c => c == 'x');
        Assert.InRange(failures, 5, 30); // a share, not all or nothing
    }

    [Fact]
    public async Task Globs_and_regexes_select_routes()
    {
        await AddRule(new { route = "POST /crm/v3/objects/*/batch/*", kind = "status", status = 500 });
        await AddRule(new { route = "^GET /crm/v3/objects/(companies|deals)$", kind = "status", status = 503 });
        await AddRule(new { route = "/crm/v3/objects/tickets*", kind = "status", status = 504 });

        (await Api.Post("/crm/v3/objects/contacts/batch/create", new { inputs = new[] { new { properties = new { email = "b@example.com" } } } })).Expect(500);
        (await Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "single@example.com" } })).Expect(201);
        (await Api.Get("/crm/v3/objects/contacts")).Expect(200);
        (await Api.Get("/crm/v3/objects/companies")).Expect(503);
        (await Api.Get("/crm/v3/objects/deals?limit=5")).Expect(503);
        (await Api.Get("/crm/v3/objects/companies/123")).Expect(404);
        // A glob without a method matches every method.
        (await Api.Get("/crm/v3/objects/tickets")).Expect(504);
        (await Api.Post("/crm/v3/objects/tickets", new { properties = new { subject = "x" } })).Expect(504);
    }

    [Fact]
    public async Task Fixed_latency_delays_the_answer()
    {
        await AddRule(new { route = "GET /crm/v3/objects/contacts", kind = "latency", latencyMs = 150 });

        var watch = Stopwatch.StartNew();
        (await Api.Get("/crm/v3/objects/contacts")).Expect(200);

        Assert.True(watch.ElapsedMilliseconds >= 140, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Drawn_latency_stays_within_its_distribution_bounds()
    {
        await AddRule(new { route = "GET /crm/v3/objects/companies", kind = "latency", latency = new { distribution = "uniform", minMs = 60, maxMs = 120 }, seed = 3 });
        await AddRule(new { route = "GET /crm/v3/objects/deals", kind = "latency", latency = new { distribution = "normal", meanMs = 80, stdDevMs = 30, minMs = 50, maxMs = 150 }, seed = 3 });

        foreach (var path in new[] { "/crm/v3/objects/companies", "/crm/v3/objects/deals", "/crm/v3/objects/companies", "/crm/v3/objects/deals" })
        {
            var watch = Stopwatch.StartNew();
            (await Api.Get(path)).Expect(200);
            Assert.True(watch.ElapsedMilliseconds >= 45, $"{path} answered after {watch.ElapsedMilliseconds} ms");
        }
    }

    [Fact]
    public async Task Drop_aborts_the_connection_before_executing()
    {
        await AddRule(new { route = "POST /crm/v3/objects/contacts", kind = "drop", count = 1 });

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "dropped@example.com" } }));

        Assert.Equal(0, await ContactCount("dropped@example.com"));
    }

    [Fact]
    public async Task Drop_after_execute_aborts_the_connection_but_the_write_happened()
    {
        await AddRule(new { route = "POST /crm/v3/objects/contacts", kind = "drop", afterExecute = true, count = 1 });

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Api.Post("/crm/v3/objects/contacts", new { properties = new { email = "half@example.com" } }));

        Assert.Equal(1, await ContactCount("half@example.com"));
    }

    [Fact]
    public async Task Timeout_holds_the_request_until_the_client_gives_up()
    {
        await AddRule(new { route = "GET /crm/v3/objects/contacts", kind = "timeout", timeoutMs = 1_000, count = 1 });
        using var impatient = new HttpClient { BaseAddress = _fixture.Emulator.BaseUri, Timeout = TimeSpan.FromMilliseconds(300) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "crm/v3/objects/contacts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _fixture.Emulator.Token);

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.SendAsync(request));

        Assert.InRange(watch.ElapsedMilliseconds, 250, 5_000);
        (await Api.Get("/crm/v3/objects/contacts")).Expect(200);
    }

    [Fact]
    public async Task Timeout_without_a_client_deadline_ends_in_an_aborted_connection()
    {
        await AddRule(new { route = "GET /crm/v3/objects/companies", kind = "timeout", timeoutMs = 200, count = 1 });

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Api.Get("/crm/v3/objects/companies"));

        Assert.True(watch.ElapsedMilliseconds >= 190, $"aborted after {watch.ElapsedMilliseconds} ms");
    }
}
