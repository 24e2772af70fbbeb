using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Pipelines;

/// <summary>The pipelines a fresh portal has (fact sheet §10), field by field. Read-only: no reset needed.</summary>
public sealed class DefaultPipelinesTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Deals_have_one_pipeline_default_named_Sales_Pipeline()
    {
        var reply = (await fixture.Api.Get("/crm/v3/pipelines/deals")).Expect(200);
        var results = reply["results"].AsArray();
        var pipeline = Assert.Single(results)!;
        Assert.Equal("default", pipeline["id"]!.GetValue<string>());
        Assert.Equal("Sales Pipeline", pipeline["label"]!.GetValue<string>());
        Assert.Equal(0, pipeline["displayOrder"]!.GetValue<int>());
        Assert.False(pipeline["archived"]!.GetValue<bool>());
        Assert.Null(pipeline["archivedAt"]);
        Assert.Equal("2026-01-15T09:30:00.000Z", pipeline["createdAt"]!.GetValue<string>());
        Assert.Equal("2026-01-15T09:30:00.000Z", pipeline["updatedAt"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(0, "appointmentscheduled", "Appointment Scheduled", "0.2", "false")]
    [InlineData(1, "qualifiedtobuy", "Qualified To Buy", "0.4", "false")]
    [InlineData(2, "presentationscheduled", "Presentation Scheduled", "0.6", "false")]
    [InlineData(3, "decisionmakerboughtin", "Decision Maker Bought-In", "0.8", "false")]
    [InlineData(4, "contractsent", "Contract Sent", "0.9", "false")]
    [InlineData(5, "closedwon", "Closed Won", "1.0", "true")]
    [InlineData(6, "closedlost", "Closed Lost", "0.0", "true")]
    public async Task Default_deal_stage_matches_the_fact_sheet(int position, string id, string label, string probability, string isClosed)
    {
        var pipeline = (await fixture.Api.Get("/crm/v3/pipelines/deals/default")).Expect(200);
        var stages = pipeline["stages"].AsArray();
        Assert.Equal(7, stages.Count);
        var stage = stages[position]!;
        AssertStage(stage, id, label, position);
        Assert.Equal(probability, stage["metadata"]!["probability"]!.GetValue<string>());
        Assert.Equal(isClosed, stage["metadata"]!["isClosed"]!.GetValue<string>());
        Assert.Equal(2, stage["metadata"]!.AsObject().Count);
    }

    [Fact]
    public async Task Tickets_have_one_pipeline_0_named_Support_Pipeline()
    {
        var reply = (await fixture.Api.Get("/crm/v3/pipelines/tickets")).Expect(200);
        var pipeline = Assert.Single(reply["results"].AsArray())!;
        Assert.Equal("0", pipeline["id"]!.GetValue<string>());
        Assert.Equal("Support Pipeline", pipeline["label"]!.GetValue<string>());
        Assert.Equal(0, pipeline["displayOrder"]!.GetValue<int>());
        Assert.False(pipeline["archived"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(0, "1", "New", "OPEN")]
    [InlineData(1, "2", "Waiting on contact", "OPEN")]
    [InlineData(2, "3", "Waiting on us", "OPEN")]
    [InlineData(3, "4", "Closed", "CLOSED")]
    public async Task Default_ticket_stage_matches_the_fact_sheet(int position, string id, string label, string ticketState)
    {
        var stages = (await fixture.Api.Get("/crm/v3/pipelines/tickets/0/stages")).Expect(200)["results"].AsArray();
        Assert.Equal(4, stages.Count);
        var stage = stages[position]!;
        AssertStage(stage, id, label, position);
        Assert.Equal(ticketState, stage["metadata"]!["ticketState"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/crm/v3/pipelines/0-3")]
    [InlineData("/crm/pipelines/2026-03/deals")]
    [InlineData("/crm/pipelines/2026-09/0-3")]
    public async Task Type_ids_and_dated_paths_serve_the_same_deal_pipelines(string path)
    {
        var reply = (await fixture.Api.Get(path)).Expect(200);
        Assert.Equal("default", reply["results"][0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ticket_stages_read_by_id()
    {
        var stage = (await fixture.Api.Get("/crm/v3/pipelines/0-5/0/stages/4")).Expect(200);
        AssertStage(stage.Body!, "4", "Closed", 3);
    }

    private static void AssertStage(JsonNode stage, string id, string label, int displayOrder)
    {
        Assert.Equal(id, stage["id"]!.GetValue<string>());
        Assert.Equal(label, stage["label"]!.GetValue<string>());
        Assert.Equal(displayOrder, stage["displayOrder"]!.GetValue<int>());
        Assert.False(stage["archived"]!.GetValue<bool>());
        Assert.Equal("CRM_PERMISSIONS_ENFORCEMENT", stage["writePermissions"]!.GetValue<string>());
        Assert.Equal("2026-01-15T09:30:00.000Z", stage["createdAt"]!.GetValue<string>());
        Assert.NotNull(stage["updatedAt"]);
    }
}
