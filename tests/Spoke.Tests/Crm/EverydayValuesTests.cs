using Spoke.Associations;
using Spoke.Crm;
using Spoke.Lists;
using Spoke.Pipelines;

namespace Spoke.Tests.Crm;

/// <summary>Typed pipeline stages, the default pipeline, IN over any sequence, DateTime filter values, engagements, constants.</summary>
public sealed class EverydayValuesTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static string Tag() => $"e{Guid.NewGuid():N}"[..12];

    [Fact]
    public async Task Default_deal_and_ticket_pipelines_read_with_typed_stages()
    {
        var pipelines = fixture.Client.Pipelines;

        var deals = await pipelines.GetDefaultAsync("deals");
        var tickets = await pipelines.GetDefaultAsync(CrmObjectTypeIds.Tickets);

        Assert.Equal("default", deals?.Id);
        var won = deals!.Stages.Single(s => s.Id == "closedwon");
        var scheduled = deals.Stages.Single(s => s.Id == "appointmentscheduled");
        Assert.Equal((1.0m, true), (won.Probability, won.IsClosed));
        Assert.Equal((0.2m, false), (scheduled.Probability, scheduled.IsClosed));
        Assert.Null(won.TicketState);
        Assert.Equal("0", tickets?.Id);
        Assert.Equal([PipelineTicketState.Open, PipelineTicketState.Open, PipelineTicketState.Open, PipelineTicketState.Closed],
            tickets!.Stages.OrderBy(s => s.DisplayOrder).Select(s => s.TicketState));
        Assert.All(tickets.Stages, s => Assert.Null(s.Probability));
    }

    [Fact]
    public async Task Typed_stage_inputs_create_stages_that_read_back_typed()
    {
        var pipelines = fixture.Client.Pipelines;
        var created = await pipelines.CreateAsync("deals", new PipelineInput
        {
            Label = "Typed " + Tag(), DisplayOrder = 9,
            Stages = [PipelineStageInput.DealStage("Open", 0, 0.3m), PipelineStageInput.DealStage("Won", 1, 1m, isClosed: true)],
        });
        var ticketPipeline = await pipelines.CreateAsync("tickets", new PipelineInput
        {
            Label = "Typed " + Tag(), DisplayOrder = 9,
            Stages = [PipelineStageInput.TicketStage("New", 0, PipelineTicketState.Open), PipelineStageInput.TicketStage("Done", 1, PipelineTicketState.Closed)],
        });

        Assert.Equal([(0.3m, false), (1.0m, true)], created.Stages.Select(s => (s.Probability, s.IsClosed)).Select(t => (t.Probability!.Value, t.IsClosed!.Value)));
        Assert.Equal([PipelineTicketState.Open, PipelineTicketState.Closed], ticketPipeline.Stages.Select(s => s.TicketState));
        Assert.Throws<ArgumentOutOfRangeException>(() => PipelineStageInput.DealStage("Bad", 0, 1.5m));
    }

    [Fact]
    public async Task In_and_NotIn_take_any_sequence_of_strings_numbers_or_dates()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var tag = Tag();
        var day = new DateOnly(2020, 1, 1);
        var made = (await contacts.BatchCreateAsync(Enumerable.Range(0, 4).Select(i => new PropertyBag()
            .Set("email", $"{tag}-{i}@example.com").Set("company", tag).Set("firstname", $"Name{i}")
            .Set("annualrevenue", 100m * i).Set("date_of_birth", day.AddDays(i))))).EnsureAllSucceeded().Values;
        async Task<int[]> Find(CrmFilter filter)
        {
            var found = await contacts.SearchAsync(new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("company", tag), filter).Select("firstname")).ToListAsync();
            return [.. found.Select(f => made.ToList().FindIndex(m => m.Id == f.Id)).Order()];
        }

        List<string> names = ["NAME1", "Name3"];
        HashSet<long> revenues = [0, 200];
        IEnumerable<DateOnly> days = new[] { 2 }.Select(d => day.AddDays(d));
        IEnumerable<DateTime> dateTimes = [new DateTime(2020, 1, 2, 0, 0, 0, DateTimeKind.Unspecified)];

        Assert.Equal(new[] { 1, 3 }, await Find(CrmFilter.In("firstname", names)));
        Assert.Equal(new[] { 0, 2 }, await Find(CrmFilter.In("annualrevenue", revenues)));
        Assert.Equal(new[] { 1, 3 }, await Find(CrmFilter.NotIn("annualrevenue", revenues)));
        Assert.Equal(new[] { 2 }, await Find(CrmFilter.In("date_of_birth", days)));
        Assert.Equal(new[] { 0, 2, 3 }, await Find(CrmFilter.NotIn("date_of_birth", dateTimes)));
    }

    [Fact]
    public void DateTime_search_values_are_utc_epoch_milliseconds_whatever_their_kind()
    {
        var utc = new DateTime(2026, 2, 1, 8, 0, 0, DateTimeKind.Utc);
        var expected = new DateTimeOffset(utc).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, CrmFilter.Gte("createdate", utc).Value);
        Assert.Equal(expected, CrmFilter.Gte("createdate", DateTime.SpecifyKind(utc, DateTimeKind.Unspecified)).Value);
        Assert.Equal(expected, CrmFilter.Gte("createdate", utc.ToLocalTime()).Value);
        Assert.Equal(expected, CrmFilter.Gte("createdate", new DateTimeOffset(utc)).Value);
    }

    [Fact]
    public async Task A_datetime_filter_finds_records_by_their_create_time()
    {
        var contacts = fixture.Client.Crm.Contacts;
        var tag = Tag();
        var created = await contacts.CreateAsync(new PropertyBag().Set("email", $"{tag}@example.com").Set("company", tag));
        var createdAt = created.Properties.GetDateTime("createdate")!.Value.UtcDateTime;

        var atOrAfter = await contacts.SearchAsync(new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("company", tag), CrmFilter.Gte("createdate", createdAt))).ToListAsync();
        var before = await contacts.SearchAsync(new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("company", tag), CrmFilter.Lt("createdate", createdAt))).ToListAsync();

        Assert.Equal([created.Id], atOrAfter.Select(r => r.Id));
        Assert.Empty(before);
    }

    [Fact]
    public async Task Engagements_are_created_with_their_timestamp_and_associated_on_create()
    {
        var crm = fixture.Client.Crm;
        var contact = await crm.Contacts.CreateAsync(new PropertyBag().Set("email", $"{Tag()}@example.com"));
        var at = new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

        var note = await crm.Notes.CreateAsync(new CrmCreateInput(Engagements.Note(at, "Called back")).AssociateWith(contact.Id, AssociationTypes.NoteToContact));
        var task = await crm.Tasks.CreateAsync(new CrmCreateInput(Engagements.Task(at, "Send quote", "By Friday")).AssociateWith(contact.Id, AssociationTypes.TaskToContact));
        var call = await crm.Calls.CreateAsync(new CrmCreateInput(Engagements.Call(at, "Intro")).AssociateWith(contact.Id, AssociationTypes.CallToContact));
        var email = await crm.Emails.CreateAsync(new CrmCreateInput(Engagements.Email(at, "Hello")).AssociateWith(contact.Id, AssociationTypes.EmailToContact));
        var meeting = await crm.Meetings.CreateAsync(new CrmCreateInput(Engagements.Meeting(at, "Demo", at, at.AddHours(1)))
            .AssociateWith(contact.Id, AssociationTypes.MeetingToContact));

        var readNote = await crm.Notes.GetAsync(note.Id, new CrmReadOptions { Properties = [Engagements.Timestamp, Engagements.NoteBody] });
        Assert.Equal(at, readNote.Properties.GetDateTime(Engagements.Timestamp));
        Assert.Equal("Called back", readNote.Properties.GetString(Engagements.NoteBody));
        Assert.Equal("Send quote", (await crm.Tasks.GetAsync(task.Id, new CrmReadOptions { Properties = [Engagements.TaskSubject] })).Properties.GetString(Engagements.TaskSubject));
        var withContacts = new CrmReadOptions { Associations = ["contacts"] };
        foreach (var (client, id) in new[] { (crm.Notes, note.Id), (crm.Tasks, task.Id), (crm.Calls, call.Id), (crm.Emails, email.Id), (crm.Meetings, meeting.Id) })
        {
            Assert.Equal([contact.Id], (await client.GetAsync(id, withContacts)).Associations["contacts"]);
        }
    }

    [Fact]
    public void Engagement_builders_refuse_a_missing_required_text()
    {
        Assert.Throws<ArgumentException>(() => Engagements.Note(DateTimeOffset.UnixEpoch, " "));
        Assert.Throws<ArgumentException>(() => Engagements.Task(DateTimeOffset.UnixEpoch, ""));
    }

    [Fact]
    public async Task Object_type_ids_and_list_operator_constants_are_what_hubspot_accepts()
    {
        var tag = Tag();
        var contacts = fixture.Client.Crm.Objects(CrmObjectTypeIds.Contacts);
        var member = await contacts.CreateAsync(new PropertyBag().Set("email", $"{tag}-in@example.com"));
        await contacts.CreateAsync(new PropertyBag().Set("email", $"{tag}-out@other.example"));

        var list = await fixture.Client.Lists.CreateAsync(new ListCreate
        {
            Name = "Typed " + tag, ObjectTypeId = CrmObjectTypeIds.Contacts, ProcessingType = ListProcessingType.Dynamic,
            FilterBranch = ListFilterBranch.AnyOf(ListFilterBranch.AllOf(
                ListFilter.OnProperty("email", ListFilterOperation.String(ListFilterOperators.StartsWith, tag)),
                ListFilter.OnProperty("email", ListFilterOperation.String(ListFilterOperators.EndsWith, "@example.com")))),
        });

        var members = await fixture.Client.Lists.ListMembershipsAsync(list.ListId).ToListAsync();
        Assert.Equal([member.Id], members.Select(m => m.RecordId));
    }
}
