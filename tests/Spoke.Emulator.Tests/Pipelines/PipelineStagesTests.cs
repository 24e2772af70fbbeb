using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Pipelines;

/// <summary>Pipeline stages: create, read, replace, update, delete and their audit trail (fact sheet §3.5).</summary>
public sealed class PipelineStagesTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;
    private readonly Api _api;

    public PipelineStagesTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Api;
        fixture.Emulator.Reset();
    }

    [Fact]
    public async Task Create_stage_answers_201_with_location_and_appears_in_the_pipeline()
    {
        var reply = (await _api.Post("/crm/v3/pipelines/deals/default/stages", PipelineBodies.DealStage("Negotiation", "0.7", 4))).Expect(201);
        var id = reply["id"].GetValue<string>();
        Assert.True(long.TryParse(id, out _));
        Assert.EndsWith($"/crm/v3/pipelines/deals/default/stages/{id}", reply.Headers["Location"]);
        Assert.Equal("0.7", reply["metadata"]["probability"]!.GetValue<string>());
        Assert.Equal("false", reply["metadata"]["isClosed"]!.GetValue<string>());
        Assert.Equal("CRM_PERMISSIONS_ENFORCEMENT", reply["writePermissions"].GetValue<string>());

        var stages = (await _api.Get("/crm/v3/pipelines/deals/default/stages")).Expect(200)["results"].AsArray();
        Assert.Equal(8, stages.Count);
        // displayOrder 4 ties with "Contract Sent": ties sort by label.
        Assert.Equal(["Contract Sent", "Negotiation"], stages.Where(s => s!["displayOrder"]!.GetValue<int>() == 4).Select(s => s!["label"]!.GetValue<string>()));
        (await _api.Get($"/crm/v3/pipelines/deals/default/stages/{id}")).Expect(200);
    }

    [Fact]
    public async Task Create_stage_with_a_taken_label_is_400_and_taken_id_409()
    {
        (await _api.Post("/crm/v3/pipelines/deals/default/stages", PipelineBodies.DealStage("closed won", "1.0"))).Expect(400);
        (await _api.Post("/crm/v3/pipelines/deals/default/stages", PipelineBodies.DealStage("Fresh", "0.5", stageId: "closedwon"))).Expect(409);
    }

    [Fact]
    public async Task Create_stage_needs_probability_for_deals_but_not_for_tickets()
    {
        (await _api.Post("/crm/v3/pipelines/deals/default/stages", new { label = "Odds?", displayOrder = 9, metadata = new { } })).Expect(400);
        var ticket = (await _api.Post("/crm/v3/pipelines/tickets/0/stages", new { label = "On hold", displayOrder = 9, metadata = new { } })).Expect(201);
        Assert.Equal("OPEN", ticket["metadata"]["ticketState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pipeline_of_100_stages_takes_no_more()
    {
        var body = new
        {
            label = "Full", displayOrder = 1,
            stages = Enumerable.Range(0, 100).Select(i => PipelineBodies.DealStage($"Stage {i}", "0.5", i)).ToArray(),
        };
        var id = (await _api.Post("/crm/v3/pipelines/deals", body)).Expect(201)["id"].GetValue<string>();
        var reply = (await _api.Post($"/crm/v3/pipelines/deals/{id}/stages", PipelineBodies.DealStage("One more", "0.5"))).Expect(400);
        Assert.Contains("100", reply["message"].GetValue<string>());
    }

    [Fact]
    public async Task Put_replaces_the_stage()
    {
        var reply = (await _api.Put("/crm/v3/pipelines/deals/default/stages/contractsent",
            new { label = "Contract Out", displayOrder = 9, metadata = new { probability = "0.95" } })).Expect(200);
        Assert.Equal("contractsent", reply["id"].GetValue<string>());
        Assert.Equal("Contract Out", reply["label"].GetValue<string>());
        Assert.Equal(9, reply["displayOrder"].GetValue<int>());
        Assert.Equal("0.95", reply["metadata"]["probability"]!.GetValue<string>());
        (await _api.Put("/crm/v3/pipelines/deals/default/stages/contractsent", new { label = "No metadata", displayOrder = 1 })).Expect(400);
    }

    [Fact]
    public async Task Patch_updates_given_fields_and_keeps_the_rest()
    {
        var reply = (await _api.Patch("/crm/v3/pipelines/deals/default/stages/qualifiedtobuy", new { label = "Qualified" })).Expect(200);
        Assert.Equal("Qualified", reply["label"].GetValue<string>());
        Assert.Equal(1, reply["displayOrder"].GetValue<int>());
        Assert.Equal("0.4", reply["metadata"]["probability"]!.GetValue<string>());

        var odds = (await _api.Patch("/crm/v3/pipelines/deals/default/stages/qualifiedtobuy", new { metadata = new { probability = "0.45" } })).Expect(200);
        Assert.Equal("0.45", odds["metadata"]["probability"]!.GetValue<string>());
        Assert.Equal("Qualified", odds["label"].GetValue<string>());
        (await _api.Patch("/crm/v3/pipelines/deals/default/stages/qualifiedtobuy", new { metadata = new { probability = "2" } })).Expect(400);
        (await _api.Patch("/crm/v3/pipelines/deals/default/stages/qualifiedtobuy", new { label = "Closed Won" })).Expect(400);
    }

    [Fact]
    public async Task Delete_stage_answers_204_and_the_stage_is_gone()
    {
        (await _api.Delete("/crm/v3/pipelines/deals/default/stages/presentationscheduled")).Expect(204);
        (await _api.Get("/crm/v3/pipelines/deals/default/stages/presentationscheduled")).Expect(404);
        var stages = (await _api.Get("/crm/v3/pipelines/deals/default")).Expect(200)["stages"].AsArray();
        Assert.DoesNotContain(stages, s => s!["id"]!.GetValue<string>() == "presentationscheduled");
        Assert.Equal(6, stages.Count);
    }

    [Fact]
    public async Task Deleting_the_last_stage_is_400()
    {
        var body = new { label = "Single", displayOrder = 1, stages = new[] { PipelineBodies.DealStage("Only", "0.5", 0, "only_stage") } };
        var id = (await _api.Post("/crm/v3/pipelines/deals", body)).Expect(201)["id"].GetValue<string>();
        (await _api.Delete($"/crm/v3/pipelines/deals/{id}/stages/only_stage")).Expect(400);
    }

    [Fact]
    public async Task Unknown_stage_or_pipeline_is_404()
    {
        var reply = (await _api.Get("/crm/v3/pipelines/deals/default/stages/nope")).Expect(404);
        Assert.Equal("OBJECT_NOT_FOUND", reply["category"].GetValue<string>());
        (await _api.Patch("/crm/v3/pipelines/deals/default/stages/nope", new { label = "x" })).Expect(404);
        (await _api.Delete("/crm/v3/pipelines/deals/default/stages/nope")).Expect(404);
        (await _api.Get("/crm/v3/pipelines/deals/nope/stages")).Expect(404);
        // Stage ids belong to their pipeline: a ticket stage is not in the deal pipeline.
        (await _api.Get("/crm/v3/pipelines/deals/default/stages/1")).Expect(404);
    }

    [Fact]
    public async Task Stage_audit_lists_the_stage_changes_and_the_pipeline_records_them_as_updates()
    {
        var id = (await _api.Post("/crm/v3/pipelines/tickets/0/stages", new { label = "Parked", displayOrder = 9, metadata = new { } })).Expect(201)["id"].GetValue<string>();
        (await _api.Patch($"/crm/v3/pipelines/tickets/0/stages/{id}", new { label = "Parked for later" })).Expect(200);
        (await _api.Delete($"/crm/v3/pipelines/tickets/0/stages/{id}")).Expect(204);

        var stageAudit = (await _api.Get($"/crm/v3/pipelines/tickets/0/stages/{id}/audit")).Expect(200)["results"].AsArray();
        Assert.Equal(["DELETE", "UPDATE", "CREATE"], stageAudit.Select(r => r!["action"]!.GetValue<string>()));
        var raw = System.Text.Json.Nodes.JsonNode.Parse(stageAudit[1]!["rawObject"]!.GetValue<string>())!;
        Assert.Equal("Parked for later", raw["label"]!.GetValue<string>());
        Assert.Equal(id, raw["stageId"]!.GetValue<string>());

        var pipelineAudit = (await _api.Get("/crm/v3/pipelines/tickets/0/audit")).Expect(200)["results"].AsArray();
        Assert.Equal(3, pipelineAudit.Count);
        Assert.All(pipelineAudit, r => Assert.Equal("UPDATE", r!["action"]!.GetValue<string>()));
        (await _api.Get("/crm/v3/pipelines/tickets/0/stages/nope/audit")).Expect(404);
    }

    [Fact]
    public async Task Archived_stage_can_be_restored_with_patch()
    {
        (await _api.Patch("/crm/v3/pipelines/tickets/0/stages/3", new { archived = true })).Expect(200);
        (await _api.Get("/crm/v3/pipelines/tickets/0/stages/3")).Expect(404);
        var restored = (await _api.Patch("/crm/v3/pipelines/tickets/0/stages/3", new { archived = false })).Expect(200);
        Assert.False(restored["archived"].GetValue<bool>());
        Assert.Equal(4, (await _api.Get("/crm/v3/pipelines/tickets/0/stages")).Expect(200)["results"].AsArray().Count);
    }

    [Fact]
    public async Task Stage_writes_need_the_write_scope()
    {
        using var readOnly = _api.WithToken(_fixture.Emulator.CreateToken("crm.objects.deals.read"));
        (await readOnly.Get("/crm/v3/pipelines/deals/default/stages")).Expect(200);
        (await readOnly.Post("/crm/v3/pipelines/deals/default/stages", PipelineBodies.DealStage("Sneaky", "0.5"))).Expect(403);
        (await readOnly.Delete("/crm/v3/pipelines/deals/default/stages/closedlost")).Expect(403);
    }
}
