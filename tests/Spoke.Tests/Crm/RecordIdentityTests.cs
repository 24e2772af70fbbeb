using System.Net;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Errors;

namespace Spoke.Tests.Crm;

/// <summary>Creates with associations, upsert of one record, find-or-null, the 409's existing id, merge and GDPR delete.</summary>
public sealed class RecordIdentityTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static string Email() => $"i{Guid.NewGuid():N}@example.com";

    private static string DealName() => $"Deal {Guid.NewGuid():N}";

    private CrmClient Crm => fixture.Client.Crm;

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task A_deal_is_created_with_its_contact_in_one_call(HubSpotApiVersion version)
    {
        var crm = fixture.NewClient(fixture.Emulator.Token, version).Crm;
        var contact = await crm.Contacts.CreateAsync(new PropertyBag().Set("email", Email()));

        var deal = await crm.Deals.CreateAsync(new CrmCreateInput(new PropertyBag().Set("dealname", DealName()).Set("dealstage", "appointmentscheduled"))
            .AssociateWith(contact.Id, AssociationTypes.DealToContact));

        var read = await crm.Deals.GetAsync(deal.Id, new CrmReadOptions { Associations = ["contacts"] });
        Assert.Equal([contact.Id], read.Associations["contacts"]);
        var back = await crm.Contacts.GetAsync(contact.Id, new CrmReadOptions { Associations = ["deals"] });
        Assert.Equal([deal.Id], back.Associations["deals"]);
    }

    [Fact]
    public async Task A_create_whose_association_fails_leaves_no_record_behind()
    {
        var name = DealName();
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => Crm.Deals.CreateAsync(
            new CrmCreateInput(new PropertyBag().Set("dealname", name).Set("dealstage", "appointmentscheduled"))
                .AssociateWith("999999999999", AssociationTypes.DealToContact)));

        Assert.InRange((int)error.Status, 400, 499);
        var found = await Crm.Deals.SearchAsync(new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("dealname", name))).ToListAsync();
        Assert.Empty(found);
    }

    [Fact]
    public async Task Batch_create_gives_each_input_its_own_associations_and_fails_a_bad_one_alone()
    {
        var a = await Crm.Contacts.CreateAsync(new PropertyBag().Set("email", Email()));
        var b = await Crm.Contacts.CreateAsync(new PropertyBag().Set("email", Email()));
        var deal = new PropertyBag().Set("dealstage", "appointmentscheduled");

        var result = await Crm.Deals.BatchCreateAsync(
        [
            new CrmCreateInput(new PropertyBag().Set("dealname", DealName()).Set("dealstage", "appointmentscheduled")).AssociateWith(a.Id, AssociationTypes.DealToContact),
            new CrmCreateInput(new PropertyBag().Set("dealname", DealName()).Set("dealstage", "appointmentscheduled")).AssociateWith("999999999999", AssociationTypes.DealToContact),
            new CrmCreateInput(new PropertyBag().Set("dealname", DealName()).Set("dealstage", "appointmentscheduled"))
            {
                Associations = [new CrmAssociationInput(b.Id, AssociationTypes.DealToContact), new CrmAssociationInput(a.Id, AssociationTypes.DealToContact)],
            },
        ]);

        Assert.Equal([0, 2], result.Succeeded.Select(s => s.InputIndex));
        Assert.Equal(1, Assert.Single(result.Failed).InputIndex);
        var first = await Crm.Deals.GetAsync(result.Succeeded[0].Value.Id, new CrmReadOptions { Associations = ["contacts"] });
        Assert.Equal([a.Id], first.Associations["contacts"]);
        var third = await Crm.Deals.GetAsync(result.Succeeded[1].Value.Id, new CrmReadOptions { Associations = ["contacts"] });
        Assert.Equal(new[] { a.Id, b.Id }.Order(), third.Associations["contacts"].Order());
    }

    [Fact]
    public void An_association_without_a_type_is_refused_before_sending()
    {
        var input = new CrmCreateInput(new PropertyBag().Set("dealname", "x")) { Associations = [new CrmAssociationInput("1", [])] };
        Assert.Throws<ArgumentException>(() => Crm.Deals.CreateAsync(input).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task Upsert_of_one_record_creates_then_updates_and_says_which()
    {
        var email = Email();

        var created = await Crm.Contacts.UpsertAsync("email", email, new PropertyBag().Set("firstname", "Ada"));
        var updated = await Crm.Contacts.UpsertAsync("email", email, new PropertyBag().Set("firstname", "Grace"));

        Assert.True(created.IsNew);
        Assert.False(updated.IsNew);
        Assert.Equal(created.Object.Id, updated.Object.Id);
        Assert.Equal("Grace", (await Crm.Contacts.GetAsync(created.Object.Id)).Properties.GetString("firstname"));
    }

    [Fact]
    public async Task Upsert_of_one_record_throws_what_hubspot_refused()
    {
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            Crm.Contacts.UpsertAsync("email", Email(), new PropertyBag().Set("no_such_property_here", "x")));
        Assert.Equal(400, error.Status);
        Assert.Contains("no_such_property_here", error.Message + string.Join(' ', error.Errors.Select(e => e.Message)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryGet_returns_null_for_a_missing_record_and_finds_by_a_unique_property()
    {
        var email = Email();
        var contact = await Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email));

        Assert.Null(await Crm.Contacts.TryGetAsync("999999999999"));
        Assert.Null(await Crm.Contacts.TryGetAsync(Email(), new CrmReadOptions { IdProperty = "email" }));
        Assert.Equal(contact.Id, (await Crm.Contacts.TryGetAsync(email, new CrmReadOptions { IdProperty = "email" }))?.Id);
        Assert.Equal(contact.Id, (await Crm.Contacts.TryGetAsync(contact.Id))?.Id);
    }

    [Fact]
    public async Task TryGet_still_throws_errors_other_than_not_found()
    {
        var noScopes = fixture.NewClient(fixture.Emulator.CreateToken([])).Crm.Contacts;
        var error = await Assert.ThrowsAnyAsync<HubSpotApiException>(() => noScopes.TryGetAsync("1"));
        Assert.Equal(403, error.Status);
    }

    [Fact]
    public async Task A_duplicate_contact_names_the_existing_record()
    {
        var email = Email();
        var existing = await Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email));

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email.ToUpperInvariant())));

        Assert.Equal(409, error.Status);
        Assert.Equal(existing.Id, error.ExistingObjectId);
    }

    [Fact]
    public void ExistingObjectId_is_read_only_from_a_conflict()
    {
        Assert.Equal("512159482605", new HubSpotApiException(409, "Contact already exists. Existing ID: 512159482605").ExistingObjectId);
        Assert.Null(new HubSpotApiException(400, "Contact already exists. Existing ID: 1").ExistingObjectId);
        Assert.Null(new HubSpotApiException(409, "Conflict").ExistingObjectId);
    }

    [Fact]
    public async Task Merge_folds_one_company_into_another()
    {
        var primary = await Crm.Companies.CreateAsync(new PropertyBag().Set("name", "Primary Co"));
        var merged = await Crm.Companies.CreateAsync(new PropertyBag().Set("name", "Merged Co").Set("domain", "merged.example.com"));

        var survivor = await Crm.Companies.MergeAsync(new CrmMergeInput(primary.Id, merged.Id));

        Assert.Equal(primary.Id, survivor.Id);
        // The merged-away id now answers for the survivor.
        Assert.Equal(survivor.Id, (await Crm.Companies.GetAsync(merged.Id)).Id);
    }

    [Theory]
    [InlineData("contacts", "email")]
    [InlineData("deals", "dealname")]
    [InlineData("tickets", "subject")]
    public async Task Merge_folds_one_record_into_another_for_every_standard_type_hubspot_merges(string type, string property)
    {
        PropertyBag Bag(string value) => type switch
        {
            "contacts" => new PropertyBag().Set(property, $"{value}{Guid.NewGuid():N}@example.com"),
            "deals" => new PropertyBag().Set(property, value).Set("dealstage", "appointmentscheduled"),
            _ => new PropertyBag().Set(property, value).Set("hs_pipeline", "0").Set("hs_pipeline_stage", "1"),
        };
        var records = Crm.Objects(type);
        var primary = await records.CreateAsync(Bag("primary"));
        var merged = await records.CreateAsync(Bag("merged"));

        var survivor = await records.MergeAsync(new CrmMergeInput(primary.Id, merged.Id));

        Assert.Equal(survivor.Id, (await records.GetAsync(merged.Id)).Id);
        Assert.Equal(survivor.Id, (await records.GetAsync(primary.Id)).Id);
    }

    [Fact]
    public async Task Merge_folds_one_custom_object_record_into_another()
    {
        var schema = await fixture.Client.Schemas.CreateAsync(new Spoke.Schemas.ObjectSchemaCreate
        {
            Name = "merge_" + Guid.NewGuid().ToString("N")[..6],
            Labels = new Spoke.Schemas.ObjectSchemaLabels { Singular = "Machine", Plural = "Machines" },
            Properties = [new Spoke.Properties.PropertyCreate { Name = "serial", Label = "Serial", Type = Spoke.Properties.PropertyType.String, FieldType = Spoke.Properties.PropertyFieldType.Text }],
            RequiredProperties = ["serial"],
            PrimaryDisplayProperty = "serial",
        });
        var records = Crm.Objects(schema.ObjectTypeId);
        var primary = await records.CreateAsync(new PropertyBag().Set("serial", "SN-1"));
        var merged = await records.CreateAsync(new PropertyBag().Set("serial", "SN-2"));

        var survivor = await records.MergeAsync(new CrmMergeInput(primary.Id, merged.Id));

        Assert.Equal(survivor.Id, (await records.GetAsync(merged.Id)).Id);
    }

    [Fact]
    public async Task Merge_and_gdpr_delete_are_refused_for_types_hubspot_does_not_offer_them_for()
    {
        await Assert.ThrowsAsync<NotSupportedException>(() => Crm.Products.MergeAsync(new CrmMergeInput("1", "2")));
        await Assert.ThrowsAsync<NotSupportedException>(() => Crm.Notes.MergeAsync(new CrmMergeInput("1", "2")));
        await Assert.ThrowsAsync<NotSupportedException>(() => Crm.Companies.GdprDeleteAsync("1"));
    }

    [Fact]
    public async Task Gdpr_delete_removes_a_contact_for_good_by_id_or_by_email()
    {
        var byId = await Crm.Contacts.CreateAsync(new PropertyBag().Set("email", Email()));
        var email = Email();
        var byEmail = await Crm.Contacts.CreateAsync(new PropertyBag().Set("email", email));

        await Crm.Contacts.GdprDeleteAsync(byId.Id);
        await Crm.Contacts.GdprDeleteAsync(email, new CrmGdprDeleteOptions { IdProperty = "email" });

        Assert.Null(await Crm.Contacts.TryGetAsync(byId.Id, new CrmReadOptions { Archived = true }));
        Assert.Null(await Crm.Contacts.TryGetAsync(byEmail.Id, new CrmReadOptions { Archived = true }));
    }
}
