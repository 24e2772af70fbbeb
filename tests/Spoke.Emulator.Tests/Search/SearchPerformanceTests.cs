using System.Diagnostics;
using System.Globalization;
using Spoke.Emulator.Tests.Infrastructure;
using Xunit.Abstractions;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>
/// EQ on email must use the value index, not a scan: its median stays in single-digit milliseconds over HTTP.
/// A createdate range sorted by createdate walks the sorted index and stops after the page.
/// Set SPOKE_SEARCH_PERF_CONTACTS (e.g. 1000000) to measure at a larger size; the benchmark project is the real gauge.
/// </summary>
public sealed class SearchPerformanceTests(EmulatorFixture fixture, ITestOutputHelper output) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Equality_on_email_answers_in_milliseconds_over_many_contacts()
    {
        var n = int.TryParse(Environment.GetEnvironmentVariable("SPOKE_SEARCH_PERF_CONTACTS"), out var v) ? v : 50_000;
        fixture.Emulator.Reset();
        var seed = Stopwatch.StartNew();
        fixture.Emulator.Clock.Freeze(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero));
        var firstCreated = fixture.Emulator.Clock.GetUtcNow().AddSeconds(1);
        AddContactsDirectly(fixture.Emulator, n, i => $"person{i}@example.com", i => $"Name{i % 1000}", TimeSpan.FromSeconds(1));
        output.WriteLine($"seeded {n} contacts in {seed.ElapsedMilliseconds} ms");

        var warm = Stopwatch.StartNew();
        (await fixture.Api.Post(ContactsSearch, Filter("email", "EQ", "person0@example.com"))).Expect(200); // builds the index
        output.WriteLine($"first EQ (index build) {warm.ElapsedMilliseconds} ms");

        var random = new Random(7);
        var times = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var target = random.Next(n);
            var sw = Stopwatch.StartNew();
            var reply = (await fixture.Api.Post(ContactsSearch, Filter("email", "EQ", $"Person{target}@example.com"))).Expect(200);
            times.Add(sw.Elapsed.TotalMilliseconds);
            Assert.Equal(1, reply["total"].GetValue<int>());
        }

        times.Sort();
        var p50 = times[times.Count / 2];
        output.WriteLine($"EQ email over {n}: p50 {p50:F2} ms, p95 {times[(int)(times.Count * 0.95)]:F2} ms");

        Reply sorted = null!;
        for (var run = 1; run <= 3; run++)
        {
            var range = Stopwatch.StartNew();
            sorted = (await fixture.Api.Post(ContactsSearch, new
            {
                filterGroups = new[] { new { filters = new[] { new { propertyName = "hs_object_id", @operator = "GTE", value = "0" } } } },
                sorts = new[] { new { propertyName = "firstname", direction = "DESCENDING" } },
                limit = 100,
                after = "9800",
            })).Expect(200);
            output.WriteLine($"range + sort + page at 9800 over {n} (run {run}): {range.ElapsedMilliseconds} ms");
        }

        Assert.Equal(n, sorted["total"].GetValue<int>());
        Assert.Equal(100, Results(sorted).Count);

        // Contact i was created at firstCreated + i seconds: the upper half of them, newest first, and a deep page.
        var half = firstCreated.AddSeconds(n / 2).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        object RangeSorted(string direction, int after) => new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "createdate", @operator = "GTE", value = half } } } },
            sorts = new[] { new { propertyName = "createdate", direction } },
            properties = new[] { "email" },
            limit = 100,
            after = after.ToString(CultureInfo.InvariantCulture),
        };
        var build = Stopwatch.StartNew();
        (await fixture.Api.Post(ContactsSearch, RangeSorted("DESCENDING", 0))).Expect(200); // builds the createdate index
        output.WriteLine($"first createdate range + sort (index build) {build.ElapsedMilliseconds} ms");
        var rangeTimes = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var descending = i % 2 == 0;
            var sw = Stopwatch.StartNew();
            var reply = (await fixture.Api.Post(ContactsSearch, RangeSorted(descending ? "DESCENDING" : "ASCENDING", descending ? 0 : 9800))).Expect(200);
            rangeTimes.Add(sw.Elapsed.TotalMilliseconds);
            Assert.Equal(n - (n / 2), reply["total"].GetValue<int>());
            var emails = Results(reply).Select(r => r!["properties"]!["email"]!.GetValue<string>()).ToList();
            Assert.Equal(descending ? $"person{n - 1}@example.com" : $"person{(n / 2) + 9800}@example.com", emails[0]);
        }

        rangeTimes.Sort();
        var rangeP50 = rangeTimes[rangeTimes.Count / 2];
        output.WriteLine($"createdate range + sort over {n}: p50 {rangeP50:F2} ms, p95 {rangeTimes[(int)(rangeTimes.Count * 0.95)]:F2} ms");

        // Generous on a shared 2-core machine; a scan of 50k records per request would take far longer.
        Assert.True(p50 < 25, $"p50 {p50.ToString("F2", CultureInfo.InvariantCulture)} ms");
        Assert.True(rangeP50 < 50, $"range + sort p50 {rangeP50.ToString("F2", CultureInfo.InvariantCulture)} ms");
    }
}
