using System.Net;
using Spoke.Crm;

namespace Spoke.Tests.Crm;

public sealed class BatchTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static string Email(string tag, int i) => $"{tag}-{i}@example.com";

    private static string Tag() => $"b{Guid.NewGuid():N}"[..12];

    [Fact]
    public async Task Creates_250_records_in_three_chunks_merged_in_input_order()
    {
        var counter = new RequestCounter();
        var contacts = RequestCounter.Client(fixture, counter).Crm.Contacts;
        var tag = Tag();

        var result = await contacts.BatchCreateAsync(Enumerable.Range(0, 250).Select(i => new PropertyBag().Set("email", Email(tag, i)).Set("firstname", $"N{i}")));

        Assert.False(result.HasFailures);
        Assert.Equal(Enumerable.Range(0, 250), result.Succeeded.Select(s => s.InputIndex));
        Assert.Equal(Enumerable.Range(0, 250).Select(i => Email(tag, i)), result.Values.Select(v => v.Properties.GetString("email")));
        Assert.Equal(250, result.Values.Select(v => v.Id).Distinct().Count());
        var batches = counter.Requests.Where(r => r.Path.EndsWith("/contacts/batch/create", StringComparison.Ordinal)).Select(r => r.Inputs).Order();
        Assert.Equal([50, 100, 100], batches);
    }

    [Fact]
    public async Task Invalid_inputs_fail_alone_with_typed_errors_naming_their_inputs_across_chunks()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var tag = Tag();
        int[] invalid = [3, 99, 100, 140];
        var inputs = Enumerable.Range(0, 150)
            .Select(i => new PropertyBag().Set("email", invalid.Contains(i) ? $"not-an-email-{i}" : Email(tag, i)))
            .ToList();

        var result = await contacts.BatchCreateAsync(inputs);

        Assert.Equal(invalid, result.Failed.Select(f => f.InputIndex));
        Assert.All(result.Failed, f =>
        {
            Assert.Equal(400, f.Status);
            Assert.Equal("VALIDATION_ERROR", f.Category);
            Assert.Equal(f.InputIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), f.TraceId);
            Assert.False(f.ChunkFailed);
            Assert.Contains("INVALID_EMAIL", f.Message, StringComparison.Ordinal);
        });
        Assert.Equal(Enumerable.Range(0, 150).Except(invalid), result.Succeeded.Select(s => s.InputIndex));
        Assert.All(result.Succeeded, s => Assert.Equal(Email(tag, s.InputIndex), s.Value.Properties.GetString("email")));
        var thrown = Assert.Throws<Spoke.Errors.HubSpotApiException>(() => result.EnsureAllSucceeded());
        Assert.Contains("4 of 150", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_read_returns_found_records_and_failures_naming_the_missing_ids()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var tag = Tag();
        var created = (await contacts.BatchCreateAsync(Enumerable.Range(0, 3).Select(i => new PropertyBag().Set("email", Email(tag, i))))).Values;

        var result = await contacts.BatchReadAsync([created[0].Id, "999999", created[1].Id, "888888", created[2].Id],
            new CrmReadOptions { Properties = ["email"] });

        Assert.Equal([0, 2, 4], result.Succeeded.Select(s => s.InputIndex));
        Assert.Equal(created.Select(c => c.Id), result.Values.Select(v => v.Id));
        Assert.Equal([(1, "999999"), (3, "888888")], result.Failed.Select(f => (f.InputIndex, f.InputId!)));
        Assert.All(result.Failed, f =>
        {
            Assert.Equal(404, f.Status);
            Assert.Equal("OBJECT_NOT_FOUND", f.Category);
        });
    }

    [Fact]
    public async Task Batch_read_by_id_property_matches_results_to_inputs()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var tag = Tag();
        var created = (await contacts.BatchCreateAsync(Enumerable.Range(0, 2).Select(i => new PropertyBag().Set("email", Email(tag, i))))).Values;

        var result = await contacts.BatchReadAsync([Email(tag, 1), $"nobody-{tag}@example.com", Email(tag, 0).ToUpperInvariant()],
            new CrmReadOptions { IdProperty = "email", Properties = ["email"] });

        Assert.Equal([(0, created[1].Id), (2, created[0].Id)], result.Succeeded.Select(s => (s.InputIndex, s.Value.Id)));
        Assert.Equal(1, Assert.Single(result.Failed).InputIndex);
    }

    [Fact]
    public async Task Upsert_by_email_creates_new_records_and_updates_existing_ones()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var tag = Tag();
        var existing = await contacts.CreateAsync(new PropertyBag().Set("email", Email(tag, 0)).Set("firstname", "Old"));

        var result = await contacts.BatchUpsertAsync("email",
        [
            (Email(tag, 1), new PropertyBag().Set("firstname", "New")),
            (Email(tag, 0), new PropertyBag().Set("firstname", "Updated")),
        ]);

        Assert.False(result.HasFailures);
        var (created, updated) = (result.Succeeded[0], result.Succeeded[1]);
        Assert.Equal((0, true), (created.InputIndex, created.Value.IsNew));
        Assert.Equal((1, false), (updated.InputIndex, updated.Value.IsNew));
        Assert.Equal(existing.Id, updated.Value.Object.Id);
        Assert.NotEqual(existing.Id, created.Value.Object.Id);
        Assert.Equal("Updated", (await contacts.GetAsync(existing.Id)).Properties.GetString("firstname"));
        Assert.Equal(Email(tag, 1), (await contacts.GetAsync(created.Value.Object.Id)).Properties.GetString("email"));
    }

    [Fact]
    public async Task A_chunk_refused_as_a_whole_fails_its_own_inputs_and_keeps_the_other_chunks_successes()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var tag = Tag();
        var records = (await contacts.BatchCreateAsync(Enumerable.Range(0, 150).Select(i => new PropertyBag().Set("email", Email(tag, i)))))
            .EnsureAllSucceeded().Values;
        // Two inputs of the second chunk name the same record: HubSpot refuses that request whole (400, no trace ids).
        var inputs = Enumerable.Range(0, 150).Select(i => (records[i == 121 ? 120 : i].Id, new PropertyBag().Set("firstname", $"N{i}"))).ToList();

        var result = await contacts.BatchUpdateAsync(inputs);

        Assert.Equal(Enumerable.Range(0, 100), result.Succeeded.Select(s => s.InputIndex));
        Assert.Equal(Enumerable.Range(100, 50), result.Failed.Select(f => f.InputIndex));
        Assert.All(result.Failed, f =>
        {
            Assert.True(f.ChunkFailed);
            Assert.False(f.MayHaveBeenApplied);
            Assert.Equal(400, f.Status);
            Assert.Equal("VALIDATION_ERROR", f.Category);
            Assert.Equal(inputs[f.InputIndex].Item1, f.InputId);
        });
    }

    [Fact]
    public async Task Upsert_refuses_only_the_repeated_inputs_of_a_call_and_sends_the_rest()
    {
        var counter = new RequestCounter();
        var contacts = RequestCounter.Client(fixture, counter).Crm.Contacts;
        var tag = Tag();
        // 150 inputs over two chunks; 121 repeats 120 (same chunk) and 130 repeats 5 in another case (across chunks).
        var inputs = Enumerable.Range(0, 150).Select(i => (i switch
        {
            121 => Email(tag, 120),
            130 => Email(tag, 5).ToUpperInvariant(),
            _ => Email(tag, i),
        }, new PropertyBag().Set("firstname", $"N{i}"))).ToList();

        var result = await contacts.BatchUpsertAsync("email", inputs);

        Assert.Equal(Enumerable.Range(0, 150).Except([121, 130]), result.Succeeded.Select(s => s.InputIndex));
        Assert.All(result.Succeeded, s => Assert.Equal(inputs[s.InputIndex].Item1, s.Value.Object.Properties.GetString("email")));
        Assert.Equal([121, 130], result.Failed.Select(f => f.InputIndex));
        Assert.StartsWith("duplicate of input 120", result.Failed[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("duplicate of input 5", result.Failed[1].Message, StringComparison.Ordinal);
        Assert.All(result.Failed, f => Assert.False(f.ChunkFailed || f.MayHaveBeenApplied));
        Assert.Equal("N120", (await contacts.GetAsync(Email(tag, 120), new CrmReadOptions { IdProperty = "email" })).Properties.GetString("firstname"));
        // The duplicates were never sent: 148 inputs in all.
        Assert.Equal(148, counter.Requests.Where(r => r.Path.EndsWith("/batch/upsert", StringComparison.Ordinal)).Sum(r => r.Inputs));
    }

    [Fact]
    public async Task Update_reports_missing_ids_and_invalid_values_per_input()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var tag = Tag();
        var created = (await contacts.BatchCreateAsync(Enumerable.Range(0, 3).Select(i => new PropertyBag().Set("email", Email(tag, i))))).Values;

        var result = await contacts.BatchUpdateAsync(
        [
            (created[0].Id, new PropertyBag().Set("firstname", "A")),
            ("123456789", new PropertyBag().Set("firstname", "B")),
            (created[1].Id, new PropertyBag().Set("email", "broken")),
            (created[2].Id, new PropertyBag().Set("firstname", "C")),
        ]);

        Assert.Equal([(0, "A"), (3, "C")], result.Succeeded.Select(s => (s.InputIndex, s.Value.Properties.GetString("firstname")!)));
        Assert.Equal([(1, "OBJECT_NOT_FOUND"), (2, "VALIDATION_ERROR")], result.Failed.Select(f => (f.InputIndex, f.Category!)));
        Assert.Equal("123456789", result.Failed[0].InputId);
    }

    [Fact]
    public async Task History_reads_go_50_ids_per_request_and_archive_any_number()
    {
        var counter = new RequestCounter();
        var contacts = RequestCounter.Client(fixture, counter, concurrency: 2).Crm.Contacts;
        var tag = Tag();
        var ids = (await contacts.BatchCreateAsync(Enumerable.Range(0, 120).Select(i => new PropertyBag().Set("email", Email(tag, i)).Set("firstname", "A"))))
            .Values.Select(v => v.Id).ToList();

        var read = await contacts.BatchReadAsync(ids, new CrmReadOptions { PropertiesWithHistory = ["firstname"] });

        Assert.Equal(ids, read.Values.Select(v => v.Id));
        Assert.All(read.Values, v => Assert.Equal("A", v.PropertiesWithHistory["firstname"][0].Value));
        Assert.Equal([20, 50, 50], counter.Requests.Where(r => r.Path.EndsWith("/batch/read", StringComparison.Ordinal)).Select(r => r.Inputs).Order());

        var archived = await contacts.BatchArchiveAsync(ids);
        Assert.Equal(ids, archived.Values);
        Assert.Equal([20, 100], counter.Requests.Where(r => r.Path.EndsWith("/batch/archive", StringComparison.Ordinal)).Select(r => r.Inputs).Order());
        var after = await contacts.BatchReadAsync(ids.Take(5));
        Assert.Equal(5, after.Failed.Count);
    }
}
