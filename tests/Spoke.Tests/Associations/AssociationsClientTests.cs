using System.Net;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator.Faults;
using Spoke.Errors;

namespace Spoke.Tests.Associations;

public sealed class AssociationsClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private async Task<string> ContactAsync(HubSpotClient client) =>
        (await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", $"a{Guid.NewGuid():N}@example.com"))).Id;

    private async Task<string> CompanyAsync(HubSpotClient client) =>
        (await client.Crm.Companies.CreateAsync(new PropertyBag().Set("name", "Acme " + Guid.NewGuid().ToString("N")[..6]))).Id;

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Default_labelled_list_and_archive_round_trip(HubSpotApiVersion version)
    {
        var client = fixture.NewClient(fixture.Emulator.Token, version);
        var contact = await ContactAsync(client);
        var company = await CompanyAsync(client);

        var made = await client.Associations.CreateDefaultAsync("contacts", contact, "companies", company);
        Assert.Contains(made, a => a.FromObjectId == contact && a.ToObjectId == company && a.Type == AssociationTypes.ContactToCompany);
        Assert.Contains(made, a => a.FromObjectId == company && a.ToObjectId == contact && a.Type == AssociationTypes.CompanyToContact);

        var labels = await client.Associations.CreateAsync("contacts", contact, "companies", company,
            [AssociationTypes.ContactToCompanyPrimary, AssociationTypes.ContactToCompany]);
        Assert.Equal(contact, labels.FromObjectId);
        Assert.Contains("Primary", labels.Labels);

        var listed = await client.Associations.ListAsync("contacts", contact, "companies").ToListAsync();
        var only = Assert.Single(listed);
        Assert.Equal(company, only.ToObjectId);
        Assert.Contains(AssociationTypes.ContactToCompanyPrimary, only.Types);
        Assert.Contains(only.Types, t => t == AssociationTypes.ContactToCompany && t.Label is null);

        await client.Associations.ArchiveAsync("contacts", contact, "companies", company);
        Assert.Empty(await client.Associations.ListAsync("contacts", contact, "companies").ToListAsync());
    }

    [Fact]
    public async Task List_pages_resume_from_a_continuation_token()
    {
        var client = fixture.Client;
        var contact = await ContactAsync(client);
        var companies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            companies.Add(await CompanyAsync(client));
        }

        await client.Associations.BatchCreateDefaultAsync("contacts", "companies", companies.Select(c => new AssociationPair(contact, c)));
        var pages = await client.Associations.ListAsync("contacts", contact, "companies").AsPages(pageSize: 2).ToListAsync();
        Assert.Equal(2, pages.Count);
        var rest = await client.Associations.ListAsync("contacts", contact, "companies").AsPages(pages[0].ContinuationToken, 2).ToListAsync();
        Assert.Equal(pages[1].Values.Select(v => v.ToObjectId), rest.SelectMany(p => p.Values).Select(v => v.ToObjectId));
        Assert.Equal(companies.Order(), pages.SelectMany(p => p.Values).Select(v => v.ToObjectId).Order());
    }

    [Fact]
    public async Task Batch_create_chunks_past_100_and_returns_partial_failures()
    {
        var client = fixture.Client;
        var contact = await ContactAsync(client);
        var deals = new List<string>();
        for (var i = 0; i < 101; i++)
        {
            deals.Add((await client.Crm.Deals.CreateAsync(new PropertyBag().Set("dealname", $"D{i}").Set("dealstage", "appointmentscheduled"))).Id);
        }

        var inputs = deals.Select(d => new AssociationInput(contact, d, [AssociationTypes.ContactToDeal]))
            .Append(new AssociationInput(contact, "999999999999", [AssociationTypes.ContactToDeal]));
        var outcome = await client.Associations.BatchCreateAsync("contacts", "deals", inputs);
        Assert.Equal(Enumerable.Range(0, 101), outcome.Succeeded.Select(s => s.InputIndex));
        Assert.Equal(deals, outcome.Succeeded.Select(s => s.Value.ToObjectId));
        var error = Assert.Single(outcome.Failed);
        Assert.Equal(101, error.InputIndex);
        Assert.Equal("999999999999", error.InputId);
        Assert.False(error.ChunkFailed);
        Assert.Equal(404, (int)error.Status);
        Assert.Throws<HubSpotApiException>(() => outcome.EnsureAllSucceeded());

        var other = await ContactAsync(client);
        var read = await client.Associations.BatchReadAsync("contacts", "deals", [contact, other, contact]);
        Assert.False(read.HasFailures);
        Assert.Equal([0, 1, 2], read.Succeeded.Select(s => s.InputIndex));
        Assert.Equal(101, read.Values[0].To.Count);
        Assert.Empty(read.Values[1].To);
        Assert.Equal(101, read.Values[2].To.Count);

        var archived = await client.Associations.BatchArchiveAsync("contacts", "deals", deals.Take(100).Select(d => new AssociationPair(contact, d)));
        Assert.False(archived.HasFailures);
        Assert.Equal(100, archived.Succeeded.Count);
        var left = await client.Associations.ListAsync("contacts", contact, "deals").ToListAsync();
        Assert.Equal(deals[100], Assert.Single(left).ToObjectId);
    }

    [Fact]
    public async Task Batch_create_default_maps_every_pair_back_and_a_chunk_answered_5xx_is_re_sent()
    {
        // One chunk at a time, so the fault below hits the first chunk and no other.
        var client = new HubSpotClient(new HubSpotClientOptions
        {
            BaseUri = fixture.Emulator.BaseUri, AccessToken = fixture.Emulator.Token, ProactiveRateLimiting = false, MaxBatchConcurrency = 1,
        });
        var contact = await ContactAsync(client);
        var companies = (await client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, 150).Select(i => new PropertyBag().Set("name", $"Co{i}"))))
            .EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        var pairs = companies.Select(c => new AssociationPair(contact, c)).ToList();
        pairs[142] = new AssociationPair(contact, "999999999998");
        var rule = fixture.Emulator.Faults.Add(new FaultRule { Route = "POST */batch/associate/default", Kind = FaultKind.Status, Status = 502, Count = 1 });
        try
        {
            var result = await client.Associations.BatchCreateDefaultAsync("contacts", "companies", pairs);

            // Linking the same pairs again converges, so a chunk answered 5xx is re-sent rather than failed.
            Assert.Equal(Enumerable.Range(0, 150), result.Succeeded.Select(s => s.InputIndex).Concat(result.Failed.Select(f => f.InputIndex)).Order());
            Assert.Equal(1, Assert.Single(fixture.Emulator.Faults.List(), f => f.Rule.Id == rule.Id).Fired);
            var missing = Assert.Single(result.Failed, f => !f.ChunkFailed);
            Assert.False(missing.MayHaveBeenApplied);
            Assert.Equal((142, "999999999998", 404), (missing.InputIndex, missing.InputId, missing.Status));
            Assert.Equal(149, result.Succeeded.Count);
            Assert.All(result.Succeeded, s => Assert.Equal((contact, pairs[s.InputIndex].ToObjectId), (s.Value.FromObjectId, s.Value.ToObjectId)));
        }
        finally
        {
            fixture.Emulator.Faults.Remove(rule.Id!);
        }
    }

    [Fact]
    public async Task Labels_can_be_created_used_renamed_and_deleted()
    {
        var client = fixture.Client;
        var name = "manager_" + Guid.NewGuid().ToString("N")[..8];
        var created = await client.Associations.CreateLabelAsync("contacts", "contacts", new AssociationLabelCreateInput(name, "Manager") { InverseLabel = "Report" });
        var manager = Assert.Single(created, t => t.Label == "Manager");
        // The inverse label reached HubSpot: the other direction is its own type.
        Assert.Single(created, t => t.Label == "Report" && t.TypeId != manager.TypeId);
        Assert.Equal(AssociationCategory.UserDefined, manager.Category);

        var a = await ContactAsync(client);
        var b = await ContactAsync(client);
        var labels = await client.Associations.CreateAsync("contacts", a, "contacts", b, [manager]);
        Assert.Contains("Manager", labels.Labels);

        await client.Associations.UpdateLabelAsync("contacts", "contacts", new AssociationLabelUpdateInput(manager.TypeId, "Team lead"));
        var all = await client.Associations.ListLabelsAsync("contacts", "contacts").ToListAsync();
        Assert.Contains(all, t => t.TypeId == manager.TypeId && t.Label == "Team lead");
        Assert.Contains(AssociationTypes.ContactToContact, all);

        await client.Associations.ArchiveLabelAsync("contacts", "contacts", manager.TypeId);
        Assert.DoesNotContain(await client.Associations.ListLabelsAsync("contacts", "contacts").ToListAsync(), t => t.TypeId == manager.TypeId);

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            client.Associations.ArchiveLabelAsync("contacts", "companies", AssociationTypes.ContactToCompany.TypeId));
        Assert.Equal(400, (int)error.Status);
    }

    [Fact]
    public async Task Associating_a_missing_record_throws_404()
    {
        var client = fixture.Client;
        var contact = await ContactAsync(client);
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            client.Associations.CreateDefaultAsync("contacts", contact, "companies", "424242424242"));
        Assert.Equal(404, (int)error.Status);
        Assert.Equal("OBJECT_NOT_FOUND", error.Category);
    }

    [Fact]
    public async Task Type_names_list_the_v3_name_of_every_v4_type_between_two_types()
    {
        var client = fixture.Client;
        var names = await client.Associations.ListTypeNamesAsync("contacts", "companies");
        Assert.Contains(new AssociationTypeName(AssociationTypes.ContactToCompanyPrimary.TypeId, "contact_to_company"), names);
        Assert.Contains(new AssociationTypeName(AssociationTypes.ContactToCompany.TypeId, "contact_to_company_unlabeled"), names);

        var made = await client.Associations.CreateLabelAsync("contacts", "companies", new AssociationLabelCreateInput("names_" + Guid.NewGuid().ToString("N")[..8], "Names test"));
        names = await client.Associations.ListTypeNamesAsync("contacts", "companies");
        var labels = await client.Associations.ListLabelsAsync("contacts", "companies").ToListAsync();
        Assert.Contains(names, n => n.TypeId == made[0].TypeId);
        Assert.Equal(labels.Select(l => l.TypeId).Order(), names.Select(n => n.TypeId).Order());
    }

    [Fact]
    public async Task List_answers_inline_associations_with_v3_names_and_says_when_a_record_has_more()
    {
        var client = fixture.Client;
        var contact = await ContactAsync(client);
        var single = await ContactAsync(client);
        var companies = (await client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, 101).Select(i => new PropertyBag().Set("name", $"Inline {i}")))).EnsureAllSucceeded()
            .Values.Select(c => c.Id).ToList();
        await client.Associations.BatchCreateDefaultAsync("contacts", "companies", companies.Select(c => new AssociationPair(contact, c)));
        await client.Associations.CreateAsync("contacts", single, "companies", companies[0], [AssociationTypes.ContactToCompanyPrimary, AssociationTypes.ContactToCompany]);

        var options = new CrmReadOptions { Properties = ["email"], Associations = ["companies"] };
        var found = new Dictionary<string, CrmObject>();
        await foreach (var page in client.Crm.Contacts.ListAsync(options).AsPages(pageSize: 100))
        {
            foreach (var record in page.Values.Where(r => r.Id == contact || r.Id == single))
            {
                found[record.Id] = record;
            }
        }

        var many = found[contact].AssociationLists["companies"];
        Assert.True(many.HasMore);
        Assert.Equal(100, many.Results.Count);
        Assert.All(many.Results, r => Assert.Equal("contact_to_company_unlabeled", r.TypeName));
        Assert.Subset(companies.ToHashSet(), many.Results.Select(r => r.Id).ToHashSet());
        Assert.Equal(100, many.Results.Select(r => r.Id).Distinct().Count());

        var one = found[single].AssociationLists["companies"];
        Assert.False(one.HasMore);
        Assert.Equal([(companies[0], "contact_to_company"), (companies[0], "contact_to_company_unlabeled")],
            one.Results.Select(r => (r.Id, r.TypeName ?? "")).Order());
    }
}
