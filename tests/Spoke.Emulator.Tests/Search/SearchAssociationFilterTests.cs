using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Schemas;
using static Spoke.Emulator.Tests.Associations.Records;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>The <c>associations.{type}</c> pseudo-property (docs/hubspot-api.md §6): records associated with a given record.</summary>
public sealed class SearchAssociationFilterTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private static object Associated(string property, string op, string? value = null, string[]? values = null) => new
    {
        filterGroups = new[] { new { filters = new[] { new { propertyName = property, @operator = op, value, values } } } },
        limit = 100,
    };

    private async Task<List<string>> CompaniesWhere(string property, string op, string? value = null, string[]? values = null) =>
        Ids((await _api.Post("/crm/v3/objects/companies/search", Associated(property, op, value, values))).Expect(200));

    [Fact]
    public async Task Finds_records_associated_with_a_record_until_the_association_is_removed()
    {
        var contact = await Contact(_api);
        var linked = await Company(_api);
        var other = await Company(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{linked}", null)).Expect(200);

        Assert.Equal([linked], await CompaniesWhere("associations.contact", "EQ", contact));
        // Plural type names work too, and the filter ANDs with property filters.
        Assert.Equal([linked], await CompaniesWhere("associations.contacts", "EQ", contact));
        var named = new
        {
            filterGroups = new[]
            {
                new { filters = new object[]
                {
                    new { propertyName = "associations.contact", @operator = "EQ", value = contact },
                    new { propertyName = "hs_object_id", @operator = "EQ", value = other },
                } },
            },
        };
        Assert.Equal(0, (await _api.Post("/crm/v3/objects/companies/search", named)).Expect(200)["total"].GetValue<int>());

        (await _api.Delete($"/crm/v4/objects/contacts/{contact}/associations/companies/{linked}")).Expect(204);
        Assert.Empty(await CompaniesWhere("associations.contact", "EQ", contact));
    }

    [Fact]
    public async Task IN_takes_several_records_and_the_other_direction_works_too()
    {
        var first = await Contact(_api);
        var second = await Contact(_api);
        var company = await Company(_api);
        var deal = await Deal(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{first}/associations/default/companies/{company}", null)).Expect(200);
        (await _api.Put($"/crm/v4/objects/deals/{deal}/associations/default/contacts/{second}", null)).Expect(200);

        Assert.Equal([company], await CompaniesWhere("associations.contact", "IN", values: [first, second]));
        var contacts = Ids((await _api.Post(ContactsSearch, Associated("associations.deal", "EQ", deal))).Expect(200));
        Assert.Equal([second], contacts);
        var viaCompany = Ids((await _api.Post(ContactsSearch, Associated("associations.company", "EQ", company))).Expect(200));
        Assert.Equal([first], viaCompany);
    }

    [Fact]
    public async Task Archived_records_on_either_side_drop_out()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}", null)).Expect(200);

        (await _api.Delete($"/crm/v3/objects/companies/{company}")).Expect(204);
        Assert.Empty(await CompaniesWhere("associations.contact", "EQ", contact));
    }

    [Fact]
    public async Task Unknown_types_bad_ids_and_other_operators_are_400()
    {
        var contact = await Contact(_api);
        (await _api.Post("/crm/v3/objects/companies/search", Associated("associations.spaceship", "EQ", contact))).Expect(400);
        (await _api.Post("/crm/v3/objects/companies/search", Associated("associations.contact", "EQ", "abc"))).Expect(400);
        var neq = (await _api.Post("/crm/v3/objects/companies/search", Associated("associations.contact", "NEQ", contact))).Expect(400);
        Assert.Equal("VALIDATION_ERROR", neq["category"].GetValue<string>());
    }

    [Fact]
    public async Task Custom_object_association_filters_are_refused_as_HubSpot_documents()
    {
        var name = $"car_{Guid.NewGuid():N}"[..12];
        var schema = (await _api.Post("/crm-object-schemas/v3/schemas", SchemasApiTests.CarSchema(name))).Expect(201);
        var typeId = Str(schema["objectTypeId"]);
        var car = Str((await _api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "Corolla" } })).Expect(201)["id"]);
        var contact = await Contact(_api);
        (await _api.Put($"/crm/v4/objects/p_{name}/{car}/associations/default/contacts/{contact}", null)).Expect(200);

        var refused = (await _api.Post(ContactsSearch, Associated($"associations.p_{name}", "EQ", car))).Expect(400);
        Assert.Contains("custom objects", refused["message"].GetValue<string>(), StringComparison.Ordinal);
        (await _api.Post($"/crm/v3/objects/{typeId}/search", Associated("associations.contact", "EQ", contact))).Expect(400);
    }
}

/// <summary>With <see cref="FidelityOptions.SearchAssociationFiltersOnCustomObjects"/> on, custom objects filter too.</summary>
public sealed class SearchCustomAssociationFilterTests : IAsyncLifetime
{
    private readonly EmulatorFixture _fixture = new() { Configure = o => o.Fidelity.SearchAssociationFiltersOnCustomObjects = true };

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task Custom_object_records_are_found_by_association_when_switched_on()
    {
        var api = _fixture.Api;
        var name = $"car_{Guid.NewGuid():N}"[..12];
        var typeId = Str((await api.Post("/crm-object-schemas/v3/schemas", SchemasApiTests.CarSchema(name))).Expect(201)["objectTypeId"]);
        var car = Str((await api.Post($"/crm/v3/objects/{typeId}", new { properties = new { model = "Corolla" } })).Expect(201)["id"]);
        var contact = await Contact(api);
        (await api.Put($"/crm/v4/objects/p_{name}/{car}/associations/default/contacts/{contact}", null)).Expect(200);

        var body = new { filterGroups = new[] { new { filters = new[] { new { propertyName = "associations.contact", @operator = "EQ", value = contact } } } } };
        Assert.Equal([car], Ids((await api.Post($"/crm/v3/objects/{typeId}/search", body)).Expect(200)));
    }
}
