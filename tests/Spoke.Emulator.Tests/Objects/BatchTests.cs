using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Objects;

public sealed class BatchTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private static string Email() => $"b{Guid.NewGuid():N}@example.com";

    private static JsonObject Inputs(IEnumerable<JsonObject> inputs) => new() { ["inputs"] = new JsonArray([.. inputs]) };

    private static JsonObject ContactInput(string email, string? traceId = null)
    {
        var input = new JsonObject { ["properties"] = new JsonObject { ["email"] = email } };
        if (traceId is not null)
        {
            input["objectWriteTraceId"] = traceId;
        }

        return input;
    }

    private async Task<List<string>> CreateContacts(int n)
    {
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/create", Inputs(Enumerable.Range(0, n).Select(_ => ContactInput(Email()))))).Expect(201);
        return [.. reply["results"].AsArray().Select(r => r!["id"]!.GetValue<string>())];
    }

    [Fact]
    public async Task Batch_create_answers_201_complete_with_every_record()
    {
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/create", Inputs(Enumerable.Range(0, 100).Select(_ => ContactInput(Email()))))).Expect(201);
        Assert.Equal("COMPLETE", reply["status"].GetValue<string>());
        Assert.Equal(100, reply["results"].AsArray().Count);
        Assert.NotNull(reply["startedAt"]);
        Assert.NotNull(reply["completedAt"]);
        Assert.Null(reply.Body!["errors"]);
    }

    [Fact]
    public async Task More_than_100_inputs_is_refused_and_nothing_is_written()
    {
        var emails = Enumerable.Range(0, 101).Select(_ => Email()).ToList();
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/create", Inputs(emails.Select(e => ContactInput(e))))).Expect(400);
        Assert.Contains("100", reply["message"].GetValue<string>());
        (await _api.Get($"/crm/v3/objects/contacts/{emails[0]}?idProperty=email")).Expect(404);
    }

    [Fact]
    public async Task Without_trace_ids_one_bad_input_fails_the_whole_batch()
    {
        var good = Email();
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/create", Inputs([ContactInput(good), ContactInput("broken")]))).Expect(400);
        Assert.Contains("INVALID_EMAIL", reply["message"].GetValue<string>());
        (await _api.Get($"/crm/v3/objects/contacts/{good}?idProperty=email")).Expect(404);
    }

    [Fact]
    public async Task With_trace_ids_good_inputs_land_and_failures_come_back_207_by_trace_id()
    {
        var good = Email();
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/create",
            Inputs([ContactInput(good, "t-good"), ContactInput("broken", "t-bad")]))).Expect(207);
        Assert.Single(reply["results"].AsArray());
        Assert.Equal(1, reply["numErrors"].GetValue<int>());
        var error = reply["errors"][0]!;
        Assert.Equal("VALIDATION_ERROR", error["category"]!.GetValue<string>());
        Assert.Equal("t-bad", error["context"]!["objectWriteTraceId"]![0]!.GetValue<string>());
        (await _api.Get($"/crm/v3/objects/contacts/{good}?idProperty=email")).Expect(200);
    }

    [Fact]
    public async Task Results_echo_the_trace_id_of_their_input()
    {
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/create",
            Inputs([ContactInput(Email(), "first"), ContactInput(Email(), "second")]))).Expect(201);
        Assert.Equal(["first", "second"], reply["results"].AsArray().Select(r => r!["objectWriteTraceId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Two_inputs_with_one_email_are_refused()
    {
        var email = Email();
        (await _api.Post("/crm/v3/objects/contacts/batch/create", Inputs([ContactInput(email), ContactInput(email.ToUpperInvariant())]))).Expect(400);
        (await _api.Get($"/crm/v3/objects/contacts/{email}?idProperty=email")).Expect(404);
    }

    [Fact]
    public async Task Batch_read_returns_found_records_and_207_names_the_missing_ids()
    {
        var ids = await CreateContacts(3);
        var all = (await _api.Post("/crm/v3/objects/contacts/batch/read", new { properties = new[] { "email" }, inputs = ids.Select(id => new { id }) })).Expect(200);
        Assert.Equal(ids.Order(), all["results"].AsArray().Select(r => r!["id"]!.GetValue<string>()).Order());

        var some = (await _api.Post("/crm/v3/objects/contacts/batch/read", new { inputs = new[] { new { id = ids[0] }, new { id = "42" } } })).Expect(207);
        Assert.Single(some["results"].AsArray());
        var error = some["errors"][0]!;
        Assert.Equal("OBJECT_NOT_FOUND", error["category"]!.GetValue<string>());
        Assert.Equal("42", error["context"]!["ids"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_read_by_email()
    {
        var email = Email();
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email } })).Expect(201);
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/read", new { idProperty = "email", properties = new[] { "email" }, inputs = new[] { new { id = email } } })).Expect(200);
        Assert.Equal(email, reply["results"][0]!["properties"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_update_updates_and_reports_missing_ids_207()
    {
        var ids = await CreateContacts(2);
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/update", new
        {
            inputs = new object[]
            {
                new { id = ids[0], properties = new { firstname = "One" } },
                new { id = ids[1], properties = new { firstname = "Two" } },
                new { id = "7", properties = new { firstname = "Ghost" } },
            },
        })).Expect(207);
        Assert.Equal(2, reply["results"].AsArray().Count);
        Assert.Equal("7", reply["errors"][0]!["context"]!["ids"]![0]!.GetValue<string>());
        var read = (await _api.Get($"/crm/v3/objects/contacts/{ids[1]}")).Expect(200);
        Assert.Equal("Two", read["properties"]["firstname"]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_update_refuses_duplicate_ids()
    {
        var ids = await CreateContacts(1);
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/update", new
        {
            inputs = new[] { new { id = ids[0], properties = new { firstname = "A" } }, new { id = ids[0], properties = new { firstname = "B" } } },
        })).Expect(400);
        Assert.Contains("Duplicate IDs", reply["message"].GetValue<string>());
    }

    [Fact]
    public async Task Upsert_by_email_creates_and_updates_and_flags_new()
    {
        var existing = Email();
        var fresh = Email();
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email = existing, firstname = "Old" } })).Expect(201);
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/upsert", new
        {
            inputs = new[]
            {
                new { id = existing, idProperty = "email", properties = new { firstname = "Updated" } },
                new { id = fresh, idProperty = "email", properties = new { firstname = "Created" } },
            },
        })).Expect(200);
        var results = reply["results"].AsArray().ToDictionary(r => r!["properties"]!["firstname"]!.GetValue<string>(), r => r!["new"]!.GetValue<bool>());
        Assert.False(results["Updated"]);
        Assert.True(results["Created"]);
        var created = (await _api.Get($"/crm/v3/objects/contacts/{fresh}?idProperty=email")).Expect(200);
        Assert.Equal("Created", created["properties"]["firstname"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upsert_by_a_non_unique_property_is_refused()
    {
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/upsert", new
        {
            inputs = new[] { new { id = "Ada", idProperty = "firstname", properties = new { lastname = "L" } } },
        })).Expect(400);
        Assert.Contains("idProperty", reply["message"].GetValue<string>());
    }

    [Fact]
    public async Task Batch_archive_answers_204_and_archives_every_id()
    {
        var ids = await CreateContacts(3);
        (await _api.Post("/crm/v3/objects/contacts/batch/archive", new { inputs = ids.Select(id => new { id }).Append(new { id = "5" }) })).Expect(204);
        foreach (var id in ids)
        {
            (await _api.Get($"/crm/v3/objects/contacts/{id}")).Expect(404);
        }
    }

    [Fact]
    public async Task Missing_inputs_is_a_validation_error()
    {
        var reply = (await _api.Post("/crm/v3/objects/contacts/batch/create", new { })).Expect(400);
        Assert.Contains("inputs", reply["message"].GetValue<string>());
    }
}
