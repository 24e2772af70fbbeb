using Spoke.Associations;
using Spoke.Crm;
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
    public async Task Default_labelled_list_and_remove_round_trip(HubSpotApiVersion version)
    {
        var client = fixture.NewClient(fixture.Emulator.Token, version);
        var contact = await ContactAsync(client);
        var company = await CompanyAsync(client);

        var made = await client.Associations.AssociateDefaultAsync("contacts", contact, "companies", company);
        Assert.Contains(made, a => a.FromObjectId == contact && a.ToObjectId == company && a.Type == AssociationTypes.ContactToCompany);
        Assert.Contains(made, a => a.FromObjectId == company && a.ToObjectId == contact && a.Type == AssociationTypes.CompanyToContact);

        var labels = await client.Associations.AssociateAsync("contacts", contact, "companies", company,
            [AssociationTypes.ContactToCompanyPrimary, AssociationTypes.ContactToCompany]);
        Assert.Equal(contact, labels.FromObjectId);
        Assert.Contains("Primary", labels.Labels);

        var listed = await client.Associations.ListAsync("contacts", contact, "companies").ToListAsync();
        var only = Assert.Single(listed);
        Assert.Equal(company, only.ToObjectId);
        Assert.Contains(AssociationTypes.ContactToCompanyPrimary, only.Types);
        Assert.Contains(only.Types, t => t == AssociationTypes.ContactToCompany && t.Label is null);

        await client.Associations.RemoveAsync("contacts", contact, "companies", company);
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

        await client.Associations.BatchAssociateDefaultAsync("contacts", "companies", companies.Select(c => new AssociationPair(contact, c)));
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
        Assert.Equal(101, outcome.Results.Count);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(404, (int)error.Status);
        Assert.Throws<HubSpotApiException>(() => outcome.EnsureSuccess());

        var read = await client.Associations.BatchReadAsync("contacts", "deals", [contact, await ContactAsync(client)]);
        Assert.False(read.HasErrors);
        Assert.Equal(101, read.Results[0].To.Count);
        Assert.Empty(read.Results[1].To);

        var archived = await client.Associations.BatchArchiveAsync("contacts", "deals", deals.Take(100).Select(d => new AssociationPair(contact, d)));
        Assert.False(archived.HasErrors);
        var left = await client.Associations.ListAsync("contacts", contact, "deals").ToListAsync();
        Assert.Equal(deals[100], Assert.Single(left).ToObjectId);
    }

    [Fact]
    public async Task Labels_can_be_created_used_renamed_and_deleted()
    {
        var client = fixture.Client;
        var name = "manager_" + Guid.NewGuid().ToString("N")[..8];
        var created = await client.Associations.CreateLabelAsync("contacts", "contacts", name, "Manager", "Report");
        var manager = Assert.Single(created, t => t.Label == "Manager");
        Assert.Equal(AssociationCategory.UserDefined, manager.Category);

        var a = await ContactAsync(client);
        var b = await ContactAsync(client);
        var labels = await client.Associations.AssociateAsync("contacts", a, "contacts", b, [manager]);
        Assert.Contains("Manager", labels.Labels);

        await client.Associations.UpdateLabelAsync("contacts", "contacts", manager.TypeId, "Team lead");
        var all = await client.Associations.GetLabelsAsync("contacts", "contacts");
        Assert.Contains(all, t => t.TypeId == manager.TypeId && t.Label == "Team lead");
        Assert.Contains(AssociationTypes.ContactToContact, all);

        await client.Associations.DeleteLabelAsync("contacts", "contacts", manager.TypeId);
        Assert.DoesNotContain(await client.Associations.GetLabelsAsync("contacts", "contacts"), t => t.TypeId == manager.TypeId);

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            client.Associations.DeleteLabelAsync("contacts", "companies", AssociationTypes.ContactToCompany.TypeId));
        Assert.Equal(400, (int)error.Status);
    }

    [Fact]
    public async Task Associating_a_missing_record_throws_404()
    {
        var client = fixture.Client;
        var contact = await ContactAsync(client);
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            client.Associations.AssociateDefaultAsync("contacts", contact, "companies", "424242424242"));
        Assert.Equal(404, (int)error.Status);
        Assert.Equal("OBJECT_NOT_FOUND", error.Category);
    }
}
