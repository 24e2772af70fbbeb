using Spoke.Crm;
using Spoke.Errors;
using Spoke.Lists;

namespace Spoke.Tests.Lists;

public sealed class ListsClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static string Unique(string name) => $"{name} {Guid.NewGuid():N}"[..20];

    private async Task<string> ContactAsync(HubSpotClient client, string email) =>
        (await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email))).Id;

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Manual_list_crud_memberships_and_paging(HubSpotApiVersion version)
    {
        var client = fixture.NewClient(fixture.Emulator.Token, version);
        var name = Unique("VIPs");
        var list = await client.Lists.CreateAsync(new ListCreate { Name = name, ObjectTypeId = "0-1", ProcessingType = ListProcessingType.Manual });
        Assert.Equal(ListProcessingType.Manual, list.ProcessingType);

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await ContactAsync(client, $"m{Guid.NewGuid():N}@example.com"));
        }

        var added = await client.Lists.AddMembersAsync(list.ListId, [.. ids, "999999999999"]);
        Assert.Equal(ids.Order(), added.Added.Order());
        Assert.Equal(["999999999999"], added.Missing);

        var pages = await client.Lists.ListMembershipsAsync(list.ListId).AsPages(pageSize: 2).ToListAsync();
        Assert.Equal(2, pages.Count);
        Assert.Equal(ids.Order(), pages.SelectMany(p => p.Values).Select(m => m.RecordId).Order());

        var changed = await client.Lists.AddAndRemoveMembersAsync(list.ListId, [], [ids[0]]);
        Assert.Equal([ids[0]], changed.Removed);
        Assert.Equal(2, (await client.Lists.GetAsync(list.ListId)).Size);
        var memberships = await client.Lists.ListRecordMembershipsAsync("0-1", ids[1]).ToListAsync();
        Assert.Contains(memberships, m => m.ListId == list.ListId);
        Assert.Empty(await client.Lists.ListRecordMembershipsAsync("0-1", ids[0]).ToListAsync());

        var renamed = await client.Lists.RenameAsync(list.ListId, name + "!");
        Assert.Equal(name + "!", renamed.Name);
        Assert.Equal(list.ListId, (await client.Lists.GetByNameAsync("0-1", (name + "!").ToUpperInvariant())).ListId);
        Assert.Single(await client.Lists.BatchReadAsync([list.ListId, "424242"]));

        await client.Lists.DeleteAsync(list.ListId);
        Assert.NotNull((await client.Lists.GetAsync(list.ListId)).DeletedAt);
        await client.Lists.RestoreAsync(list.ListId);
        Assert.Null((await client.Lists.GetAsync(list.ListId)).DeletedAt);
    }

    [Fact]
    public async Task Memberships_come_by_record_id_or_in_join_order()
    {
        var client = fixture.Client;
        var list = await client.Lists.CreateAsync(new ListCreate { Name = Unique("Joiners"), ObjectTypeId = "0-1", ProcessingType = ListProcessingType.Manual });
        var first = await ContactAsync(client, $"j{Guid.NewGuid():N}@example.com");
        var second = await ContactAsync(client, $"j{Guid.NewGuid():N}@example.com");
        await client.Lists.AddMembersAsync(list.ListId, [second]);
        await client.Lists.AddMembersAsync(list.ListId, [first]);

        Assert.Equal([first, second], await client.Lists.ListMembershipsAsync(list.ListId).Select(m => m.RecordId).ToListAsync());
        Assert.Equal([second, first], await client.Lists.ListMembershipsAsync(list.ListId, new ListMembershipOptions { JoinOrder = true })
            .Select(m => m.RecordId).ToListAsync());
    }

    [Fact]
    public async Task Dynamic_list_follows_its_filters_and_search_pages_by_offset()
    {
        var client = fixture.Client;
        var domain = $"@{Guid.NewGuid():N}.example.com";
        var matching = await ContactAsync(client, "a" + domain);
        await ContactAsync(client, $"x{Guid.NewGuid():N}@other.example.com");
        var filters = ListFilterBranch.AnyOf(ListFilterBranch.AllOf(ListFilter.OnProperty("email", ListFilterOperation.String("ENDS_WITH", domain))));
        var list = await client.Lists.CreateAsync(new ListCreate
        {
            Name = Unique("Acme people"), ObjectTypeId = "0-1", ProcessingType = ListProcessingType.Dynamic, FilterBranch = filters,
        });
        Assert.Equal("ENDS_WITH", list.FilterBranch!.FilterBranches[0].Filters[0].Operation!.Operator);
        Assert.Equal([matching], await client.Lists.ListMembershipsAsync(list.ListId).Select(m => m.RecordId).ToListAsync());

        var other = await ContactAsync(client, "b" + domain);
        Assert.Equal(2, (await client.Lists.ListMembershipsAsync(list.ListId).ToListAsync()).Count);
        var narrowed = await client.Lists.UpdateFiltersAsync(list.ListId,
            ListFilterBranch.AnyOf(ListFilterBranch.AllOf(ListFilter.OnProperty("email", ListFilterOperation.String("IS_EQUAL_TO", "b" + domain)))));
        Assert.Equal(1, narrowed.Size);
        Assert.Equal([other], await client.Lists.ListMembershipsAsync(list.ListId).Select(m => m.RecordId).ToListAsync());

        // HubSpot leaves a list's filters out of reads unless asked for them.
        Assert.Null((await client.Lists.GetAsync(list.ListId)).FilterBranch);
        var withFilters = await client.Lists.GetAsync(list.ListId, new ListReadOptions { IncludeFilters = true });
        Assert.Equal("IS_EQUAL_TO", withFilters.FilterBranch!.FilterBranches[0].Filters[0].Operation!.Operator);
        Assert.NotNull(Assert.Single(await client.Lists.BatchReadAsync([list.ListId], new ListReadOptions { IncludeFilters = true })).FilterBranch);

        // Hand edits are refused on dynamic lists.
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => client.Lists.AddMembersAsync(list.ListId, [matching]));
        Assert.Equal(400, (int)error.Status);

        var prefix = "Srch" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 3; i++)
        {
            await client.Lists.CreateAsync(new ListCreate { Name = $"{prefix} {i}", ObjectTypeId = "0-1", ProcessingType = ListProcessingType.Manual });
        }

        var pages = await client.Lists.SearchAsync(new ListSearchRequest { Query = prefix }).AsPages(pageSize: 2).ToListAsync();
        Assert.Equal([2, 1], pages.Select(p => p.Values.Count));
        Assert.Equal("2", pages[0].ContinuationToken);
        Assert.All(pages.SelectMany(p => p.Values), l => Assert.Equal("0", l.AdditionalProperties!["hs_list_size"]));
    }

    [Fact]
    public async Task A_missing_list_is_404()
    {
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => fixture.Client.Lists.GetAsync("987654321"));
        Assert.Equal(404, (int)error.Status);
    }
}
