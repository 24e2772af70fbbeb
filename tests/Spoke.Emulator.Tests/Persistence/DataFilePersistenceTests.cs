using System.Text.Json.Nodes;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Pipelines;
using Spoke.Emulator.Properties;
using Spoke.Emulator.Schemas;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Persistence;

/// <summary><c>--data</c>: what a client wrote is there after the emulator restarts on the same file.</summary>
public sealed class DataFilePersistenceTests : IDisposable
{
    private readonly DataFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task RecordsWithTheirHistorySurviveARestart()
    {
        var clock = EmulatorClock.FrozenAt(DataFile.Start);
        string id;
        JsonNode before;
        await using (var emulator = await _file.StartAsync(clock: clock))
        using (var api = DataFile.ApiFor(emulator))
        {
            id = (string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "ada@example.com", firstname = "Ada" } })).Expect(201)["id"]!;
            clock.Advance(TimeSpan.FromMinutes(5));
            (await api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { firstname = "Ada L." } })).Expect(200);
            clock.Advance(TimeSpan.FromMinutes(5));
            (await api.Patch($"/crm/v3/objects/contacts/{id}", new { properties = new { firstname = "Ada Lovelace", lastname = "Lovelace" } })).Expect(200);
            before = (await api.Get($"/crm/v3/objects/contacts/{id}?propertiesWithHistory=firstname,email&properties=lastname,hs_object_id")).Expect(200).Body!;
        }

        await using (var emulator = await _file.StartAsync(clock: clock))
        using (var api = DataFile.ApiFor(emulator))
        {
            var after = (await api.Get($"/crm/v3/objects/contacts/{id}?propertiesWithHistory=firstname,email&properties=lastname,hs_object_id")).Expect(200).Body!;
            Assert.Equal(before.ToJsonString(), after.ToJsonString());
            var history = after["propertiesWithHistory"]!["firstname"]!.AsArray();
            Assert.Equal(["Ada Lovelace", "Ada L.", "Ada"], history.Select(v => (string)v!["value"]!));
            Assert.Equal("Lovelace", (string)after["properties"]!["lastname"]!);
        }
    }

    [Fact]
    public async Task RecordsAFinishedImportWroteSurviveARestart()
    {
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        using (var http = CrmImports.ImportHttp.Client(emulator))
        {
            var request = new
            {
                files = new[]
                {
                    new { fileName = "c.csv", fileImportPage = new { hasHeader = true, columnMappings = new object[] { new { columnObjectTypeId = "0-1", columnName = "Email", propertyName = "email" } } } },
                },
            };
            var id = (string)(await CrmImports.ImportHttp.StartAsync(http, request, ("c.csv", "Email\nada@example.com\nbob@example.com\n")))["id"]!;
            Assert.Equal("DONE", (string)(await CrmImports.ImportHttp.WaitAsync(api, id))["state"]!);
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            (await api.Get("/crm/v3/objects/contacts/ada@example.com?idProperty=email")).Expect(200);
            (await api.Get("/crm/v3/objects/contacts/bob@example.com?idProperty=email")).Expect(200);
            // The import job itself lived in memory (documented): it is gone after the restart.
            Assert.Empty((await api.Get("/crm/v3/imports")).Expect(200)["results"].AsArray());
        }
    }

    [Fact]
    public async Task ABatchOfCreatesAndAnArchiveSurviveARestart()
    {
        List<string> ids;
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            var inputs = Enumerable.Range(0, 100).Select(i => new { properties = new { email = $"batch{i}@example.com", lastname = $"Batch {i}" } });
            var reply = (await api.Post("/crm/v3/objects/contacts/batch/create", new { inputs })).Expect(201);
            ids = [.. reply["results"].AsArray().Select(r => (string)r!["id"]!)];
            (await api.Delete($"/crm/v3/objects/contacts/{ids[0]}")).Expect(204);
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            var read = (await api.Post("/crm/v3/objects/contacts/batch/read", new { inputs = ids.Skip(1).Select(id => new { id }), properties = new[] { "email" } })).Expect(200);
            Assert.Equal(99, read["results"].AsArray().Count);
            (await api.Get($"/crm/v3/objects/contacts/{ids[0]}")).Expect(404);
            var archived = (await api.Get($"/crm/v3/objects/contacts/{ids[0]}?archived=true&properties=email")).Expect(200);
            Assert.True((bool)archived["archived"]!);
            Assert.Equal("batch0@example.com", (string)archived["properties"]!["email"]!);

            // The archived contact released its email; a live one still holds its own.
            (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "batch0@example.com" } })).Expect(201);
            var duplicate = (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "BATCH1@example.com" } })).Expect(409);
            Assert.Contains(ids[1], duplicate.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task IdsAreNeverReusedAfterAGdprDeleteOfTheNewestRecord()
    {
        long deletedId, mergedId, survivorId;
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            survivorId = long.Parse((string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "keep@example.com" } })).Expect(201)["id"]!);
            mergedId = long.Parse((string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "merged@example.com" } })).Expect(201)["id"]!);
            deletedId = long.Parse((string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "forget@example.com" } })).Expect(201)["id"]!);
            var portal = emulator.Portal;
            using (portal.Write())
            {
                var store = portal.Store(portal.ResolveType("contacts"));
                var merged = store.Find(mergedId)!;
                store.Delete(merged, mergedInto: survivorId);
                portal.Touch(store, merged);
                var forgotten = store.Find(deletedId)!;
                store.Delete(forgotten);
                portal.Touch(store, forgotten);
            }
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            (await api.Get($"/crm/v3/objects/contacts/{deletedId}?archived=true")).Expect(404);
            var next = long.Parse((string)(await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "forget@example.com" } })).Expect(201)["id"]!);
            Assert.True(next > deletedId, $"id {next} reuses the GDPR-deleted {deletedId}");

            var store = emulator.Portal.Store(emulator.Portal.ResolveType("contacts"));
            Assert.Null(store.Find(deletedId));
            var merged = store.Find(mergedId)!;
            Assert.True(merged.Deleted);
            Assert.Equal(survivorId, merged.MergedInto);
            var page = (await api.Get("/crm/v3/objects/contacts?limit=100")).Expect(200);
            Assert.DoesNotContain(page["results"].AsArray(), r => (string)r!["id"]! == mergedId.ToString());
        }
    }

    [Fact]
    public async Task DefinitionsSurviveARestart()
    {
        string customTypeId;
        await using (var emulator = await _file.StartAsync())
        {
            var portal = emulator.Portal;
            using (portal.Write())
            {
                var contacts = portal.ResolveType("contacts");
                portal.Catalog(contacts).Add(new PropertyDefinition
                {
                    Name = "customer_code", Label = "Customer code", Type = "string", FieldType = "text",
                    GroupName = "loyalty", HasUniqueValue = true, CreatedAt = portal.Now, UpdatedAt = portal.Now,
                });
                portal.Catalog(contacts).Groups["loyalty"].Label = "Loyalty programme";
                portal.Store(contacts).AddUniqueIndex("customer_code", out _);
                portal.Catalog(contacts).Properties["jobtitle"].Archived = true;
                portal.Catalog(contacts).MarkDirty();

                portal.Pipelines["0-3"].Add(new Pipeline
                {
                    Id = "enterprise", Label = "Enterprise", DisplayOrder = 1,
                    Stages = [new PipelineStage { Id = "discovery", Label = "Discovery", Metadata = new() { ["isClosed"] = "false", ["probability"] = "0.1" } }],
                });
                portal.Owners[0].Archived = true;

                var number = portal.NextCustomTypeNumber++;
                customTypeId = $"2-{number}";
                var type = new ObjectType
                {
                    TypeId = customTypeId, Name = "projects", Singular = "project", IsCustom = true,
                    FullyQualifiedName = $"p{portal.PortalId}_projects",
                    ReadScopes = ["crm.objects.custom.read"], WriteScopes = ["crm.objects.custom.write"],
                    DefaultProperties = ["project_name"], SearchableProperties = ["project_name"], FirstId = 80_000_001_001,
                };
                var properties = DefaultProperties.CommonSystem();
                properties.Add(new PropertyDefinition { Name = "project_name", Label = "Project name", Type = "string", FieldType = "text" });
                portal.AddType(type, properties);
                portal.Schemas.Add(new CustomObjectSchema
                {
                    Id = number.ToString(), ObjectTypeId = customTypeId, Name = "projects", FullyQualifiedName = type.FullyQualifiedName,
                    SingularLabel = "Project", PluralLabel = "Projects", RequiredProperties = ["project_name"],
                    PrimaryDisplayProperty = "project_name", CreatedAt = portal.Now, UpdatedAt = portal.Now,
                });
                // Edited in place, behind the stores' backs (the APIs audit and deactivate through them).
                portal.Pipelines.MarkDirty();
                portal.Owners.MarkDirty();
            }
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "c1@example.com", customer_code = "GOLD-1" } })).Expect(201);
            var duplicate = (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "c2@example.com", customer_code = "gold-1" } })).Expect(400);
            Assert.Contains("DUPLICATE_UNIQUE_PROPERTY_VALUE", duplicate.Text, StringComparison.Ordinal);
            var archivedProperty = (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "c3@example.com", jobtitle = "CEO" } })).Expect(400);
            Assert.Contains("PROPERTY_DOESNT_EXIST", archivedProperty.Text, StringComparison.Ordinal);

            (await api.Post("/crm/v3/objects/deals", new { properties = new { dealname = "Big", pipeline = "enterprise", dealstage = "discovery" } })).Expect(201);
            var archivedOwner = emulator.Portal.Owners[0].Id;
            Assert.True(emulator.Portal.Owners[0].Archived);
            (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "c4@example.com", hubspot_owner_id = archivedOwner } })).Expect(400);

            var project = (await api.Post($"/crm/v3/objects/{customTypeId}", new { properties = new { project_name = "Apollo" } })).Expect(201);
            Assert.Equal("80000001001", (string)project["id"]!);
            (await api.Get($"/crm/v3/objects/p_projects/{(string)project["id"]!}")).Expect(200);
            (await api.Post("/crm/v3/objects/p_projects", new { properties = new { } })).Expect(400);

            var portal = emulator.Portal;
            Assert.Equal("Loyalty programme", portal.Catalog(portal.ResolveType("contacts")).Groups["loyalty"].Label);
            Assert.Equal(long.Parse(customTypeId[2..]) + 1, portal.NextCustomTypeNumber);
            Assert.Equal("Projects", Assert.Single(portal.Schemas).PluralLabel);
        }
    }

    [Fact]
    public async Task TokensCreatedAtRunTimeKeepTheirScopesAfterARestart()
    {
        string readOnly;
        await using (var emulator = await _file.StartAsync())
        {
            readOnly = emulator.CreateToken("crm.objects.contacts.read");
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = new Api(emulator.BaseUri, readOnly))
        {
            (await api.Get("/crm/v3/objects/contacts")).Expect(200);
            (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "no@example.com" } })).Expect(403);
            (await api.WithToken("pat-na1-never-issued").Get("/crm/v3/objects/contacts")).Expect(401);
        }
    }

    [Fact]
    public async Task AResetPortalStaysEmptyAfterARestart()
    {
        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "gone@example.com" } })).Expect(201);
            emulator.Reset();
        }

        await using (var emulator = await _file.StartAsync())
        using (var api = DataFile.ApiFor(emulator))
        {
            Assert.Empty((await api.Get("/crm/v3/objects/contacts")).Expect(200)["results"].AsArray());
            var again = (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "gone@example.com" } })).Expect(201);
            Assert.Equal("10000001001", (string)again["id"]!);
        }
    }

    [Fact]
    public async Task ASecondEmulatorCannotOpenAFileInUse()
    {
        await using var first = await _file.StartAsync();
        await Assert.ThrowsAsync<IOException>(() => _file.StartAsync());

        // The first one still serves and writes.
        using var api = DataFile.ApiFor(first);
        (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "still@example.com" } })).Expect(201);
    }

    [Fact]
    public async Task AFileOfAnotherPortalIsRefused()
    {
        await (await _file.StartAsync()).DisposeAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _file.StartAsync(o => o.PortalId = 999));
        Assert.Contains("--portal-id 12345678", error.Message, StringComparison.Ordinal);

        // The refusal released the file.
        await (await _file.StartAsync()).DisposeAsync();
    }
}
