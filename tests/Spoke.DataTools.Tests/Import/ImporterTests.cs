using System.Globalization;
using CsvHelper;
using Spoke.Crm;
using Spoke.DataTools.Import;
using Spoke.Emulator.Faults;

namespace Spoke.DataTools.Tests.Import;

public sealed class ImporterTests : IAsyncLifetime
{
    private static readonly string[] Header = ["email", "firstname", "lastname"];
    private readonly ImportPortal _portal = new();

    public Task InitializeAsync() => _portal.InitializeAsync();

    public Task DisposeAsync() => _portal.DisposeAsync();

    private static List<PreparedRow> People(int count, int from = 0, string name = "Imported") =>
        [.. Enumerable.Range(from, count).Select(i => ImportPortal.Row(i + 2, Header, $"person{i}@example.com", $"{name} {i}", $"Last {i}"))];

    [Fact]
    public async Task Upsert_by_email_creates_new_contacts_and_updates_existing_ones_with_the_files_values()
    {
        await _portal.Client.Crm.Contacts.BatchCreateAsync([new PropertyBag { ["email"] = "person3@example.com", ["firstname"] = "Before" }]);
        var rows = People(250);

        var result = await new Importer(_portal.Client, _portal.Journal).RunAsync(_portal.Plan("contacts", "email", Header, rows));

        Assert.Equal((250L, 249L, 1L, 0L), (result.Rows, result.Created, result.Updated, result.Rejected));
        var contacts = await _portal.AllAsync("contacts", "email", "firstname", "lastname");
        Assert.Equal(250, contacts.Count);
        foreach (var i in Enumerable.Range(0, 250))
        {
            var c = Assert.Single(contacts, c => c.Properties.GetString("email") == $"person{i}@example.com");
            Assert.Equal(($"Imported {i}", $"Last {i}"), (c.Properties.GetString("firstname"), c.Properties.GetString("lastname")));
        }

        var summary = await _portal.Journal.GetAsync(result.ImportId);
        Assert.Equal(("completed", 249L, 1L, 0L), (summary!.State, summary.Created, summary.Updated, summary.Pending));
        Assert.Null(result.RejectsPath);
    }

    [Fact]
    public async Task Creates_without_an_upsert_key_go_through_a_hidden_unique_import_key_one_record_per_row()
    {
        string[] header = ["name", "city"];
        var rows = Enumerable.Range(0, 150).Select(i => ImportPortal.Row(i + 2, header, $"Company {i}", "Oslo")).ToList();

        var result = await new Importer(_portal.Client, _portal.Journal).RunAsync(_portal.Plan("companies", null, header, rows));

        Assert.Equal((150L, 0L), (result.Created, result.Updated));
        var key = await _portal.Client.Properties.GetAsync("companies", Importer.ImportKeyProperty);
        Assert.True(key.HasUniqueValue && key.Hidden);
        var companies = await _portal.AllAsync("companies", "name", Importer.ImportKeyProperty);
        Assert.Equal(150, companies.Count);
        Assert.Equal(150, companies.Select(c => c.Properties.GetString("name")).Distinct().Count());
        Assert.All(companies, c => Assert.EndsWith(":" + (int.Parse(c.Properties.GetString("name")!["Company ".Length..], CultureInfo.InvariantCulture) + 2),
            c.Properties.GetString(Importer.ImportKeyProperty)));
    }

    [Fact]
    public async Task Rejected_rows_go_to_the_rejects_file_with_their_original_fields_line_and_every_reason_and_the_rest_is_written()
    {
        var rows = People(5);
        rows.Insert(2, new PreparedRow { LineNumber = 40, SourceFields = ["not-an-email", " Ada ", ""], Problems = ["email \"not-an-email\" is not an email address", "lastname is required"] });
        rows.Add(new PreparedRow { LineNumber = 41, SourceFields = ["x@example.com", "Bo, \"the\" one", "Y"], Problems = ["duplicate of line 3 by email"] });

        var result = await new Importer(_portal.Client, _portal.Journal).RunAsync(_portal.Plan("contacts", "email", Header, rows));

        Assert.Equal((5L, 2L), (result.Created, result.Rejected));
        Assert.Equal(Path.Combine(_portal.Directory, "contacts.rejects.csv"), result.RejectsPath);
        using var reader = new CsvReader(new StreamReader(result.RejectsPath!), CultureInfo.InvariantCulture);
        var records = new List<string[]>();
        while (reader.Read())
        {
            records.Add([.. Enumerable.Range(0, reader.Parser.Count).Select(i => reader.GetField(i)!)]);
        }

        Assert.Equal(["email", "firstname", "lastname", "line", "reasons"], records[0]);
        Assert.Equal(["not-an-email", " Ada ", "", "40", "email \"not-an-email\" is not an email address; lastname is required"], records[1]);
        Assert.Equal(["x@example.com", "Bo, \"the\" one", "Y", "41", "duplicate of line 3 by email"], records[2]);
        Assert.Equal(3, records.Count);
        Assert.Equal(5, (await _portal.AllAsync("contacts", "email")).Count);
    }

    [Fact]
    public async Task An_answer_lost_after_HubSpot_wrote_the_batch_still_counts_its_records_as_created_and_a_rollback_archives_them()
    {
        // The first upsert is carried out and its connection dropped: the client sends it again and HubSpot answers
        // "not new" for records the lost call created.
        _portal.Emulator.Faults.Add(new FaultRule { Route = "POST /crm/*/contacts/batch/upsert", Kind = FaultKind.Drop, AfterExecute = true, Count = 1 });

        var result = await new Importer(_portal.Client, _portal.Journal).RunAsync(_portal.Plan("contacts", "email", Header, People(100)));

        Assert.Equal((100L, 0L), (result.Created, result.Updated));
        Assert.Equal(100, (await _portal.AllAsync("contacts", "email")).Count);
        var rollback = await new ImportRollback(_portal.Client, _portal.Journal).RunAsync(result.ImportId);
        Assert.Equal(100L, rollback.Archived);
        Assert.Empty(await _portal.AllAsync("contacts", "email"));
    }

    [Fact]
    public async Task A_run_that_fails_mid_import_resumes_from_its_journal_with_no_row_twice_and_none_missing()
    {
        const int Count = 1_000;
        var rows = People(Count);
        var plan = _portal.Plan("contacts", "email", Header, rows, sha: "same-file");
        FaultRule? fault = null;
        var failing = new SyncProgress(p =>
        {
            // From the third batch on, every upsert is carried out and its answer lost, until the client gives up.
            if (fault is null && p.Created >= 200)
            {
                fault = _portal.Emulator.Faults.Add(new FaultRule { Route = "POST /crm/*/contacts/batch/upsert", Kind = FaultKind.Drop, AfterExecute = true });
            }
        });

        var client = _portal.NewClient(maxRetries: 1);
        await Assert.ThrowsAnyAsync<Exception>(() => new Importer(client, _portal.Journal, new ImportOptions { MaxBatchesInFlight = 2 }).RunAsync(plan, failing));
        var interrupted = Assert.Single(await _portal.Journal.ListAsync());
        Assert.Equal("running", interrupted.State);
        Assert.True(interrupted.Pending > 0, "a batch was left sent without an answer");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new ImportRollback(_portal.Client, _portal.Journal).RunAsync(interrupted.Id));
        Assert.Contains("Run the same `spoke import` command again", refused.Message, StringComparison.Ordinal);
        _portal.Emulator.Faults.Remove(fault!.Id!);

        var lines = new List<long?>();
        var result = await new Importer(_portal.Client, _portal.Journal).RunAsync(plan, new SyncProgress(p => lines.Add(p.ResumedAtLine)));

        Assert.Equal(interrupted.Id, result.ImportId);
        Assert.NotNull(result.ResumedAtLine);
        Assert.Contains(result.ResumedAtLine, lines);
        Assert.Equal((Count, 0L, 0L), (result.Created, result.Updated, result.Rejected));
        var contacts = await _portal.AllAsync("contacts", "email", "firstname");
        Assert.Equal(Count, contacts.Count);
        Assert.Equal(Count, contacts.Select(c => c.Properties.GetString("email")).Distinct().Count());
        Assert.All(contacts, c => Assert.Equal("Imported " + c.Properties.GetString("email")!["person".Length..^"@example.com".Length], c.Properties.GetString("firstname")));
        var done = (await _portal.Journal.GetAsync(result.ImportId))!;
        Assert.Equal(("completed", (long)Count, 0L), (done.State, done.Created, done.Pending));
    }

    [Fact]
    public async Task A_rerun_of_a_finished_import_is_a_new_import_that_updates_what_the_first_created()
    {
        var plan = _portal.Plan("contacts", "email", Header, People(10), sha: "file");
        var first = await new Importer(_portal.Client, _portal.Journal).RunAsync(plan);
        var second = await new Importer(_portal.Client, _portal.Journal).RunAsync(plan);

        Assert.NotEqual(first.ImportId, second.ImportId);
        Assert.Equal((0L, 10L), (second.Created, second.Updated));
        Assert.Equal(10, (await _portal.AllAsync("contacts", "email")).Count);
    }

    /// <summary>Reports synchronously (Progress{T} would post to the thread pool, after the batch has moved on).</summary>
    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
