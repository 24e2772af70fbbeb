using System.Text.Json.Nodes;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Search;

/// <summary>Helpers shared by the search tests: creating records and reading search answers.</summary>
internal static class SearchTestData
{
    public const string ContactsSearch = "/crm/v3/objects/contacts/search";

    /// <summary>Creates one contact through the API, one clock minute after the previous one.</summary>
    public static async Task<string> CreateContact(EmulatorFixture fixture, IDictionary<string, string> properties)
    {
        fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        var reply = (await fixture.Api.Post("/crm/v3/objects/contacts", new { properties })).Expect(201);
        return reply["id"].GetValue<string>();
    }

    /// <summary>
    /// Four contacts covering every property type: firstname/email (string), annualrevenue (number),
    /// date_of_birth (date), createdate (datetime, one minute apart), hs_email_optout (bool),
    /// lifecyclestage (enumeration) and hs_buying_role (multi-value enumeration).
    /// </summary>
    public static async Task<Dictionary<string, string>> SeedPeople(EmulatorFixture fixture)
    {
        fixture.Emulator.Reset();
        // Tests in a class share the clock; pin it so createdate values are known (09:31, 09:32, 09:33, 09:34).
        fixture.Emulator.Clock.Freeze(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero));
        var ids = new Dictionary<string, string>
        {
            ["Alice"] = await CreateContact(fixture, new Dictionary<string, string>
            {
                ["firstname"] = "Alice", ["lastname"] = "Smith", ["email"] = "alice@example.com", ["annualrevenue"] = "10.0",
                ["date_of_birth"] = "1990-05-01", ["hs_email_optout"] = "true", ["lifecyclestage"] = "lead",
                ["hs_buying_role"] = "BUDGET_HOLDER;END_USER",
            }),
            ["Bob"] = await CreateContact(fixture, new Dictionary<string, string>
            {
                ["firstname"] = "Bob", ["lastname"] = "Jones", ["email"] = "bob@sample.org", ["annualrevenue"] = "9",
                ["date_of_birth"] = "1985-01-15", ["hs_email_optout"] = "false", ["lifecyclestage"] = "customer",
                ["hs_buying_role"] = "CHAMPION",
            }),
            ["Carol"] = await CreateContact(fixture, new Dictionary<string, string>
            {
                ["firstname"] = "Carol", ["lastname"] = "Smith-Baker", ["email"] = "carol@example.com", ["annualrevenue"] = "250",
                ["lifecyclestage"] = "lead",
            }),
            ["Dave"] = await CreateContact(fixture, new Dictionary<string, string>
            {
                ["firstname"] = "Dave", ["date_of_birth"] = "2000-12-31", ["hs_email_optout"] = "false",
                ["lifecyclestage"] = "subscriber", ["hs_buying_role"] = "END_USER",
            }),
        };
        return ids;
    }

    /// <summary>A one-filter search body.</summary>
    public static object Filter(string property, string op, string? value = null, string[]? values = null, string? highValue = null) => new
    {
        filterGroups = new[] { new { filters = new[] { new { propertyName = property, @operator = op, value, values, highValue } } } },
        properties = new[] { "firstname" },
        limit = 100,
    };

    /// <summary>The firstnames of the results, in result order.</summary>
    public static List<string> Names(Reply reply) =>
        [.. reply["results"].AsArray().Select(r => r!["properties"]!["firstname"]?.GetValue<string>() ?? "?")];

    public static List<string> Ids(Reply reply) =>
        [.. reply["results"].AsArray().Select(r => r!["id"]!.GetValue<string>())];

    /// <summary>Adds contacts straight into the store (fast, for volume tests): email, firstname and system values.</summary>
    /// <param name="step">When set, the clock advances this much before each contact, so createdate values differ.</param>
    public static void AddContactsDirectly(HubSpotEmulator emulator, int count, Func<int, string> email, Func<int, string>? firstname = null, TimeSpan? step = null)
    {
        var portal = emulator.Portal;
        using var _ = portal.Write();
        var type = portal.ResolveType("contacts");
        var writer = new RecordWriter(portal);
        for (var i = 0; i < count; i++)
        {
            var properties = new Dictionary<string, string> { ["email"] = email(i) };
            if (firstname is not null)
            {
                properties["firstname"] = firstname(i);
            }

            if (step is { } by)
            {
                emulator.Clock.Advance(by);
            }

            writer.CommitCreate(type, properties);
        }
    }

    public static JsonArray Results(Reply reply) => reply["results"].AsArray();
}
