using Spoke.Crm;
using Spoke.Errors;

namespace Spoke.Tests.Crm;

public sealed class CrmObjectsClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static string Email() => $"k{Guid.NewGuid():N}@example.com";

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Create_get_update_archive_round_trip_on_both_api_versions(HubSpotApiVersion version)
    {
        var contacts = fixture.NewClient(fixture.Emulator.Token, version).Crm.Contacts;
        var email = Email();
        var created = await contacts.CreateAsync(new PropertyBag().Set("email", email).Set("firstname", "Ada"));
        Assert.Equal(email, created.Properties.GetString("email"));

        var updated = await contacts.UpdateAsync(created.Id, new PropertyBag().Set("firstname", "Grace").Clear("lastname"));
        Assert.Equal("Grace", updated.Properties.GetString("firstname"));

        var byEmail = await contacts.GetAsync(email, new CrmReadOptions { IdProperty = "email", PropertiesWithHistory = ["firstname"] });
        Assert.Equal(created.Id, byEmail.Id);
        Assert.Equal(["Grace", "Ada"], byEmail.PropertiesWithHistory["firstname"].Select(v => v.Value));

        await contacts.ArchiveAsync(created.Id);
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => contacts.GetAsync(created.Id));
        Assert.Equal(404, (int)error.Status);
        Assert.Equal("OBJECT_NOT_FOUND", error.Category);
        Assert.NotNull(error.CorrelationId);
        var archived = await contacts.GetAsync(created.Id, new CrmReadOptions { Archived = true });
        Assert.True(archived.Archived);
    }

    [Fact]
    public async Task Update_options_name_records_by_a_unique_property_single_and_batch()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var (first, second) = (Email(), Email());
        var a = await contacts.CreateAsync(new PropertyBag().Set("email", first));
        var b = await contacts.CreateAsync(new PropertyBag().Set("email", second));
        var byEmail = new CrmUpdateOptions { IdProperty = "email" };

        // Without the option HubSpot would read the email as a record id and answer 404.
        var updated = await contacts.UpdateAsync(first, new PropertyBag().Set("firstname", "Ada"), byEmail);
        Assert.Equal((a.Id, "Ada"), (updated.Id, updated.Properties.GetString("firstname")));

        var batch = await contacts.BatchUpdateAsync([(first, new PropertyBag().Set("firstname", "Grace")), (second, new PropertyBag().Set("firstname", "Alan"))], byEmail);
        Assert.Equal([a.Id, b.Id], batch.EnsureAllSucceeded().Values.Select(r => r.Id));
        Assert.Equal("Alan", (await contacts.GetAsync(b.Id)).Properties.GetString("firstname"));
    }

    [Fact]
    public async Task Typed_values_round_trip_in_hubspot_wire_formats()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var birthday = new DateOnly(1990, 5, 1);
        var created = await contacts.CreateAsync(new PropertyBag()
            .Set("email", Email())
            .Set("annualrevenue", 1234.56m)
            .Set("hs_email_optout", true)
            .Set("date_of_birth", birthday)
            .Set("hs_buying_role", ["BUDGET_HOLDER", "END_USER"]));
        var read = await contacts.GetAsync(created.Id, new CrmReadOptions
        {
            Properties = ["annualrevenue", "hs_email_optout", "date_of_birth", "hs_buying_role", "createdate"],
        });
        Assert.Equal(1234.56m, read.Properties.GetDecimal("annualrevenue"));
        Assert.True(read.Properties.GetBoolean("hs_email_optout"));
        Assert.Equal(birthday, read.Properties.GetDate("date_of_birth"));
        Assert.Equal(["BUDGET_HOLDER", "END_USER"], read.Properties.GetValues("hs_buying_role"));
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero), read.Properties.GetDateTime("createdate"));
    }

    [Fact]
    public async Task List_streams_every_record_and_pages_resume_from_a_continuation_token()
    {
        var companies = fixture.Client.Crm.Companies;
        var names = Enumerable.Range(0, 7).Select(i => $"Paged {Guid.NewGuid():N} {i}").ToList();
        foreach (var name in names)
        {
            await companies.CreateAsync(new PropertyBag().Set("name", name));
        }

        var all = new List<string>();
        await foreach (var c in companies.ListAsync(new CrmReadOptions { Properties = ["name"] }))
        {
            all.Add(c.Properties.GetString("name")!);
        }

        Assert.Superset(names.ToHashSet(), all.ToHashSet());

        // Read one page of 3, stop, then resume from its token: nothing is skipped or repeated.
        string? token = null;
        var firstPage = new List<string>();
        await foreach (var page in companies.ListAsync().AsPages(pageSize: 3))
        {
            firstPage.AddRange(page.Values.Select(v => v.Id));
            token = page.ContinuationToken;
            break;
        }

        var rest = new List<string>();
        await foreach (var page in companies.ListAsync().AsPages(token, pageSize: 3))
        {
            rest.AddRange(page.Values.Select(v => v.Id));
        }

        Assert.Equal(all.Count, firstPage.Count + rest.Count);
        Assert.Empty(firstPage.Intersect(rest));
    }

    [Fact]
    public async Task Custom_objects_are_reached_by_name()
    {
        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => fixture.Client.Crm.Objects("p_nothing").GetAsync("1"));
        Assert.Equal(400, (int)error.Status);
        Assert.Equal("VALIDATION_ERROR", error.Category);
        Assert.Contains("p_nothing", error.Message);
    }
}
