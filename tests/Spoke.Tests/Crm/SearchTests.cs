using Spoke.Crm;
using Spoke.Emulator.Faults;

namespace Spoke.Tests.Crm;

public sealed class SearchTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static string Tag() => $"s{Guid.NewGuid():N}"[..12];

    private async Task<List<CrmObject>> CreateTagged(string tag, int count, Func<int, PropertyBag>? extra = null, int start = 0)
    {
        var result = await fixture.Client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(start, count)
            .Select(i => (extra?.Invoke(i) ?? new PropertyBag()).Set("email", $"{tag}-{i}@example.com").Set("company", tag)));
        Assert.True(!result.HasFailures, string.Join("; ", result.Failed.Take(3).Select(f => $"{f.InputIndex} {f.Status} {f.Category} {f.Message}")));
        return [.. result.Values];
    }

    private static CrmSearchRequest Tagged(string tag) => new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("company", tag));

    private static long Id(CrmObject o) => long.Parse(o.Id, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Search_walks_past_10000_results_each_record_once_in_id_order()
    {
        var tag = Tag();
        var created = await CreateTagged(tag, 10_050);

        var seen = new List<long>();
        await foreach (var record in fixture.Client.Crm.Contacts.SearchAsync(Tagged(tag).WithPageSize(200)))
        {
            seen.Add(Id(record));
        }

        Assert.Equal(created.Select(Id).Order(), seen);
    }

    [Fact]
    public async Task Thousands_of_records_sharing_one_timestamp_are_each_read_once_in_order_across_windows()
    {
        var tag = Tag();
        var contacts = fixture.Client.Crm.Contacts;
        var before = await CreateTagged(tag, 150);
        fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        var rule = fixture.Emulator.Faults.Add(new FaultRule { Route = "POST */contacts/batch/create", Kind = FaultKind.SameTimestamp });
        var tied = await CreateTagged(tag, 3_000, start: 1_000);
        fixture.Emulator.Faults.Remove(rule.Id!);
        fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        var after = await CreateTagged(tag, 150, start: 5_000);
        Assert.Single(tied.Select(t => t.Properties.GetString("lastmodifieddate")).Distinct());

        var ascending = Tagged(tag).OrderBy("lastmodifieddate").WithPageSize(150);
        ascending.WindowSize = 1_000;
        var seen = new List<CrmObject>();
        await foreach (var record in contacts.SearchAsync(ascending))
        {
            seen.Add(record);
        }

        var expected = before.Concat(tied).Concat(after).OrderBy(o => o.Properties.GetDateTime("lastmodifieddate")).ThenBy(Id).Select(Id).ToList();
        Assert.Equal(expected, seen.Select(Id));

        var descending = Tagged(tag).OrderBy("lastmodifieddate", SortDirection.Descending).Select("email").WithPageSize(200);
        descending.WindowSize = 1_000;
        var seenDescending = new List<long>();
        await foreach (var record in contacts.SearchAsync(descending))
        {
            Assert.NotNull(record.Properties.GetString("email"));
            seenDescending.Add(Id(record));
        }

        Assert.Equal(Enumerable.Reverse(expected), seenDescending);
    }

    [Fact]
    public async Task A_job_resumes_from_a_continuation_token_across_window_boundaries()
    {
        var tag = Tag();
        var created = await CreateTagged(tag, 700);
        var request = Tagged(tag).OrderBy("createdate");
        request.WindowSize = 300;

        var firstRun = new List<long>();
        string? token = null;
        await foreach (var page in fixture.Client.Crm.Contacts.SearchAsync(request).AsPages(pageSize: 70))
        {
            firstRun.AddRange(page.Values.Select(Id));
            token = page.ContinuationToken;
            if (firstRun.Count >= 420)
            {
                break;
            }
        }

        Assert.NotNull(token);
        var resumed = new List<long>();
        await foreach (var page in fixture.Client.Crm.Contacts.SearchAsync(request).AsPages(token, pageSize: 70))
        {
            resumed.AddRange(page.Values.Select(Id));
        }

        Assert.Equal(created.Select(Id).Order(), firstRun.Concat(resumed));
        Assert.Throws<ArgumentException>(() => { _ = Spoke.Crm.SearchWindows.Decode("not-a-token"); });
    }

    [Fact]
    public async Task Records_without_the_sort_value_come_last_by_id_when_windows_restart()
    {
        var tag = Tag();
        var created = await CreateTagged(tag, 40, i => i % 4 == 0 ? new PropertyBag() : new PropertyBag().Set("annualrevenue", (decimal)(i % 3) * 10.5m));
        var request = Tagged(tag).OrderBy("annualrevenue").WithPageSize(4).Select("email");
        request.WindowSize = 7;

        var seen = new List<CrmObject>();
        await foreach (var record in fixture.Client.Crm.Contacts.SearchAsync(request))
        {
            seen.Add(record);
        }

        var expected = created.Where(c => c.Properties.GetDecimal("annualrevenue") is not null)
            .OrderBy(c => c.Properties.GetDecimal("annualrevenue")).ThenBy(Id)
            .Concat(created.Where(c => c.Properties.GetDecimal("annualrevenue") is null).OrderBy(Id))
            .Select(Id);
        Assert.Equal(expected, seen.Select(Id));
    }

    [Fact]
    public async Task Typed_filter_values_reach_hubspot_in_wire_form()
    {
        var tag = Tag();
        var created = await CreateTagged(tag, 6, i => new PropertyBag()
            .Set("annualrevenue", 1000m + i)
            .Set("hs_email_optout", i % 2 == 0)
            .Set("date_of_birth", new DateOnly(1990, 1, 1 + i)));
        var now = fixture.Emulator.Clock.GetUtcNow();
        var request = new CrmSearchRequest()
            .AddFilterGroup(
                CrmFilter.Eq("company", tag),
                CrmFilter.Gte("annualrevenue", 1001.5m),
                CrmFilter.Eq("hs_email_optout", true),
                CrmFilter.Between("createdate", now.AddMinutes(-1), now.AddMinutes(1)),
                CrmFilter.Lt("date_of_birth", new DateOnly(1990, 1, 6)))
            .AddFilterGroup(CrmFilter.In("email", $"{tag.ToUpperInvariant()}-1@EXAMPLE.COM"));

        var ids = new List<string>();
        await foreach (var record in fixture.Client.Crm.Contacts.SearchAsync(request))
        {
            ids.Add(record.Id);
        }

        Assert.Equal([created[1].Id, created[2].Id, created[4].Id], ids);
        Assert.Equal("1700000000000", CrmFilter.Eq("x", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)).Value);
        Assert.Equal("0", CrmFilter.Eq("x", new DateOnly(1970, 1, 1)).Value);
        Assert.Equal("12.50", CrmFilter.Eq("x", 12.50m).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CrmSearchRequest().WithPageSize(201));
    }

    [Fact]
    public async Task Windowing_that_would_break_hubspots_filter_maxima_fails_with_a_clear_error_only_when_needed()
    {
        var tag = Tag();
        await CreateTagged(tag, 12);
        var request = new CrmSearchRequest()
            .AddFilterGroup(CrmFilter.Eq("company", tag), CrmFilter.ContainsToken("email", "*-1*"))
            .AddFilterGroup(CrmFilter.Eq("company", tag), CrmFilter.ContainsToken("email", "*-2*"))
            .AddFilterGroup(CrmFilter.Eq("company", tag), CrmFilter.ContainsToken("email", "*-3*"))
            .OrderBy("lastmodifieddate")
            .WithPageSize(2);

        request.WindowSize = 100;
        var all = new List<CrmObject>();
        await foreach (var record in fixture.Client.Crm.Contacts.SearchAsync(request))
        {
            all.Add(record);
        }

        Assert.Equal(5, all.Count); // -1, -10, -11, -2, -3

        // Windows add filters to each group, never groups: the three groups walk through the smallest windows too.
        request.WindowSize = 2;
        var windowed = new List<CrmObject>();
        await foreach (var record in fixture.Client.Crm.Contacts.SearchAsync(request))
        {
            windowed.Add(record);
        }

        Assert.Equal(all.Select(Id).Order(), windowed.Select(Id).Order());

        // Draining tied values adds two filters to a group; a group of nine has no room for them.
        var crowded = new CrmSearchRequest()
            .AddFilterGroup([CrmFilter.Eq("company", tag), .. Enumerable.Range(0, 8).Select(_ => CrmFilter.HasProperty("email"))])
            .OrderBy("lastmodifieddate")
            .WithPageSize(2);
        crowded.WindowSize = 2;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in fixture.Client.Crm.Contacts.SearchAsync(crowded))
            {
            }
        });
        Assert.Contains("10 filters per group", error.Message, StringComparison.Ordinal);

        // Sorted by id, windows need no extra groups: the same three groups walk through.
        request.SortProperty = null;
        var byId = new List<CrmObject>();
        await foreach (var record in fixture.Client.Crm.Contacts.SearchAsync(request))
        {
            byId.Add(record);
        }

        Assert.Equal(all.Select(Id).Order(), byId.Select(Id));
    }
}
