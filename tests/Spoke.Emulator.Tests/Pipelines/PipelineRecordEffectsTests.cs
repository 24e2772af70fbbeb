using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Pipelines;

/// <summary>How pipeline changes shape record writes, and how records guard pipeline deletes (fact sheet §3.5, §10).</summary>
public sealed class PipelineRecordEffectsTests : IClassFixture<EmulatorFixture>
{
    private readonly Api _api;

    public PipelineRecordEffectsTests(EmulatorFixture fixture)
    {
        _api = fixture.Api;
        fixture.Emulator.Reset();
    }

    private Task<Reply> CreateDeal(object properties) => _api.Post("/crm/v3/objects/deals", new { properties });

    [Fact]
    public async Task With_one_pipeline_a_deal_without_pipeline_lands_in_default()
    {
        var deal = (await CreateDeal(new { dealname = "Solo", dealstage = "qualifiedtobuy" })).Expect(201);
        Assert.Equal("default", deal["properties"]["pipeline"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_second_deal_pipeline_makes_pipeline_required_and_its_stages_usable()
    {
        (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Partners", "partners", prefix: "partner"))).Expect(201);

        var missing = (await CreateDeal(new { dealname = "Where?", dealstage = "qualifiedtobuy" })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", missing["category"].GetValue<string>());
        Assert.Contains("pipeline", missing["message"].GetValue<string>());

        var deal = (await CreateDeal(new { dealname = "Partner deal", pipeline = "partners", dealstage = "partner_open" })).Expect(201);
        Assert.Equal("partners", deal["properties"]["pipeline"]!.GetValue<string>());
        Assert.Equal("partner_open", deal["properties"]["dealstage"]!.GetValue<string>());

        // A stage of another pipeline does not fit.
        (await CreateDeal(new { dealname = "Mixed", pipeline = "partners", dealstage = "closedwon" })).Expect(400);
    }

    [Fact]
    public async Task Stage_probability_and_closed_flags_flow_into_deals()
    {
        (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Partners", "partners", prefix: "partner"))).Expect(201);
        var id = (await CreateDeal(new { dealname = "Won it", pipeline = "partners", dealstage = "partner_won" })).Expect(201)["id"].GetValue<string>();
        var deal = (await _api.Get($"/crm/v3/objects/deals/{id}?properties=hs_deal_stage_probability,hs_is_closed,hs_is_closed_won")).Expect(200);
        Assert.Equal("1.0", deal["properties"]["hs_deal_stage_probability"]!.GetValue<string>());
        Assert.Equal("true", deal["properties"]["hs_is_closed"]!.GetValue<string>());
        Assert.Equal("true", deal["properties"]["hs_is_closed_won"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_new_stage_is_usable_at_once_and_an_archived_stage_is_not()
    {
        var stageId = (await _api.Post("/crm/v3/pipelines/deals/default/stages", PipelineBodies.DealStage("Pilot", "0.7"))).Expect(201)["id"].GetValue<string>();
        var id = (await CreateDeal(new { dealname = "Piloting", dealstage = stageId })).Expect(201)["id"].GetValue<string>();

        (await _api.Delete("/crm/v3/pipelines/deals/default/stages/contractsent")).Expect(204);
        var rejected = (await CreateDeal(new { dealname = "Late", dealstage = "contractsent" })).Expect(400);
        Assert.Contains("contractsent", rejected["message"].GetValue<string>());
        (await _api.Patch($"/crm/v3/objects/deals/{id}", new { properties = new { dealstage = "contractsent" } })).Expect(400);
    }

    [Fact]
    public async Task An_archived_pipeline_no_longer_takes_deals()
    {
        (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Partners", "partners", prefix: "partner"))).Expect(201);
        (await _api.Delete("/crm/v3/pipelines/deals/partners")).Expect(204);
        (await CreateDeal(new { dealname = "Too late", pipeline = "partners", dealstage = "partner_open" })).Expect(400);
        // Back to one pipeline: the pipeline may be left out again.
        (await CreateDeal(new { dealname = "Default again", dealstage = "closedlost" })).Expect(201);
    }

    [Fact]
    public async Task Delete_with_validation_refuses_a_pipeline_in_use()
    {
        (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Partners", "partners", prefix: "partner"))).Expect(201);
        var dealId = (await CreateDeal(new { dealname = "Holding on", pipeline = "partners", dealstage = "partner_open" })).Expect(201)["id"].GetValue<string>();

        var reply = (await _api.Delete("/crm/v3/pipelines/deals/partners?validateDealStageUsagesBeforeDelete=true")).Expect(400);
        Assert.Equal("VALIDATION_ERROR", reply["category"].GetValue<string>());
        Assert.Equal("PipelineError.STAGE_ID_IN_USE", reply["subCategory"].GetValue<string>());
        Assert.Equal($"Stage IDs: [partner_open, partner_won, partner_lost] are being referenced by object IDs: [{dealId}]", reply["message"].GetValue<string>());
        Assert.Equal("[partner_open, partner_won, partner_lost]", reply["context"]["stageIds"]![0]!.GetValue<string>());
        Assert.Equal($"[{dealId}]", reply["context"]["objectIds"]![0]!.GetValue<string>());
        (await _api.Get("/crm/v3/pipelines/deals/partners")).Expect(200);

        // The generic flag works too; without a flag the classic API deletes regardless.
        (await _api.Delete("/crm/v3/pipelines/deals/partners?validateReferencesBeforeDelete=true")).Expect(400);
        (await _api.Delete("/crm/v3/pipelines/deals/partners")).Expect(204);
    }

    [Fact]
    public async Task Version_2026_09_validates_references_by_default()
    {
        (await _api.Post("/crm/v3/pipelines/deals", PipelineBodies.DealPipeline("Partners", "partners", prefix: "partner"))).Expect(201);
        (await CreateDeal(new { dealname = "Holding on", pipeline = "partners", dealstage = "partner_won" })).Expect(201);

        (await _api.Delete("/crm/pipelines/2026-09/0-3/partners/stages/partner_won")).Expect(400);
        (await _api.Delete("/crm/pipelines/2026-09/0-3/partners")).Expect(400);
        // An unused stage goes; so does the pipeline once validation is switched off.
        (await _api.Delete("/crm/pipelines/2026-09/0-3/partners/stages/partner_lost")).Expect(204);
        (await _api.Delete("/crm/pipelines/2026-09/0-3/partners?validateDealStageUsagesBeforeDelete=false")).Expect(204);
    }

    [Fact]
    public async Task Archived_records_do_not_hold_a_stage()
    {
        var id = (await CreateDeal(new { dealname = "Gone", dealstage = "closedlost" })).Expect(201)["id"].GetValue<string>();
        (await _api.Delete("/crm/v3/pipelines/deals/default/stages/closedlost?validateDealStageUsagesBeforeDelete=true")).Expect(400);
        (await _api.Delete($"/crm/v3/objects/deals/{id}")).Expect(204);
        (await _api.Delete("/crm/v3/pipelines/deals/default/stages/closedlost?validateDealStageUsagesBeforeDelete=true")).Expect(204);
    }

    [Fact]
    public async Task Put_that_drops_a_used_stage_is_refused_when_validating()
    {
        (await CreateDeal(new { dealname = "Sent", dealstage = "contractsent" })).Expect(201);
        var body = new { label = "Sales Pipeline", displayOrder = 0, stages = new[] { PipelineBodies.DealStage("Only", "0.5", 0, "closedwon") } };
        (await _api.Put("/crm/v3/pipelines/deals/default?validateDealStageUsagesBeforeDelete=true", body)).Expect(400);
        (await _api.Put("/crm/v3/pipelines/deals/default", body)).Expect(200);
        (await CreateDeal(new { dealname = "Late", dealstage = "contractsent" })).Expect(400);
        (await CreateDeal(new { dealname = "Kept", dealstage = "closedwon" })).Expect(201);
    }

    [Fact]
    public async Task A_new_ticket_pipeline_makes_hs_pipeline_required_for_tickets()
    {
        var body = new
        {
            label = "Escalations", displayOrder = 1, pipelineId = "escalations",
            stages = new[] { new { label = "Hot", displayOrder = 0, metadata = new { ticketState = "OPEN" }, stageId = "hot" } },
        };
        (await _api.Post("/crm/v3/pipelines/tickets", body)).Expect(201);
        (await _api.Post("/crm/v3/objects/tickets", new { properties = new { subject = "Help", hs_pipeline_stage = "1" } })).Expect(400);
        (await _api.Post("/crm/v3/objects/tickets", new { properties = new { subject = "Help", hs_pipeline = "escalations", hs_pipeline_stage = "hot" } })).Expect(201);
    }
}
