using Spoke.Crm;
using Spoke.DataTools.Import;

namespace Spoke.DataTools.Tests.Import;

public sealed class ImportRollbackTests : IAsyncLifetime
{
    private static readonly string[] Header = ["email", "firstname", "lastname", "phone"];
    private static readonly string[] Compared = ["email", "firstname", "lastname", "phone", "jobtitle"];
    private readonly ImportPortal _portal = new();

    public Task InitializeAsync() => _portal.InitializeAsync();

    public Task DisposeAsync() => _portal.DisposeAsync();

    /// <summary>30 contacts before the import: some with a phone, some without, all with a job title the file never touches.</summary>
    private async Task<Dictionary<string, Dictionary<string, string?>>> SeedAsync()
    {
        var seeded = await _portal.Client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 30).Select(i => new PropertyBag
        {
            ["email"] = $"person{i}@example.com", ["firstname"] = $"Original {i}", ["lastname"] = $"Last {i}", ["jobtitle"] = "Engineer",
            ["phone"] = i % 3 == 0 ? "" : $"+47 {i:000}",
        }));
        seeded.EnsureAllSucceeded();
        return await SnapshotAsync();
    }

    private async Task<Dictionary<string, Dictionary<string, string?>>> SnapshotAsync() =>
        (await _portal.AllAsync("contacts", Compared)).ToDictionary(c => c.Id, c => Compared.ToDictionary(p => p, p => c.Properties.GetString(p)));

    /// <summary>Rows 0–29 update the seeded contacts (new first name, a phone for everyone, the same last name); 30–59 are new.</summary>
    private static List<PreparedRow> Rows() =>
        [.. Enumerable.Range(0, 60).Select(i => ImportPortal.Row(i + 2, Header, $"person{i}@example.com", $"Imported {i}", $"Last {i}", $"+1 555 {i:0000}"))];

    [Fact]
    public async Task Rollback_archives_what_the_import_created_and_restores_every_changed_property_record_by_record()
    {
        var before = await SeedAsync();
        var import = await new Importer(_portal.Client, _portal.Journal).RunAsync(_portal.Plan("contacts", "email", Header, Rows()));
        Assert.Equal((30L, 30L), (import.Created, import.Updated));
        Assert.All((await SnapshotAsync()).Where(c => before.ContainsKey(c.Key)), c => Assert.StartsWith("Imported", c.Value["firstname"], StringComparison.Ordinal));

        var rollback = await new ImportRollback(_portal.Client, _portal.Journal).RunAsync(import.ImportId);

        Assert.Equal((30L, 30L), (rollback.Archived, rollback.Restored));
        Assert.Empty(rollback.Conflicts);
        var after = await SnapshotAsync();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (id, values) in before)
        {
            Assert.Equal(values, after[id]);
        }

        var summary = (await _portal.Journal.GetAsync(import.ImportId))!;
        Assert.Equal("done", summary.RollbackState);
        Assert.NotNull(summary.RolledBackAt);
        var again = await new ImportRollback(_portal.Client, _portal.Journal).RunAsync(import.ImportId);
        Assert.True(again.AlreadyRolledBack);
        Assert.Equal(before.Keys.Order(), (await SnapshotAsync()).Keys.Order());
    }

    [Fact]
    public async Task Previous_values_are_the_ones_before_the_first_send_even_when_that_sends_answer_was_lost()
    {
        var before = await SeedAsync();
        // The first batch is carried out and its answer lost; the client sends it again, and HubSpot's history then holds
        // the import's own values as the latest before the second send.
        _portal.Emulator.Faults.Add(new Spoke.Emulator.Faults.FaultRule
        {
            Route = "POST /crm/*/contacts/batch/upsert", Kind = Spoke.Emulator.Faults.FaultKind.Drop, AfterExecute = true, Count = 1,
        });
        var import = await new Importer(_portal.Client, _portal.Journal).RunAsync(_portal.Plan("contacts", "email", Header, Rows()));
        Assert.Equal((30L, 30L), (import.Created, import.Updated));

        await new ImportRollback(_portal.Client, _portal.Journal).RunAsync(import.ImportId);

        var after = await SnapshotAsync();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (id, values) in before)
        {
            Assert.Equal(values, after[id]);
        }
    }

    [Fact]
    public async Task A_property_edited_after_the_import_is_left_as_it_is_and_reported_and_force_restores_it()
    {
        var before = await SeedAsync();
        var import = await new Importer(_portal.Client, _portal.Journal).RunAsync(_portal.Plan("contacts", "email", Header, Rows()));
        var edited = before.Single(c => c.Value["email"] == "person4@example.com").Key;
        await _portal.Client.Crm.Contacts.UpdateAsync(edited, new PropertyBag { ["firstname"] = "Edited by a person" });

        var rollback = await new ImportRollback(_portal.Client, _portal.Journal).RunAsync(import.ImportId);

        var conflict = Assert.Single(rollback.Conflicts);
        Assert.Equal((6L, edited, "firstname"), (conflict.Line, conflict.RecordId, conflict.Property));
        var after = await SnapshotAsync();
        Assert.Equal("Edited by a person", after[edited]["firstname"]);
        Assert.Equal(before[edited]["phone"], after[edited]["phone"]); // its other changes were undone
        foreach (var (id, values) in before.Where(c => c.Key != edited))
        {
            Assert.Equal(values, after[id]);
        }

        Assert.Single((await _portal.Journal.GetAsync(import.ImportId))!.RollbackConflicts);
    }

    [Fact]
    public async Task Rollback_refuses_an_unknown_import_with_what_to_do()
    {
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => new ImportRollback(_portal.Client, _portal.Journal).RunAsync(99));
        Assert.Contains("spoke import list", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Associations_by_a_non_unique_domain_are_created_rows_without_a_target_rejected_and_a_rollback_removes_them()
    {
        var companies = (await _portal.Client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, 3).Select(i => new PropertyBag { ["name"] = $"Co {i}", ["domain"] = $"co{i}.example" })))
            .EnsureAllSucceeded().Values;
        var existing = (await _portal.Client.Crm.Contacts.BatchCreateAsync([new PropertyBag { ["email"] = "person0@example.com" }])).EnsureAllSucceeded().Values[0];
        var rows = Enumerable.Range(0, 6).Select(i =>
        {
            var row = ImportPortal.Row(i + 2, Header, $"person{i}@example.com", $"P {i}", "", "");
            var domain = i == 5 ? "nowhere.example" : $"co{i % 3}.example";
            return new PreparedRow
            {
                LineNumber = row.LineNumber, SourceFields = row.SourceFields, Properties = row.Properties, UpsertKey = row.UpsertKey,
                Associations = [new ImportAssociation("companies", "domain", domain)],
            };
        }).ToList();

        var plan = _portal.Plan("contacts", "email", Header, rows);
        var checkedRows = await Importer.CheckAsync(_portal.Client, plan).ToListAsync();
        Assert.Equal([7L], checkedRows.Where(r => !r.IsValid).Select(r => r.LineNumber));
        Assert.Single(await _portal.AllAsync("contacts", "email")); // the check wrote nothing

        var import = await new Importer(_portal.Client, _portal.Journal).RunAsync(plan);

        Assert.Equal((4L, 1L, 1L, 5L), (import.Created, import.Updated, import.Rejected, import.Associations));
        var reasons = await File.ReadAllTextAsync(import.RejectsPath!);
        Assert.Contains("no companies record has domain \"\"nowhere.example\"\"", reasons, StringComparison.Ordinal);
        Assert.DoesNotContain(await _portal.AllAsync("contacts", "email"), c => c.Properties.GetString("email") == "person5@example.com");
        var linked = await _portal.Client.Associations.ListAsync("contacts", existing.Id, "companies").ToListAsync();
        Assert.Equal(companies[0].Id, Assert.Single(linked).ToObjectId);

        var rollback = await new ImportRollback(_portal.Client, _portal.Journal).RunAsync(import.ImportId);

        Assert.Equal((5L, 4L), (rollback.AssociationsRemoved, rollback.Archived));
        Assert.Empty(await _portal.Client.Associations.ListAsync("contacts", existing.Id, "companies").ToListAsync());
        Assert.Single(await _portal.AllAsync("contacts", "email"));
    }
}
