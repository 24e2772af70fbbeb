using Microsoft.Extensions.Time.Testing;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Engine;

/// <summary>Object types synced at once (<see cref="SyncOptions.MaxConcurrentTypes"/>), and the progress they report.</summary>
public sealed class ConcurrentTypesTests() : EmulatorMirrorTests("sync-concurrent")
{
    private static readonly string[] Types = ["contacts", "companies", "deals"];

    private SyncEngine Engine(ISyncStore store, int concurrency)
    {
        var options = new SyncOptions { MaxConcurrentTypes = concurrency };
        foreach (var type in Types)
        {
            options.ObjectTypes.Add(type);
        }

        return new SyncEngine(Client, store, options, Emulator.Clock);
    }

    private async Task SeedAsync()
    {
        var companies = (await Client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, 30)
            .Select(i => new PropertyBag().Set("name", $"Company {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        var contacts = (await Client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 250)
            .Select(i => new PropertyBag().Set("email", $"p{i}@example.com")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        var deals = (await Client.Crm.Deals.BatchCreateAsync(Enumerable.Range(0, 120)
            .Select(i => new PropertyBag().Set("dealname", $"Deal {i}").Set("pipeline", "default").Set("dealstage", "appointmentscheduled")))).EnsureAllSucceeded().Values.Select(d => d.Id).ToList();
        (await Client.Associations.BatchCreateDefaultAsync("contacts", "companies",
            contacts.Select((id, i) => new AssociationPair(id, companies[i % companies.Count])))).EnsureAllSucceeded();
        (await Client.Associations.BatchCreateDefaultAsync("deals", "contacts",
            deals.Select((id, i) => new AssociationPair(id, contacts[i % contacts.Count])))).EnsureAllSucceeded();
    }

    /// <summary>Each type's reports in the order they came, from whichever thread.</summary>
    private sealed class Recorder : IProgress<SyncProgress>
    {
        public List<SyncProgress> Reports { get; } = [];

        public void Report(SyncProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }

        public int DoneIndex(string type) => Reports.FindIndex(r => r.ObjectType == type && r.Phase == "done");
    }

    [Fact]
    public async Task Three_types_at_once_give_the_same_mirror_as_one_at_a_time_in_the_types_order()
    {
        await SeedAsync();
        // Contacts pages are slow: one type at a time finishes contacts first; three at once finish companies first.
        Emulator.Faults.Add(new FaultRule { Route = "GET /crm/objects/*/contacts", Kind = FaultKind.Latency, LatencyMs = 300 });
        using var second = new TempInboxDirectory("sync-concurrent-2");
        await using var concurrentStore = await SqliteSyncStore.OpenAsync(second.File("mirror.db"));

        var sequentialProgress = new Recorder();
        var sequential = await Engine(Store, 1).RunAsync(sequentialProgress);
        var concurrentProgress = new Recorder();
        var concurrent = await Engine(concurrentStore, 3).RunAsync(concurrentProgress);

        Assert.True(sequential.Succeeded && concurrent.Succeeded);
        Assert.Equal(Types, concurrent.Types.Select(t => t.ObjectType));
        Assert.True(sequentialProgress.DoneIndex("contacts") < sequentialProgress.DoneIndex("companies"));
        Assert.True(concurrentProgress.DoneIndex("companies") < concurrentProgress.DoneIndex("contacts"), "companies finished while contacts still ran");
        Assert.Equal(sequential.Types.Select(t => (t.Records, t.Associations)), concurrent.Types.Select(t => (t.Records, t.Associations)));
        await MirrorAssert.EqualToPortalAsync(Client, Store, Emulator.PortalId, Types);
        await MirrorAssert.EqualToPortalAsync(Client, concurrentStore, Emulator.PortalId, Types);
    }

    [Fact]
    public async Task A_type_that_fails_does_not_stop_the_types_running_beside_it()
    {
        await SeedAsync();
        // A type HubSpot does not know fails (400/404 on its definitions) while contacts and deals run beside it.
        var options = new SyncOptions { MaxConcurrentTypes = 3 };
        foreach (var type in new[] { "contacts", "no_such_type", "deals" })
        {
            options.ObjectTypes.Add(type);
        }

        var run = await new SyncEngine(Client, Store, options, Emulator.Clock).RunAsync();

        Assert.False(run.Succeeded);
        // Reported in the run's order: the standard types in their fixed order, then the others as asked.
        Assert.Equal(["contacts", "deals", "no_such_type"], run.Types.Select(t => t.ObjectType));
        Assert.Null(run.Types[0].Error);
        Assert.Null(run.Types[1].Error);
        Assert.NotNull(run.Types[2].Error);
        Assert.Equal(250, (await Store.CountAsync(Emulator.PortalId, "contacts")).Live);
        Assert.Equal(120, (await Store.CountAsync(Emulator.PortalId, "deals")).Live);
    }

    [Fact]
    public async Task The_backfill_reports_the_total_what_it_read_and_the_budget_and_ends_done()
    {
        await SeedAsync();
        var progress = new Recorder();

        await Engine(Store, 3).RunAsync(progress);

        var contacts = progress.Reports.Where(r => r.ObjectType == "contacts").ToList();
        Assert.All(contacts.Where(r => r.Phase == "backfill"), r => Assert.Equal(250, r.Total));
        Assert.Equal([0L, 100L, 200L, 250L], contacts.Where(r => r.Phase == "backfill").Select(r => r.RecordsRead));
        Assert.All(contacts.Where(r => r.Phase == "backfill"), r => Assert.False(r.BackfillDone));
        Assert.All(contacts, r => Assert.InRange(r.BudgetUsed!.Value, 0, 1));
        var done = contacts.Last();
        Assert.Equal(("done", true, TimeSpan.Zero), (done.Phase, done.BackfillDone, done.EstimatedRemaining));
    }

    [Fact]
    public void The_tracker_computes_rate_and_eta_from_the_clock_counting_a_resumed_backfills_records_as_done()
    {
        var time = new FakeTimeProvider();
        var tracker = new SyncProgressTracker("contacts", time, () => 0.5) { Total = 2_000, AlreadyDone = 500 };

        time.Advance(TimeSpan.FromSeconds(10));
        tracker.Read(500);
        var report = tracker.Snapshot("backfill", 480, 12);

        Assert.Equal((480L, 12L, 2_000L, 500L), (report.Records, report.ApiCalls, report.Total!.Value, report.RecordsRead));
        Assert.Equal(TimeSpan.FromSeconds(10), report.Elapsed);
        Assert.Equal(50, report.RecordsPerSecond);
        Assert.Equal(0.5, report.BudgetUsed);
        Assert.Equal(TimeSpan.FromSeconds(20), report.EstimatedRemaining); // 1,000 left at 50/s
        Assert.False(report.BackfillDone);

        tracker.BackfillDone = true;
        Assert.Equal(TimeSpan.Zero, tracker.Snapshot("incremental", 480, 13).EstimatedRemaining);
    }

    [Fact]
    public async Task A_cancelled_run_stops_the_types_in_flight_logs_the_run_cancelled_and_the_next_run_completes_the_mirror()
    {
        await SeedAsync();
        Emulator.Faults.Add(new FaultRule { Route = "GET /crm/objects/*/contacts", Kind = FaultKind.Latency, LatencyMs = 200 });
        using var cancel = new CancellationTokenSource();
        var progress = new Recorder();
        var cancelling = new CancelOnFirstPage(progress, cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Engine(Store, 3).RunAsync(cancelling, cancel.Token));

        Assert.DoesNotContain(progress.Reports, r => r.ObjectType == "contacts" && r.Phase == "done");
        Assert.Equal(SyncRunStatus.Cancelled, (await Store.GetRecentRunsAsync(Emulator.PortalId, 1)).Single().Status);
        var rerun = await Engine(Store, 3).RunAsync();
        Assert.True(rerun.Succeeded, string.Join("; ", rerun.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
        await MirrorAssert.EqualToPortalAsync(Client, Store, Emulator.PortalId, Types);
    }

    /// <summary>Cancels the run when contacts reports its first page.</summary>
    private sealed class CancelOnFirstPage(Recorder inner, CancellationTokenSource cancel) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            inner.Report(value);
            if (value.ObjectType == "contacts" && value.RecordsRead > 0)
            {
                cancel.Cancel();
            }
        }
    }

    [Fact]
    public void A_concurrency_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyncEngine(Client, Store, new SyncOptions { MaxConcurrentTypes = 0 }));
    }
}
