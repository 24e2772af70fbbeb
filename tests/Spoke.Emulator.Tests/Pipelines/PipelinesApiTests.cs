using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Pipelines;

/// <summary>Pipelines: create, read, replace, update, delete, audit, validation and scopes (fact sheet §3.5).</summary>
public sealed class PipelinesApiTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;
    private readonly Api _api;

    public PipelinesApiTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Api;
        fixture.Emulator.Reset();
    }

    [Fact]
    public async Task Create_answers_201_with_location_numeric_ids_and_derived_metadata()
    {
        var reply = (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Renewals"))).Expect(201);
        var id = reply["id"].GetValue<string>();
        Assert.True(long.TryParse(id, out _), $"pipeline id {id} should be numeric");
        Assert.EndsWith($"/crm/v3/pipelines/deals/{id}", reply.Headers["Location"]);
        Assert.Equal("Renewals", reply["label"].GetValue<string>());
        Assert.Equal(1, reply["displayOrder"].GetValue<int>());
        Assert.False(reply["archived"].GetValue<bool>());
        var stages = reply["stages"].AsArray();
        Assert.Equal(["Open", "Won", "Lost"], stages.Select(s => s!["label"]!.GetValue<string>()));
        Assert.All(stages, s => Assert.True(long.TryParse(s!["id"]!.GetValue<string>(), out _)));
        Assert.Equal(3, stages.Select(s => s!["id"]!.GetValue<string>()).Distinct().Count());
        // isClosed is derived from the probability: closed at 0.0 and 1.0.
        Assert.Equal(["false", "true", "true"], stages.Select(s => s!["metadata"]!["isClosed"]!.GetValue<string>()));

        var fetched = (await _api.Get($"/crm/v3/pipelines/deals/{id}")).Expect(200);
        Assert.Equal("Renewals", fetched["label"].GetValue<string>());
        var list = (await _api.Get("/crm/v3/pipelines/deals")).Expect(200)["results"].AsArray();
        Assert.Equal(["default", id], list.Select(p => p!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Create_keeps_chosen_pipeline_and_stage_ids()
    {
        var reply = (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Partners", "partners", prefix: "partner"))).Expect(201);
        Assert.Equal("partners", reply["id"].GetValue<string>());
        Assert.Equal("partner_open", reply["stages"][0]!["id"]!.GetValue<string>());
        (await _api.Get("/crm/v3/pipelines/deals/partners/stages/partner_won")).Expect(200);
    }

    [Fact]
    public async Task List_is_sorted_by_display_order_then_label()
    {
        (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Zeta", displayOrder: -1))).Expect(201);
        (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Beta", displayOrder: 5))).Expect(201);
        (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Alpha", displayOrder: 5))).Expect(201);
        var list = (await _api.Get("/crm/v3/pipelines/deals")).Expect(200)["results"].AsArray();
        Assert.Equal(["Zeta", "Sales Pipeline", "Alpha", "Beta"], list.Select(p => p!["label"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deal_stage_without_probability_is_400()
    {
        var body = new { label = "No odds", displayOrder = 1, stages = new[] { new { label = "S", displayOrder = 0, metadata = new { } } } };
        var reply = (await _api.Post("/crm/v3/pipelines/deals", body)).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.Contains("probability", reply["message"].GetValue<string>());
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("likely")]
    public async Task Deal_stage_probability_outside_zero_to_one_is_400(string probability)
    {
        var body = new { label = "Bad odds", displayOrder = 1, stages = new[] { PipelineBodies.DealStage("S", probability) } };
        var reply = (await _api.Post("/crm/v3/pipelines/deals", body)).Expect(400);
        Assert.Contains(probability, reply["message"].GetValue<string>());
    }

    [Fact]
    public async Task Numeric_probability_is_accepted_and_returned_as_a_string()
    {
        var body = new { label = "Numeric", displayOrder = 1, stages = new[] { new { label = "Half", displayOrder = 0, metadata = new { probability = 0.5 } } } };
        var reply = (await _api.Post("/crm/v3/pipelines/deals", body)).Expect(201);
        Assert.Equal("0.5", reply["stages"][0]!["metadata"]!["probability"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ticket_state_must_be_open_or_closed_and_defaults_to_open()
    {
        var bad = new { label = "Bad", displayOrder = 1, stages = new[] { new { label = "S", displayOrder = 0, metadata = new { ticketState = "PENDING" } } } };
        Assert.Contains("ticketState", (await _api.Post("/crm/v3/pipelines/tickets", bad)).Expect(400)["message"].GetValue<string>());

        var good = new
        {
            label = "Escalations", displayOrder = 1,
            stages = new object[]
            {
                new { label = "Triage", displayOrder = 0, metadata = new { } },
                new { label = "Done", displayOrder = 1, metadata = new { ticketState = "CLOSED" } },
            },
        };
        var reply = (await _api.Post("/crm/v3/pipelines/tickets", good)).Expect(201);
        Assert.Equal("OPEN", reply["stages"][0]!["metadata"]!["ticketState"]!.GetValue<string>());
        Assert.Equal("CLOSED", reply["stages"][1]!["metadata"]!["ticketState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Missing_required_fields_are_400_naming_them()
    {
        var reply = (await _api.Post("/crm/v3/pipelines/deals", new { label = "Half a pipeline" })).Expect(400);
        Assert.Contains("displayOrder", reply["message"].GetValue<string>());
        Assert.Contains("stages", reply["message"].GetValue<string>());
    }

    [Fact]
    public async Task Duplicate_stage_labels_are_400()
    {
        var body = new { label = "Twins", displayOrder = 1, stages = new[] { PipelineBodies.DealStage("Same", "0.1"), PipelineBodies.DealStage("same", "0.2") } };
        var reply = (await _api.Post("/crm/v3/pipelines/deals", body)).Expect(400);
        Assert.Contains("unique", reply["message"].GetValue<string>());
    }

    [Fact]
    public async Task More_than_100_stages_is_400_and_100_is_fine()
    {
        object Body(string label, int count) => new
        {
            label, displayOrder = 1,
            stages = Enumerable.Range(0, count).Select(i => PipelineBodies.DealStage($"Stage {i}", "0.5", i)).ToArray(),
        };
        var reply = (await _api.Post("/crm/v3/pipelines/deals", Body("Too long", 101))).Expect(400);
        Assert.Contains("100", reply["message"].GetValue<string>());
        Assert.Equal(100, (await _api.Post("/crm/v3/pipelines/deals", Body("Just right", 100))).Expect(201)["stages"].AsArray().Count);
    }

    [Fact]
    public async Task Duplicate_pipeline_label_is_400_and_duplicate_id_is_409()
    {
        var label = (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("sales pipeline"))).Expect(400);
        Assert.Equal("VALIDATION_ERROR", label["category"].GetValue<string>());
        var id = (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Other", "default"))).Expect(409);
        Assert.Equal("CONFLICT", id["category"].GetValue<string>());
    }

    [Fact]
    public async Task Stage_id_used_by_another_pipeline_of_the_type_is_409()
    {
        var body = new { label = "Copycat", displayOrder = 1, stages = new[] { PipelineBodies.DealStage("Mine", "0.5", stageId: "closedwon") } };
        (await _api.Post("/crm/v3/pipelines/deals", body)).Expect(409);
    }

    [Fact]
    public async Task Pipelines_exist_only_for_deals_tickets_and_custom_objects()
    {
        var reply = (await _api.Get("/crm/v3/pipelines/contacts")).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        (await _api.Get("/crm/v3/pipelines/nonsense")).Expect(400);
    }

    [Fact]
    public async Task Unknown_pipeline_is_404()
    {
        var reply = (await _api.Get("/crm/v3/pipelines/deals/nope")).Expect(404);
        Assert.Equal("OBJECT_NOT_FOUND", reply["category"].GetValue<string>());
        (await _api.Patch("/crm/v3/pipelines/deals/nope", new { label = "x" })).Expect(404);
        (await _api.Delete("/crm/v3/pipelines/deals/nope")).Expect(404);
        (await _api.Get("/crm/v3/pipelines/deals/nope/audit")).Expect(404);
    }

    [Fact]
    public async Task Patch_changes_label_and_display_order_only()
    {
        var id = (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Before"))).Expect(201)["id"].GetValue<string>();
        _fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        var reply = (await _api.Patch($"/crm/v3/pipelines/deals/{id}", new { label = "After", displayOrder = 7 })).Expect(200);
        Assert.Equal("After", reply["label"].GetValue<string>());
        Assert.Equal(7, reply["displayOrder"].GetValue<int>());
        Assert.Equal(3, reply["stages"].AsArray().Count);
        Assert.NotEqual(reply["createdAt"].GetValue<string>(), reply["updatedAt"].GetValue<string>());
        (await _api.Patch($"/crm/v3/pipelines/deals/{id}", new { label = "Sales Pipeline" })).Expect(400);
    }

    [Fact]
    public async Task Put_replaces_label_and_stages_keeping_named_stages()
    {
        var created = (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Old"))).Expect(201);
        var id = created["id"].GetValue<string>();
        var openId = created["stages"][0]!["id"]!.GetValue<string>();
        var body = new
        {
            label = "New", displayOrder = 3,
            stages = new object[]
            {
                new { label = "Still open", displayOrder = 0, metadata = new { probability = "0.3" }, stageId = openId },
                new { label = "Signed", displayOrder = 1, metadata = new { probability = "1.0" } },
            },
        };
        var reply = (await _api.Put($"/crm/v3/pipelines/deals/{id}", body)).Expect(200);
        Assert.Equal("New", reply["label"].GetValue<string>());
        var stages = reply["stages"].AsArray();
        Assert.Equal(["Still open", "Signed"], stages.Select(s => s!["label"]!.GetValue<string>()));
        Assert.Equal(openId, stages[0]!["id"]!.GetValue<string>());
        Assert.Equal("0.3", stages[0]!["metadata"]!["probability"]!.GetValue<string>());
        Assert.Equal(2, (await _api.Get($"/crm/v3/pipelines/deals/{id}/stages")).Expect(200)["results"].AsArray().Count);
    }

    [Fact]
    public async Task Delete_answers_204_and_the_pipeline_is_gone()
    {
        var id = (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Short lived"))).Expect(201)["id"].GetValue<string>();
        var reply = (await _api.Delete($"/crm/v3/pipelines/deals/{id}")).Expect(204);
        Assert.Empty(reply.Text);
        (await _api.Get($"/crm/v3/pipelines/deals/{id}")).Expect(404);
        Assert.Single((await _api.Get("/crm/v3/pipelines/deals")).Expect(200)["results"].AsArray());
        // The label is free again.
        (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Short lived"))).Expect(201);
    }

    [Fact]
    public async Task Deleting_the_last_pipeline_is_400()
    {
        var reply = (await _api.Delete("/crm/v3/pipelines/deals/default")).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        (await _api.Patch("/crm/v3/pipelines/tickets/0", new { archived = true })).Expect(400);
        (await _api.Get("/crm/v3/pipelines/deals/default")).Expect(200);
    }

    [Fact]
    public async Task Patch_archived_archives_and_restores()
    {
        var id = (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Seasonal"))).Expect(201)["id"].GetValue<string>();
        var archived = (await _api.Patch($"/crm/v3/pipelines/deals/{id}", new { archived = true })).Expect(200);
        Assert.True(archived["archived"].GetValue<bool>());
        Assert.NotNull(archived["archivedAt"]);
        (await _api.Get($"/crm/v3/pipelines/deals/{id}")).Expect(404);
        var restored = (await _api.Patch($"/crm/v3/pipelines/deals/{id}", new { archived = false })).Expect(200);
        Assert.False(restored["archived"].GetValue<bool>());
        (await _api.Get($"/crm/v3/pipelines/deals/{id}")).Expect(200);
    }

    [Fact]
    public async Task Audit_lists_create_update_delete_newest_first()
    {
        var id = (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Audited"))).Expect(201)["id"].GetValue<string>();
        _fixture.Emulator.Clock.Advance(TimeSpan.FromSeconds(5));
        var changedAt = _fixture.Emulator.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        (await _api.Patch($"/crm/v3/pipelines/deals/{id}", new { label = "Audited twice" })).Expect(200);
        var results = (await _api.Get($"/crm/v3/pipelines/deals/{id}/audit")).Expect(200)["results"].AsArray();
        Assert.Equal(["UPDATE", "CREATE"], results.Select(r => r!["action"]!.GetValue<string>()));
        var latest = results[0]!;
        Assert.Equal(_fixture.Emulator.PortalId, latest["portalId"]!.GetValue<long>());
        Assert.Equal($"{_fixture.Emulator.PortalId}:{id}", latest["identifier"]!.GetValue<string>());
        Assert.Equal(changedAt, latest["timestamp"]!.GetValue<string>());
        Assert.Equal("Pipeline update", latest["message"]!.GetValue<string>());
        // rawObject is the pipeline after the change, as a JSON string.
        var raw = System.Text.Json.Nodes.JsonNode.Parse(latest["rawObject"]!.GetValue<string>())!;
        Assert.Equal("Audited twice", raw["label"]!.GetValue<string>());
        Assert.Equal(id, raw["pipelineId"]!.GetValue<string>());
        Assert.Equal(3, raw["stages"]!.AsArray().Count);
    }

    [Fact]
    public async Task Reading_needs_the_objects_read_scope_and_writing_the_write_scope()
    {
        using var dealsRead = _api.WithToken(_fixture.Emulator.CreateToken("crm.objects.deals.read"));
        (await dealsRead.Get("/crm/v3/pipelines/deals")).Expect(200);
        var write = (await dealsRead.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Nope"))).Expect(403);
        Assert.Equal("MISSING_SCOPES", write["category"].GetValue<string>());
        Assert.Equal("crm.objects.deals.write", write["errors"][0]!["context"]!["requiredGranularScopes"]![0]!.GetValue<string>());
        (await dealsRead.Get("/crm/v3/pipelines/tickets")).Expect(403);

        using var tickets = _api.WithToken(_fixture.Emulator.CreateToken("tickets"));
        (await tickets.Get("/crm/v3/pipelines/tickets")).Expect(200);
        (await tickets.Get("/crm/v3/pipelines/deals")).Expect(403);
    }

    [Fact]
    public async Task Dated_paths_create_and_read_the_same_pipelines()
    {
        var created = (await _api.Post("/crm/pipelines/2026-03/deals", PipelineBodies.DealPipeline("Dated"))).Expect(201);
        var id = created["id"].GetValue<string>();
        Assert.EndsWith($"/crm/pipelines/2026-03/deals/{id}", created.Headers["Location"]);
        (await _api.Get($"/crm/pipelines/2026-09/0-3/{id}")).Expect(200);
        (await _api.Get($"/crm/v3/pipelines/deals/{id}")).Expect(200);
    }
}
