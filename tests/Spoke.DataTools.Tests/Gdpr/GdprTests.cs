using System.Text;
using System.Text.Json;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.DataTools.Gdpr;
using Spoke.Emulator;
using Spoke.Lists;
using Spoke.Timeline;

namespace Spoke.DataTools.Tests.Gdpr;

/// <summary>A data-subject access export and a GDPR delete with its audit entry, against the emulator.</summary>
public sealed class GdprTests : IAsyncLifetime
{
    private const string Email = "ada.lovelace@example.com";
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;
    private readonly string _directory = Directory.CreateTempSubdirectory("spoke-gdpr-").FullName;

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0 });
        _client = new HubSpotClient(new HubSpotClientOptions
        {
            BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token, DeveloperApiKey = _emulator.DeveloperApiKey, ProactiveRateLimiting = false,
        });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed record Seeded(string ContactId, string CompanyId, string NoteId, string ListId, string EventTemplateId, string OtherContactId);

    private async Task<Seeded> SeedAsync()
    {
        var contact = await _client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", Email).Set("firstname", "Augusta"));
        await _client.Crm.Contacts.UpdateAsync(contact.Id, new PropertyBag().Set("firstname", "Ada"));
        var other = await _client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "charles.babbage@example.com"));
        var company = await _client.Crm.Companies.CreateAsync(new PropertyBag().Set("name", "Analytical Engines"));
        await _client.Associations.CreateDefaultAsync("contacts", contact.Id, "companies", company.Id);
        var note = await _client.Crm.Notes.CreateAsync(new CrmCreateInput(Engagements.Note(DateTimeOffset.UtcNow, "Asked about the engine"))
            .AssociateWith(contact.Id, AssociationTypes.NoteToContact));
        var list = await _client.Lists.CreateAsync(new ListCreate { Name = "Newsletter " + Guid.NewGuid().ToString("N")[..6], ObjectTypeId = CrmObjectTypeIds.Contacts, ProcessingType = ListProcessingType.Manual });
        await _client.Lists.AddMembersAsync(list.ListId, [contact.Id]);
        var template = await _client.Timeline.CreateTemplateAsync(_emulator.AppId, new TimelineEventTemplateCreate
        {
            Name = "Webinar", ObjectType = "contacts", HeaderTemplate = "Registered for {{webinar}}",
            Tokens = [new TimelineToken { Name = "webinar", Label = "Webinar", Type = TimelineTokenType.String }],
        });
        await _client.Timeline.CreateEventAsync(new TimelineEvent { Id = "ada-1", EventTemplateId = template.Id, ObjectId = contact.Id, Tokens = new Dictionary<string, string> { ["webinar"] = "Notes on the engine" } });
        await _client.Timeline.CreateEventAsync(new TimelineEvent { Id = "charles-1", EventTemplateId = template.Id, ObjectId = other.Id, Tokens = new Dictionary<string, string> { ["webinar"] = "Difference engine" } });
        return new Seeded(contact.Id, company.Id, note.Id, list.ListId, template.Id, other.Id);
    }

    [Fact]
    public async Task The_access_export_holds_every_property_with_history_associations_memberships_and_the_named_events()
    {
        var seeded = await SeedAsync();
        using var output = new MemoryStream();

        var result = await new GdprAccessExporter(_client).ExportAsync(GdprSubject.ByEmail("  ADA.Lovelace@example.com "), output, new GdprAccessOptions
        {
            TimelineEvents = [new(seeded.EventTemplateId, "ada-1"), new(seeded.EventTemplateId, "charles-1"), new(seeded.EventTemplateId, "missing")],
        });

        Assert.NotNull(result);
        using var doc = JsonDocument.Parse(output.ToArray());
        var root = doc.RootElement;
        Assert.Equal(seeded.ContactId, root.GetProperty("subject").GetProperty("id").GetString());
        var properties = root.GetProperty("contact").GetProperty("properties");
        var definitions = new List<string>();
        await foreach (var p in _client.Properties.ListAsync("contacts"))
        {
            definitions.Add(p.Name);
        }

        Assert.Equal(definitions.Order(), properties.EnumerateObject().Select(p => p.Name).Order()); // every definition, with a value or not
        var firstname = properties.GetProperty("firstname");
        Assert.Equal("Ada", firstname.GetProperty("value").GetString());
        Assert.Equal(["Ada", "Augusta"], firstname.GetProperty("history").EnumerateArray().Select(v => v.GetProperty("value").GetString()));
        Assert.Equal(Email, properties.GetProperty("email").GetProperty("value").GetString());

        var associations = root.GetProperty("associations");
        Assert.Equal([seeded.CompanyId], associations.GetProperty("companies").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        var note = Assert.Single(associations.GetProperty("notes").EnumerateArray());
        Assert.Equal(seeded.NoteId, note.GetProperty("id").GetString());
        Assert.Equal("Asked about the engine", note.GetProperty("properties").GetProperty("hs_note_body").GetString());

        var membership = Assert.Single(root.GetProperty("listMemberships").EnumerateArray());
        Assert.Equal(seeded.ListId, membership.GetProperty("listId").GetString());
        Assert.StartsWith("Newsletter", membership.GetProperty("name").GetString(), StringComparison.Ordinal);

        var timeline = Assert.Single(root.GetProperty("timelineEvents").EnumerateArray());
        Assert.Equal("ada-1", timeline.GetProperty("id").GetString());
        Assert.Equal("Notes on the engine", timeline.GetProperty("tokens").GetProperty("webinar").GetString());
        var left = root.GetProperty("timelineEventsNotIncluded").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("reason").GetString());
        Assert.Equal("it belongs to another record", left["charles-1"]);
        Assert.Equal("HubSpot has no such event", left["missing"]);
        Assert.DoesNotContain("Difference engine", Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal); // another person's data
        Assert.Contains(root.GetProperty("notExported").EnumerateArray(), n => n.GetString()!.Contains("cannot list a contact's events", StringComparison.Ordinal));
        Assert.Equal((2, 1, 1), (result!.AssociatedRecords, result.TimelineEvents, result.ListMemberships));
    }

    [Fact]
    public async Task The_access_export_of_nobody_writes_nothing()
    {
        using var output = new MemoryStream();

        Assert.Null(await new GdprAccessExporter(_client).ExportAsync(GdprSubject.ByEmail("nobody@example.com"), output));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Delete_removes_the_contact_for_good_and_the_audit_entry_proves_it_without_the_email()
    {
        var seeded = await SeedAsync();
        var deleter = new GdprDeleter(_client);
        var plan = await deleter.PlanAsync(GdprSubject.ByEmail(Email));
        Assert.Equal(seeded.ContactId, plan.ContactId);

        var outcome = await deleter.DeleteAsync(plan);
        var audit = new GdprAuditLog(Path.Combine(_directory, "audit.db"));
        var entry = await audit.RecordAsync(new GdprAuditRecord
        {
            Email = plan.Email, PortalId = _emulator.PortalId, RecordIds = plan.RecordIds, HubSpotOutcome = outcome, Mirror = "none configured",
            MirrorRows = new Dictionary<string, long> { ["obj_contacts"] = 1 },
        });
        await audit.RecordAsync(new GdprAuditRecord { Email = "someone.else@example.com", PortalId = _emulator.PortalId, HubSpotOutcome = "other", Mirror = "none" });

        Assert.Null(await _client.Crm.Contacts.TryGetAsync(seeded.ContactId, new CrmReadOptions { Archived = true }));
        Assert.Null(await _client.Crm.Contacts.TryGetAsync(seeded.ContactId));
        Assert.NotNull(await _client.Crm.Contacts.TryGetAsync(seeded.OtherContactId));
        var match = Assert.Single(await audit.MatchAsync(" Ada.Lovelace@EXAMPLE.com"));
        Assert.Equal(entry.EntryId, match.EntryId);
        Assert.Equal([seeded.ContactId], match.RecordIds);
        Assert.Equal(1, match.MirrorRows["obj_contacts"]);
        Assert.Empty(await audit.MatchAsync("grace.hopper@example.com"));
        Assert.Equal(2, (await audit.ListAsync()).Count);

        var bytes = await File.ReadAllBytesAsync(audit.Path);
        foreach (var personal in new[] { Email, "ada.lovelace", "Lovelace", "Ada", "Augusta", "someone.else" })
        {
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(personal)) < 0, $"the audit file holds \"{personal}\"");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(personal)) < 0, $"the audit file holds \"{personal}\" (UTF-16)");
        }
    }

    [Fact]
    public async Task Delete_by_an_unknown_email_still_blocklists_it_and_by_an_unknown_id_is_refused()
    {
        var deleter = new GdprDeleter(_client);
        var plan = await deleter.PlanAsync(GdprSubject.ByEmail("never.seen@example.com"));

        Assert.True(plan.BlocklistOnly);
        Assert.Empty(plan.RecordIds);
        Assert.Contains("blocklist", await deleter.DeleteAsync(plan), StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => deleter.PlanAsync(GdprSubject.ById("999999999")));
    }

    [Fact]
    public async Task A_contact_merged_into_another_is_deleted_with_it()
    {
        var primary = await _client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", Email));
        var duplicate = await _client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "ada.duplicate@example.com"));
        var survivor = await _client.Crm.Contacts.MergeAsync(new CrmMergeInput(primary.Id, duplicate.Id));

        var plan = await new GdprDeleter(_client).PlanAsync(GdprSubject.ById(survivor.Id));

        Assert.Equal([survivor.Id, duplicate.Id], plan.RecordIds);
    }
}
