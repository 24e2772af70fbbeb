using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;

namespace Spoke.Tests.Crm;

/// <summary>
/// Search past the 10,000-result cap against the emulator's strict profile's tie order: records with equal sort values
/// come back in arbitrary (not id) order, as HubSpot promises nothing else.
/// </summary>
public sealed class StrictTieSearchTests : IAsyncLifetime
{
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;

    public async Task InitializeAsync()
    {
        var options = new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero)) }
            .ApplyFidelityProfile(FidelityProfile.Strict);
        // Tie order is what this class is about; no lag or rate limits, so the frozen clock needs no advancing.
        options.Fidelity.SearchIndexLagMilliseconds = 0;
        options.RateLimits = RateLimitTier.Off;
        _emulator = await HubSpotEmulator.StartAsync(options);
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token, ProactiveRateLimiting = false });
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private async Task<List<CrmObject>> Create(string tag, int count, int start, bool sameTimestamp)
    {
        var rule = sameTimestamp ? _emulator.Faults.Add(new FaultRule { Route = "POST */contacts/batch/create", Kind = FaultKind.SameTimestamp }) : null;
        var result = await _client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(start, count)
            .Select(i => new PropertyBag().Set("email", $"{tag}-{i}@example.com").Set("company", tag)));
        if (rule is not null)
        {
            _emulator.Faults.Remove(rule.Id!);
        }

        Assert.False(result.HasFailures);
        return [.. result.Values];
    }

    private static long Id(CrmObject o) => long.Parse(o.Id, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<long>> SearchAll(CrmSearchRequest request)
    {
        var seen = new List<long>();
        await foreach (var record in _client.Crm.Contacts.SearchAsync(request))
        {
            seen.Add(Id(record));
        }

        return seen;
    }

    [Fact]
    public async Task Twelve_thousand_records_on_one_millisecond_in_shuffled_order_are_each_read_exactly_once()
    {
        var tag = "tied12k";
        var tied = await Create(tag, 12_100, 0, sameTimestamp: true);
        Assert.Single(tied.Select(t => t.Properties.GetString("lastmodifieddate")).Distinct());

        var seen = await SearchAll(new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("company", tag)).OrderBy("lastmodifieddate").WithPageSize(200));

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(tied.Select(Id).Order(), seen.Order());
    }

    [Fact]
    public async Task Ties_in_shuffled_order_across_window_boundaries_are_each_read_exactly_once_in_sort_order()
    {
        var tag = "tiedmix";
        var all = new List<CrmObject>();
        for (var batch = 0; batch < 12; batch++)
        {
            // Alternate runs of tied records (one millisecond each, 150-450 of them) with single records, so ties fall
            // on page and window boundaries.
            all.AddRange(await Create(tag, 150 + (batch * 27 % 300), batch * 1_000, sameTimestamp: true));
            _emulator.Clock.Advance(TimeSpan.FromMilliseconds(1));
            all.AddRange(await Create(tag, 3, (batch * 1_000) + 900, sameTimestamp: false));
            _emulator.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        foreach (var direction in new[] { SortDirection.Ascending, SortDirection.Descending })
        {
            var request = new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("company", tag)).OrderBy("lastmodifieddate", direction).WithPageSize(100);
            request.WindowSize = 1_000;
            var seen = await SearchAll(request);

            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.Equal(all.Select(Id).Order(), seen.Order());
            var at = all.ToDictionary(Id, o => o.Properties.GetDateTime("lastmodifieddate"));
            var times = seen.Select(id => at[id]).ToList();
            Assert.Equal(direction == SortDirection.Ascending ? times.Order() : times.OrderDescending(), times);
        }
    }
}
