using System.Globalization;
using System.Text;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Persistence;

namespace Spoke.Emulator.Tests.Seeding;

/// <summary><c>--seed demo</c>: a believable, valid, repeatable portal.</summary>
public sealed class DemoSeedTests : IClassFixture<DemoSeedTests.SeededFixture>
{
    private const int Size = 300;
    private readonly SeededFixture _fixture;

    public DemoSeedTests(SeededFixture fixture) => _fixture = fixture;

    private PortalState Portal => _fixture.Emulator.Portal;

    public sealed class SeededFixture : IAsyncLifetime
    {
        public HubSpotEmulator Emulator { get; private set; } = null!;
        public Api Api { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Emulator = await StartSeeded(Size, 7);
            Api = new Api(Emulator.BaseUri, Emulator.Token);
        }

        public async Task DisposeAsync()
        {
            Api.Dispose();
            await Emulator.DisposeAsync();
        }
    }

    private static Task<HubSpotEmulator> StartSeeded(int size, int seedValue) => HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
    {
        Seed = SeedKind.Demo, SeedSize = size, SeedValue = seedValue, Clock = EmulatorClock.FrozenAt(DataFile.Start),
    });

    /// <summary>Every type the seed makes, in seeding order.</summary>
    private static readonly string[] SeededTypes = ["companies", "contacts", "products", "deals", "line_items", "tickets", "notes", "tasks", "p_projects"];

    [Fact]
    public void CreatesContactsAndTheOtherTypesInProportion()
    {
        using var _ = Portal.Read();
        Assert.Equal(Size, Live("contacts").Count);
        Assert.Equal(Size / 5, Live("companies").Count);
        // A tenth as many products, up to the catalog's 16.
        Assert.Equal(16, Live("products").Count);
        Assert.Equal(Size / 2, Live("deals").Count);
        // One to three line items per deal, two on average.
        Assert.Equal(Size, Live("line_items").Count);
        Assert.Equal(Size / 4, Live("tickets").Count);
        Assert.Equal(Size / 2, Live("notes").Count);
        Assert.Equal(Size / 4, Live("tasks").Count);
        Assert.Equal(Size / 10, Live("p_projects").Count);
        Assert.Empty(Live("calls"));
    }

    [Fact]
    public async Task ProductsStopAtTheSizeOfTheCatalog()
    {
        await using var big = await StartSeeded(2_000, 7);
        using var _ = big.Portal.Read();
        var products = big.Portal.Store(big.Portal.ResolveType("products")).All().ToList();
        Assert.Equal(16, products.Count);
        Assert.Equal(products.Count, products.Select(p => p.Get("hs_sku")).Distinct().Count());
    }

    [Fact]
    public void EveryRecordIsCreatedNoEarlierThanTheRecordsItBelongsTo()
    {
        using var _ = Portal.Read();
        var order = SeededTypes.Select(t => Portal.ResolveType(t).TypeId).ToList();
        var checkedEdges = 0;
        foreach (var edge in Portal.Associations.Edges())
        {
            // An edge from a type seeded later to one seeded earlier: the later record joined an existing one.
            if (order.IndexOf(edge.FromTypeId) > order.IndexOf(edge.ToTypeId))
            {
                var from = Portal.Stores[edge.FromTypeId].Find(edge.FromId)!;
                var to = Portal.Stores[edge.ToTypeId].Find(edge.ToId)!;
                Assert.True(from.CreatedAt >= to.CreatedAt, $"{edge.FromTypeId} {edge.FromId} ({from.CreatedAt:O}) predates {edge.ToTypeId} {edge.ToId} ({to.CreatedAt:O})");
                checkedEdges++;
            }
        }

        Assert.True(checkedEdges > Size, $"only {checkedEdges} associations");
    }

    [Fact]
    public async Task SeededRecordsAreServedLikeAnyOther()
    {
        var page = (await _fixture.Api.Get("/crm/v3/objects/contacts?limit=100&properties=email,firstname,lastname,phone,city,country,company,jobtitle,lifecyclestage,hubspot_owner_id")).Expect(200);
        var results = page["results"].AsArray();
        Assert.Equal(100, results.Count);
        Assert.NotNull(page["paging"]!["next"]);
        foreach (var name in new[] { "email", "firstname", "lastname", "phone", "city", "country", "jobtitle", "lifecyclestage", "hubspot_owner_id" })
        {
            Assert.All(results, r => Assert.False(string.IsNullOrEmpty((string?)r!["properties"]![name]), $"{name} missing on {r!["id"]}"));
        }

        Assert.Contains(results, r => !string.IsNullOrEmpty((string?)r!["properties"]!["company"]));
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameRecordsAndAnotherSeedOtherRecords()
    {
        var again = await Snapshot(await StartSeeded(Size, 7));
        var other = await Snapshot(await StartSeeded(Size, 8));
        string mine;
        using (Portal.Read())
        {
            mine = Snapshot(Portal);
        }

        Assert.Equal(mine, again);
        Assert.NotEqual(mine, other);
    }

    [Fact]
    public void DealsUseEveryStageOfTheDefaultPipelineAndTicketsEveryTicketStage()
    {
        using var _ = Portal.Read();
        var dealStages = Portal.Pipelines["0-3"].Single(p => p.Id == "default").Stages.Select(s => s.Id).Order();
        Assert.Equal(dealStages, Live("deals").Select(d => d.Get("dealstage")!).Distinct().Order());
        Assert.All(Live("deals"), d => Assert.Equal("default", d.Get("pipeline")));
        var ticketStages = Portal.Pipelines["0-5"].Single().Stages.Select(s => s.Id).Order();
        Assert.Equal(ticketStages, Live("tickets").Select(t => t.Get("hs_pipeline_stage")!).Distinct().Order());

        // Derived values follow the stage, as on a deal written through the API.
        Assert.All(Live("deals").Where(d => d.Get("dealstage") == "closedwon"), d => Assert.Equal("true", d.Get("hs_is_closed_won")));
        Assert.All(Live("deals").Where(d => d.Get("dealstage") == "closedlost"), d => Assert.Equal("false", d.Get("hs_is_closed_won")));
    }

    [Fact]
    public void EveryRecordPassesTheValidationOfAWrite()
    {
        using var _ = Portal.Write();
        var writer = new RecordWriter(Portal);
        foreach (var typeName in SeededTypes)
        {
            var type = Portal.ResolveType(typeName);
            var catalog = Portal.Catalog(type);
            foreach (var record in Live(typeName))
            {
                var writable = record.Properties
                    .Where(p => catalog.Find(p.Key) is { ReadOnlyValue: false } && p.Value.Value.Length > 0)
                    .ToDictionary(p => p.Key, p => p.Value.Value);
                var accepted = writer.PrepareUpdate(type, record, writable);
                // Stored in the form a write would store: validation changes nothing.
                Assert.Equal(writable.OrderBy(kv => kv.Key), accepted.OrderBy(kv => kv.Key));
                Assert.Equal(record.Id.ToString(CultureInfo.InvariantCulture), record.Get("hs_object_id"));
                Assert.Equal(record.Get("createdate"), Spoke.Emulator.Objects.RecordJson.Time(record.CreatedAt));
            }
        }

        Assert.All(Live("contacts"), c => Assert.NotNull(c.Get("email")));
        Assert.All(Live("companies"), c => Assert.NotNull(c.Get("domain")));
        Assert.All(Live("deals"), d => Assert.NotNull(d.Get("dealname")));
        Assert.All(Live("tickets"), t => Assert.NotNull(t.Get("subject")));
        Assert.All(Live("line_items"), l => Assert.NotNull(l.Get("hs_product_id")));
        Assert.All(Live("p_projects"), p => Assert.NotNull(p.Get("project_name")));
    }

    [Fact]
    public void EmailsAndCompanyDomainsAreUnique()
    {
        using var _ = Portal.Read();
        var emails = Live("contacts").Select(c => c.Get("email")!.ToLowerInvariant()).ToList();
        Assert.Equal(emails.Count, emails.Distinct().Count());
        Assert.All(emails, e => Assert.True(Spoke.Emulator.Properties.PropertyValues.IsValidEmail(e), e));
        var domains = Live("companies").Select(c => c.Get("domain")!).ToList();
        Assert.Equal(domains.Count, domains.Distinct().Count());
    }

    [Fact]
    public void RecordsWereCreatedOverThePastTwoYearsOldestFirst()
    {
        using var _ = Portal.Read();
        var now = Portal.Now;
        foreach (var typeName in SeededTypes)
        {
            var records = Live(typeName);
            Assert.All(records, r => Assert.InRange(r.CreatedAt, now.AddDays(-731), now));
            // The product catalog was set up at the start; everything else was created over the two years.
            Assert.True(typeName == "products" || records.Max(r => r.CreatedAt) - records.Min(r => r.CreatedAt) > TimeSpan.FromDays(365), $"{typeName} span less than a year");
            Assert.Equal(records.Select(r => r.CreatedAt).Order(), records.Select(r => r.CreatedAt));
        }
    }

    [Fact]
    public void EveryValueIsDatedWithinTheSeedsHistoryIncludingTheValuesAssociationsCalculate()
    {
        using var _ = Portal.Read();
        // The clock says 09:30; the seed's day starts at midnight, and every value (num_associated_contacts and
        // associatedcompanyid too) carries the time of the record it was written with, so a resume on another day
        // writes what an uninterrupted seed would have.
        var midnight = new DateTimeOffset(Portal.Now.UtcDateTime.Date, TimeSpan.Zero);
        var calculated = 0;
        foreach (var typeName in SeededTypes)
        {
            foreach (var record in Live(typeName))
            {
                foreach (var (name, value) in record.Properties)
                {
                    for (var v = value; v is not null; v = v.Previous)
                    {
                        Assert.True(v.Timestamp <= midnight, $"{typeName} {record.Id} {name} is dated {v.Timestamp:O}");
                        calculated += name is "num_associated_contacts" or "associatedcompanyid" ? 1 : 0;
                    }
                }
            }
        }

        Assert.True(calculated >= Size, $"only {calculated} calculated association values");
    }

    [Fact]
    public async Task AnEmptySeedSizeSeedsNothing()
    {
        await using var empty = await StartSeeded(0, 7);
        using var _ = empty.Portal.Read();
        Assert.All(empty.Portal.Stores.Values, s => Assert.Equal(0, s.Count));
        Assert.Empty(empty.Portal.Schemas);
        Assert.Equal(0, empty.Portal.Associations.Count);
    }

    [Fact]
    public async Task ADataFileIsSeededOnceAndNotAgainOnRestart()
    {
        using var file = new DataFile();
        string firstEmail;
        await using (var emulator = await file.StartAsync(o => { o.Seed = SeedKind.Demo; o.SeedSize = 20; }))
        using (var api = DataFile.ApiFor(emulator))
        {
            var page = (await api.Get("/crm/v3/objects/contacts?limit=100&properties=email")).Expect(200);
            Assert.Equal(20, page["results"].AsArray().Count);
            firstEmail = (string)page["results"][0]!["properties"]!["email"]!;
            (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "mine@example.com" } })).Expect(201);
        }

        await using (var emulator = await file.StartAsync(o => { o.Seed = SeedKind.Demo; o.SeedSize = 20; }))
        using (var api = DataFile.ApiFor(emulator))
        {
            var page = (await api.Get("/crm/v3/objects/contacts?limit=100&properties=email")).Expect(200);
            Assert.Equal(21, page["results"].AsArray().Count);
            Assert.Equal(firstEmail, (string)page["results"][0]!["properties"]!["email"]!);
            Assert.Equal(4, (await api.Get("/crm/v3/objects/companies?limit=100")).Expect(200)["results"].AsArray().Count);

            // The associations and the custom object came back from the file too.
            var firstContact = (string)page["results"][0]!["id"]!;
            Assert.Single((await api.Get($"/crm/v4/objects/contacts/{firstContact}/associations/companies")).Expect(200)["results"].AsArray());
            Assert.Equal(2, (await api.Get("/crm/v3/objects/p_projects?limit=100")).Expect(200)["results"].AsArray().Count);
        }
    }

    [Fact]
    public async Task TheCliSeedsWithTheGivenSeedValue()
    {
        using var file = new DataFile();
        using var cli = await SpokeProcess.StartAsync("emulator", "--data", file.Path, "--port", "0", "--token", DataFile.Token,
            "--seed", "demo", "--seed-size", "15", "--seed-value", "7");
        using var api = new Api(cli.BaseUri, DataFile.Token);
        var page = (await api.Get("/crm/v3/objects/contacts?limit=100&properties=email")).Expect(200);
        Assert.Equal(15, page["results"].AsArray().Count);
        Assert.Equal(7, (await api.Get("/crm/v3/objects/deals?limit=100")).Expect(200)["results"].AsArray().Count);
    }

    private List<CrmRecord> Live(string typeName) =>
        [.. Portal.Store(Portal.ResolveType(typeName)).All().Where(r => !r.Archived)];

    private static async Task<string> Snapshot(HubSpotEmulator emulator)
    {
        await using (emulator)
        {
            using var _ = emulator.Portal.Read();
            return Snapshot(emulator.Portal);
        }
    }

    private static string Snapshot(PortalState portal)
    {
        var text = new StringBuilder();
        foreach (var store in portal.Stores.Values.OrderBy(s => s.Type.TypeId, StringComparer.Ordinal))
        {
            foreach (var record in store.All())
            {
                text.Append(store.Type.TypeId).Append(' ').Append(record.Id).Append(' ').Append(record.CreatedAt.UtcTicks).Append('\n');
                foreach (var (name, value) in record.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append("  ").Append(name).Append('=').Append(value.Value).Append('@').Append(value.Timestamp.UtcTicks).Append('\n');
                }
            }
        }

        return text.ToString();
    }
}
