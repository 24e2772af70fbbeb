using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Schemas;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Persistence;

/// <summary>
/// <c>--data</c> beyond records and definitions: associations, lists, timeline, the pipeline audit trail and the
/// app's identity are there, unchanged, after the emulator restarts on the same file.
/// </summary>
public sealed class FeaturePersistenceTests : IDisposable
{
    private readonly DataFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task AssociationsWithLabelsPrimaryLimitsAndCustomPairsSurviveARestart()
    {
        string contact, labelled, primary, removed, deal, car, carType, carName;
        int managerId, managedId;
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        int edges;
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            var label = (await api.Post("/crm/v4/associations/contacts/companies/labels", new { name = "manager", label = "Manager", inverseLabel = "Managed company" })).Expect(200);
            managerId = label["results"]!.AsArray().Single(r => Str(r!["label"]) == "Manager")!["typeId"]!.GetValue<int>();
            managedId = label["results"]!.AsArray().Single(r => Str(r!["label"]) == "Managed company")!["typeId"]!.GetValue<int>();
            (await api.Post("/crm/associations/v4/definitions/configurations/contacts/deals/batch/create",
                new { inputs = new[] { new { category = "HUBSPOT_DEFINED", typeId = 4, maxToObjectIds = 1 } } })).Expect(201);

            contact = await Contact(api);
            labelled = await Company(api);
            primary = await Company(api);
            removed = await Company(api);
            deal = await Deal(api);
            (await api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{labelled}", new[] { Spec(managerId, "USER_DEFINED") })).Expect(201);
            (await api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{primary}", new[] { Spec(1) })).Expect(201);
            (await api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{removed}", null)).Expect(200);
            (await api.Delete($"/crm/v4/objects/contacts/{contact}/associations/companies/{removed}")).Expect(204);
            (await api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/deals/{deal}", null)).Expect(200);

            carName = $"car_{Guid.NewGuid():N}"[..12];
            carType = Str((await api.Post("/crm-object-schemas/v3/schemas", SchemasApiTests.CarSchema(carName))).Expect(201)["objectTypeId"]);
            car = Str((await api.Post($"/crm/v3/objects/{carType}", new { properties = new { model = "Corolla" } })).Expect(201)["id"]);
            (await api.Put($"/crm/v4/objects/{carType}/{car}/associations/default/contacts/{contact}", null)).Expect(200);

            await Snapshot(api, before);
            edges = EdgeCount(emulator);
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            var after = new Dictionary<string, string>(StringComparer.Ordinal);
            await Snapshot(api, after);
            Assert.Equal(before, after);
            Assert.Equal(edges, EdgeCount(emulator));

            Assert.Equal(new[] { 279, managerId }, (await Associated(api, "contacts", contact, "companies"))[labelled]);
            Assert.Equal(new[] { 280, managedId }, (await Associated(api, "companies", labelled, "contacts"))[contact]);
            Assert.Equal(new[] { 1, 279 }, (await Associated(api, "contacts", contact, "companies"))[primary]);
            Assert.False((await Associated(api, "contacts", contact, "companies")).ContainsKey(removed));
            Assert.Equal(primary, await Property(api, "contacts", contact, "associatedcompanyid"));
            Assert.Equal("1", await Property(api, "contacts", contact, "num_associated_deals"));
            Assert.Equal("1", await Property(api, "companies", labelled, "num_associated_contacts"));
            Assert.Equal("0", await Property(api, "companies", removed, "num_associated_contacts"));

            // The configured limit still holds, a new label gets a fresh id, a new primary still replaces the old one.
            var limited = (await api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/deals/{await Deal(api)}", null)).Expect(400);
            Assert.Contains("TOO_MANY_ASSOCIATIONS", limited.Text, StringComparison.Ordinal);
            var next = (await api.Post("/crm/v4/associations/contacts/companies/labels", new { name = "advisor", label = "Advisor" })).Expect(200);
            Assert.DoesNotContain(next["results"]![0]!["typeId"]!.GetValue<int>(), new[] { managerId, managedId });
            // A labelled PUT leaves the pair with exactly its labels: Manager goes, Primary moves here.
            (await api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{labelled}", new[] { Spec(1) })).Expect(201);
            Assert.Equal(new[] { 1, 279 }, (await Associated(api, "contacts", contact, "companies"))[labelled]);
            Assert.Equal(new[] { 279 }, (await Associated(api, "contacts", contact, "companies"))[primary]);
        }

        // Changes made after a restart are journaled too.
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            Assert.Equal(new[] { 1, 279 }, (await Associated(api, "contacts", contact, "companies"))[labelled]);
            Assert.Equal(new[] { 2, 280 }, (await Associated(api, "companies", labelled, "contacts"))[contact]);
            Assert.Equal(new[] { 279 }, (await Associated(api, "contacts", contact, "companies"))[primary]);
            Assert.Equal(labelled, await Property(api, "contacts", contact, "associatedcompanyid"));
        }

        async Task Snapshot(Api api, Dictionary<string, string> into)
        {
            foreach (var path in new[]
            {
                $"/crm/v4/objects/contacts/{contact}/associations/companies",
                $"/crm/v4/objects/companies/{labelled}/associations/contacts",
                $"/crm/v4/objects/companies/{primary}/associations/contacts",
                $"/crm/v4/objects/contacts/{contact}/associations/deals",
                $"/crm/v4/objects/contacts/{contact}/associations/p_{carName}",
                $"/crm/v4/objects/{carType}/{car}/associations/contacts",
                "/crm/v4/associations/contacts/companies/labels",
                $"/crm/v4/associations/contacts/p_{carName}/labels",
                "/crm/associations/v4/definitions/configurations/contacts/deals",
                $"/crm/v3/objects/contacts/{contact}?associations=companies,deals&properties=num_associated_deals,associatedcompanyid",
            })
            {
                into[path] = (await api.Get(path)).Expect(200).Text;
            }
        }
    }

    [Fact]
    public async Task AssociationsOfAResetPortalStayGoneAfterARestart()
    {
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            (await api.Put($"/crm/v4/objects/contacts/{await Contact(api)}/associations/default/companies/{await Company(api)}", null)).Expect(200);
            emulator.Reset();
        }

        await using (var emulator = await _file.StartAsync())
        {
            Assert.Equal(0, EdgeCount(emulator));
        }
    }

    [Fact]
    public async Task ListsWithManualMembershipsAndDynamicDefinitionsSurviveARestart()
    {
        var clock = EmulatorClock.FrozenAt(DataFile.Start);
        string manual, dynamic, deleted, ada, bob, cy;
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var emulator = await _file.StartAsync(clock: clock))
        using (var api = DataFile.ApiFor(emulator))
        {
            ada = await ContactWith(api, "ada@acme.test");
            bob = await ContactWith(api, "bob@other.test");
            cy = await ContactWith(api, "cy@acme.test");
            manual = await CreateList(api, new JsonObject { ["name"] = "Hand picked", ["objectTypeId"] = "0-1", ["processingType"] = "MANUAL" });
            // Joined in reverse id order at different times, one leaves again: join order, timestamps and leavers must all survive.
            foreach (var id in new[] { cy, bob, ada })
            {
                clock.Advance(TimeSpan.FromMinutes(1));
                (await api.Put($"/crm/v3/lists/{manual}/memberships/add", new[] { id })).Expect(200);
            }

            (await api.Put($"/crm/v3/lists/{manual}/memberships/remove", new[] { bob })).Expect(200);
            dynamic = await CreateList(api, new JsonObject
            {
                ["name"] = "Acme people", ["objectTypeId"] = "0-1", ["processingType"] = "DYNAMIC", ["filterBranch"] = EndsWith("@acme.test"),
            });
            deleted = await CreateList(api, new JsonObject { ["name"] = "Gone", ["objectTypeId"] = "0-1", ["processingType"] = "MANUAL" });
            (await api.Delete($"/crm/v3/lists/{deleted}")).Expect(204);
            await Snapshot(api, before);
        }

        await using (var emulator = await _file.StartAsync(clock: clock))
        using (var api = DataFile.ApiFor(emulator))
        {
            var after = new Dictionary<string, string>(StringComparer.Ordinal);
            await Snapshot(api, after);
            Assert.Equal(before, after);
            Assert.Equal([ada, cy], await Members(api, manual));
            Assert.Equal([ada, cy], await Members(api, dynamic));

            // The dynamic list keeps following its filter; the manual list's join order continues after the old joins.
            var dee = await ContactWith(api, "dee@acme.test");
            Assert.Equal([ada, cy, dee], await Members(api, dynamic));
            clock.Advance(TimeSpan.FromMinutes(1));
            (await api.Put($"/crm/v3/lists/{manual}/memberships/add", new[] { bob })).Expect(200);
            var joinOrder = (await api.Get($"/crm/v3/lists/{manual}/memberships/join-order")).Expect(200)["results"].AsArray();
            Assert.Equal([cy, ada, bob], joinOrder.Select(m => m!["recordId"]!.GetValue<string>()));
            (await api.Put($"/crm/v3/lists/{deleted}/restore", null)).Expect(204);
            var newer = await CreateList(api, new JsonObject { ["name"] = "Newer", ["objectTypeId"] = "0-1", ["processingType"] = "MANUAL" });
            Assert.True(long.Parse(newer) > long.Parse(deleted), "list ids are not reused");
        }

        await using (var emulator = await _file.StartAsync(clock: clock))
        using (var api = DataFile.ApiFor(emulator))
        {
            Assert.Equal([ada, bob, cy], await Members(api, manual));
            Assert.Null((await api.Get($"/crm/v3/lists/{deleted}")).Expect(200)["list"]["deletedAt"]);
        }

        async Task Snapshot(Api api, Dictionary<string, string> into)
        {
            foreach (var path in new[]
            {
                $"/crm/v3/lists/{manual}?includeFilters=true",
                $"/crm/v3/lists/{dynamic}?includeFilters=true",
                $"/crm/v3/lists/{deleted}",
                $"/crm/v3/lists/{manual}/memberships",
                $"/crm/v3/lists/{manual}/memberships/join-order",
                $"/crm/v3/lists/{dynamic}/memberships",
                $"/crm/v3/lists/records/0-1/{ada}/memberships",
            })
            {
                into[path] = (await api.Get(path)).Expect(200).Text;
            }
        }
    }

    [Fact]
    public async Task TimelineTemplatesEventsAndTheAppIdentitySurviveARestart()
    {
        string key, templates, template, removedTemplate, contact;
        long appId;
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        using (var developer = api.WithToken(null))
        {
            key = emulator.Portal.DeveloperApiKey;
            appId = emulator.Portal.AppId;
            templates = $"/integrators/timeline/v3/{appId}/event-templates";
            template = await CreateTemplate(developer, templates, key);
            removedTemplate = await CreateTemplate(developer, templates, key);
            contact = await ContactWith(api, "timeline@example.com");
            (await api.Post("/integrators/timeline/v3/events", new
            {
                id = "evt-1", eventTemplateId = template, objectId = contact,
                tokens = new { plan = "pro", note = "hello" }, timestamp = "2026-01-11T08:00:00.000Z",
                extraData = new { questions = new[] { "a", "b" } },
            })).Expect(201);
            (await api.Post("/integrators/timeline/v3/events/batch/create", new
            {
                inputs = new[] { new { id = "evt-2", eventTemplateId = template, email = "new-by-event@example.com", tokens = new { plan = "basic", note = "n" } } },
            })).Expect(201);
            (await api.Post("/integrators/timeline/v3/events", new { id = "evt-x", eventTemplateId = removedTemplate, objectId = contact })).Expect(201);
            await Snapshot(api, developer, before);
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        using (var developer = api.WithToken(null))
        {
            Assert.Equal(key, emulator.Portal.DeveloperApiKey);
            Assert.Equal(appId, emulator.Portal.AppId);
            var after = new Dictionary<string, string>(StringComparer.Ordinal);
            await Snapshot(api, developer, after);
            Assert.Equal(before, after);
            (await api.Post("/integrators/timeline/v3/events", new { id = "evt-1", eventTemplateId = template, objectId = contact })).Expect(409);

            (await developer.Delete($"{templates}/{removedTemplate}?hapikey={key}")).Expect(204);
            var newer = await CreateTemplate(developer, templates, key);
            Assert.NotEqual(removedTemplate, newer);
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            (await api.Get($"/integrators/timeline/v3/events/{removedTemplate}/evt-x")).Expect(404);
            (await api.Get($"/integrators/timeline/v3/events/{template}/evt-2")).Expect(200);
            Assert.Equal(2, emulator.Portal.Timeline.Events.Count());
        }

        async Task Snapshot(Api api, Api developer, Dictionary<string, string> into)
        {
            into["templates"] = (await developer.Get($"{templates}?hapikey={key}")).Expect(200).Text;
            into["template"] = (await developer.Get($"{templates}/{template}?hapikey={key}")).Expect(200).Text;
            foreach (var path in new[]
            {
                $"/integrators/timeline/v3/events/{template}/evt-1",
                $"/integrators/timeline/v3/events/{template}/evt-2",
                $"/integrators/timeline/v3/events/{removedTemplate}/evt-x",
            })
            {
                into[path] = (await api.Get(path)).Expect(200).Text;
            }
        }
    }

    [Fact]
    public async Task ThePipelineAuditTrailSurvivesARestart()
    {
        string pipeline, before, stageBefore, stage;
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            var created = (await api.Post("/crm/v3/pipelines/deals", new
            {
                label = "Partners", displayOrder = 3,
                stages = new[] { new { label = "Intro", displayOrder = 0, metadata = new { probability = "0.2" } } },
            })).Expect(201);
            pipeline = Str(created["id"]);
            stage = Str(created["stages"]![0]!["id"]);
            (await api.Patch($"/crm/v3/pipelines/deals/{pipeline}", new { label = "Partner deals" })).Expect(200);
            (await api.Patch($"/crm/v3/pipelines/deals/{pipeline}/stages/{stage}", new { label = "Introduction", metadata = new { probability = "0.3" } })).Expect(200);
            before = (await api.Get($"/crm/v3/pipelines/deals/{pipeline}/audit")).Expect(200).Text;
            stageBefore = (await api.Get($"/crm/v3/pipelines/deals/{pipeline}/stages/{stage}/audit")).Expect(200).Text;
            Assert.True((await api.Get($"/crm/v3/pipelines/deals/{pipeline}/audit")).Expect(200)["results"].AsArray().Count >= 2);
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            Assert.Equal(before, (await api.Get($"/crm/v3/pipelines/deals/{pipeline}/audit")).Expect(200).Text);
            Assert.Equal(stageBefore, (await api.Get($"/crm/v3/pipelines/deals/{pipeline}/stages/{stage}/audit")).Expect(200).Text);
        }
    }

    private static int EdgeCount(HubSpotEmulator emulator)
    {
        using var _ = emulator.Portal.Read();
        return emulator.Portal.Associations.Edges().Count();
    }

    private static async Task<string> ContactWith(Api api, string email) =>
        Str((await api.Post("/crm/v3/objects/contacts", new { properties = new { email } })).Expect(201)["id"]);

    private static async Task<string> CreateList(Api api, JsonObject body) =>
        Str((await api.Post("/crm/v3/lists", body)).Expect(200)["list"]["listId"]);

    private static async Task<List<string>> Members(Api api, string listId) =>
        [.. (await api.Get($"/crm/v3/lists/{listId}/memberships")).Expect(200)["results"].AsArray().Select(x => x!["recordId"]!.GetValue<string>())];

    private static JsonObject EndsWith(string suffix) => new()
    {
        ["filterBranchType"] = "OR",
        ["filters"] = new JsonArray(),
        ["filterBranches"] = new JsonArray(new JsonObject
        {
            ["filterBranchType"] = "AND",
            ["filterBranches"] = new JsonArray(),
            ["filters"] = new JsonArray(new JsonObject
            {
                ["filterType"] = "PROPERTY",
                ["property"] = "email",
                ["operation"] = new JsonObject { ["operationType"] = "STRING", ["operator"] = "ENDS_WITH", ["value"] = suffix },
            }),
        }),
    };

    private static async Task<string> CreateTemplate(Api developer, string templates, string key)
    {
        var reply = (await developer.Post($"{templates}?hapikey={key}", new
        {
            name = "Webinar " + Guid.NewGuid().ToString("N")[..6], objectType = "contacts", headerTemplate = "Registered for {{plan}}",
            tokens = new object[]
            {
                new { name = "plan", label = "Plan", type = "enumeration", options = new[] { new { label = "Basic", value = "basic" }, new { label = "Pro", value = "pro" } } },
                new { name = "note", label = "Note", type = "string", objectPropertyName = "jobtitle" },
            },
        })).Expect(201);
        return Str(reply["id"]);
    }
}
