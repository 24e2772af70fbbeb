using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Spoke;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;

// The sync benchmark: a full sync of contacts, companies and deals with their associations from an in-process emulator
// at the Professional tier (190 requests per 10 s, search 5/s), then an incremental pass after random changes, into
// SQLite and into PostgreSQL. The sync runs in a child process (this program with --child), so its peak memory is its
// own and not the emulator's. Everything stays on 127.0.0.1 and every loop is bounded.
//
//   dotnet run -c Release --project bench/Spoke.Sync.Bench -- [--quick] [--scale 1] [--databases sqlite,postgres]
//   dotnet run -c Release --project bench/Spoke.Sync.Bench -- --freshness [--quick]   (the --watch freshness benchmark)
//   dotnet run -c Release --project bench/Spoke.Sync.Bench -- --push                  (push throughput and --watch --push latency)
if (args.Contains("--child"))
{
    return await SyncChild.RunAsync(args);
}

if (args.Contains("--push"))
{
    return await PushBench.RunAsync(args); // bench/Spoke.Sync.Bench/PushBench.cs
}

if (args.Contains("--freshness"))
{
    return await FreshnessBench.RunAsync(args); // watch freshness: bench/Spoke.Sync.Bench/Freshness.cs
}

var quick = args.Contains("--quick");
var scale = double.Parse(Arg("--scale", quick ? "0.05" : "1"), CultureInfo.InvariantCulture);
var contacts = (int)(100_000 * scale);
var companies = (int)(20_000 * scale);
var deals = (int)(50_000 * scale);
var changes = int.Parse(Arg("--changes", "1000"), CultureInfo.InvariantCulture);
var databases = Arg("--databases", "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var childCap = TimeSpan.FromMinutes(double.Parse(Arg("--timeout-minutes", quick ? "5" : "30"), CultureInfo.InvariantCulture));
const int PerTenSeconds = 190;
var reserveText = Arg("--reserve", "5%");
var reserve = reserveText.EndsWith('%') ? double.Parse(reserveText[..^1], CultureInfo.InvariantCulture) / 100 : double.Parse(reserveText, CultureInfo.InvariantCulture);
var maxConcurrentTypes = int.Parse(Arg("--max-concurrent-types", "3"), CultureInfo.InvariantCulture);

Console.WriteLine($"Spoke sync benchmark — {contacts:N0} contacts, {companies:N0} companies, {deals:N0} deals at --rate-limits professional ({PerTenSeconds} requests/10 s, search 5/s)");
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}; databases {string.Join(", ", databases)}; then {changes:N0} random changes and an incremental pass");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sync: reserve {reserve:P1} of the 10-s budget left to other apps, up to {maxConcurrentTypes} types at once"));

// The seed is written a day in the past (the emulator's clock runs a day behind until seeding is done), so the data is
// older than the engine's lookback, as a real portal's is; the clock then jumps to the present.
var clock = new EmulatorClock(new ShiftedTime(TimeSpan.FromDays(-1)));
await using var emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Port = 0, Clock = clock });
var seedWatch = Stopwatch.StartNew();
var ids = await SeedAsync();
clock.Advance(TimeSpan.FromDays(1));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded with rate limits off in {seedWatch.Elapsed.TotalSeconds:F1} s"));

await using var postgres = databases.Contains("postgres") ? await PostgresServer.StartAsync() : null;
var targets = new Dictionary<string, string>();
var scratch = Directory.CreateTempSubdirectory("spoke-syncbench-");
try
{
    foreach (var db in databases)
    {
        targets[db] = db switch
        {
            "sqlite" => "sqlite:" + Path.Combine(scratch.FullName, "mirror.db"),
            "postgres" => "postgres:" + await postgres!.CreateDatabaseAsync(),
            _ => throw new ArgumentException($"unknown database '{db}' (sqlite, postgres)"),
        };
    }

    var outcomes = new List<(string Db, string Pass, ChildOutcome Outcome)>();
    foreach (var db in databases)
    {
        outcomes.Add((db, "full", await RunSyncAsync(db, "full")));
    }

    // Changes are made with the limits off (another app on the portal), then the tier comes back with a fresh window.
    emulator.RateLimits = Spoke.Emulator.RateLimitTier.Off;
    await ChangeAsync();
    foreach (var db in databases)
    {
        outcomes.Add((db, "incremental", await RunSyncAsync(db, "incremental")));
    }

    Console.WriteLine();
    Console.WriteLine("database  pass          wall s  sync s  records  edges    rec/s  calls  calls/1k rec  budget (run)  budget (backfill)  of usable  search/s  429s (emu/client)  peak RSS MiB  peak GC heap MiB");
    foreach (var (db, pass, o) in outcomes)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{db,-9} {pass,-12} {o.WallSeconds,7:F1} {o.SyncSeconds,7:F2} {o.Records,8:N0} {o.Associations,7:N0} {o.Records / Math.Max(o.SyncSeconds, 0.001),8:N0} {o.Calls,6:N0} {o.CallsPerThousand,13:F2} {o.BudgetShare,13:P1} {(o.BackfillBudgetShare is { } b ? b.ToString("P1", CultureInfo.InvariantCulture) : "n/a"),18} {(o.BackfillBudgetShare is { } u ? (u / o.UsableShare).ToString("P1", CultureInfo.InvariantCulture) : "n/a"),10} {o.SearchPerSecond,9:F2} {o.EmulatorRejections,9}/{o.ClientTooMany,-8} {o.PeakRssMiB,13:F0} {o.PeakGcHeapMiB,17:F0}"));
    }

    Console.WriteLine();
    foreach (var (db, pass, o) in outcomes)
    {
        Console.WriteLine($"{db} {pass} calls by kind: {string.Join(", ", o.ByKind.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value:N0}"))}");
        Console.WriteLine($"{db} {pass} RSS MiB over the run: {string.Join(" → ", o.RssSamples.Select(s => s.ToString("F0", CultureInfo.InvariantCulture)))}");
    }

    Console.WriteLine();
    foreach (var db in databases)
    {
        var full = outcomes.First(x => x.Db == db && x.Pass == "full").Outcome;
        var incremental = outcomes.First(x => x.Db == db && x.Pass == "incremental").Outcome;
        Console.WriteLine($"{db} targets: backfill budget ≥ 90% with zero 429s: {Verdict(full.BackfillBudgetShare >= 0.9 && full.EmulatorRejections == 0 && full.ClientTooMany == 0)}; " +
            $"≤ 15 calls per 1,000 records: {Verdict(full.CallsPerThousand <= 15)}; incremental after {changes:N0} changes under 5 s: {Verdict(incremental.SyncSeconds < 5)}; " +
            $"every record mirrored: {Verdict(full.Records == contacts + companies + deals)}");
    }

    Console.WriteLine("memory flat in the number of records: compare peak RSS of --quick (1/20) with the full size; the samples above show it within a run");
    return 0;
}
finally
{
    scratch.Delete(recursive: true);
}

async Task<ChildOutcome> RunSyncAsync(string db, string pass)
{
    // Switching the tier clears the limiter's usage: each sync starts from an empty window, as a nightly job would.
    emulator.RateLimits = Spoke.Emulator.RateLimitTier.Professional;
    var rejectedBefore = emulator.RateLimitRejections;
    Console.WriteLine();
    Console.WriteLine($"== {db} {pass}");
    var outcome = await SyncChild.StartAsync(emulator.BaseUri, emulator.Token, targets[db], childCap, reserve, maxConcurrentTypes);
    outcome.EmulatorRejections = emulator.RateLimitRejections - rejectedBefore;
    Console.WriteLine(outcome.Summary);
    return outcome;
}

async Task<SeededIds> SeedAsync()
{
    var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token, MaxBatchConcurrency = 4 });
    var random = new Random(11);
    var companyIds = await CreateAsync(client, "companies", Enumerable.Range(0, companies).Select(i =>
        new CrmCreateInput(new PropertyBag().Set("name", $"Company {i}").Set("domain", $"c{i}.bench.example"))));
    // Each contact belongs to one company; each deal to a contact and that contact's company.
    var contactCompany = new int[contacts];
    var contactIds = await CreateAsync(client, "contacts", Enumerable.Range(0, contacts).Select(i =>
    {
        contactCompany[i] = random.Next(companyIds.Length);
        return new CrmCreateInput(new PropertyBag().Set("email", $"p{i}@bench.example").Set("firstname", $"F{i}").Set("lastname", $"L{i}"))
            .AssociateWith(companyIds[contactCompany[i]], AssociationTypes.ContactToCompany);
    }));
    var dealIds = await CreateAsync(client, "deals", Enumerable.Range(0, deals).Select(i =>
    {
        var contact = random.Next(contactIds.Length);
        return new CrmCreateInput(new PropertyBag().Set("dealname", $"Deal {i}").Set("amount", (i % 997 * 10).ToString(CultureInfo.InvariantCulture))
                .Set("pipeline", "default").Set("dealstage", "appointmentscheduled"))
            .AssociateWith(contactIds[contact], AssociationTypes.DealToContact)
            .AssociateWith(companyIds[contactCompany[contact]], AssociationTypes.DealToCompany);
    }));
    return new SeededIds(contactIds, companyIds, dealIds);
}

static async Task<string[]> CreateAsync(HubSpotClient client, string type, IEnumerable<CrmCreateInput> inputs)
{
    var result = await client.Crm.Objects(type).BatchCreateAsync(inputs);
    if (result.Failed.Count > 0)
    {
        throw new InvalidOperationException($"seeding {type}: {result.Failed.Count} failed, first: {result.Failed[0].Message}");
    }

    return [.. result.Succeeded.OrderBy(r => r.InputIndex).Select(r => r.Value.Id)];
}

async Task ChangeAsync()
{
    // Random records of the three types (in proportion to their counts), one property each.
    var client = new HubSpotClient(new HubSpotClientOptions { BaseUri = emulator.BaseUri, AccessToken = emulator.Token });
    var random = new Random(7);
    var total = ids.Contacts.Length + ids.Companies.Length + ids.Deals.Length;
    var picked = new HashSet<int>();
    while (picked.Count < Math.Min(changes, total))
    {
        picked.Add(random.Next(total));
    }

    var stamp = DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture);
    var byType = picked.Select(i => i < ids.Contacts.Length ? ("contacts", ids.Contacts[i], "firstname")
            : i < ids.Contacts.Length + ids.Companies.Length ? ("companies", ids.Companies[i - ids.Contacts.Length], "name")
            : ("deals", ids.Deals[i - ids.Contacts.Length - ids.Companies.Length], "dealname"))
        .GroupBy(x => x.Item1);
    foreach (var group in byType)
    {
        var result = await client.Crm.Objects(group.Key).BatchUpdateAsync([.. group.Select(x => (x.Item2, new PropertyBag().Set(x.Item3, $"changed {stamp}")))]);
        if (result.Failed.Count > 0)
        {
            throw new InvalidOperationException($"changing {group.Key}: {result.Failed[0].Message}");
        }
    }

    Console.WriteLine();
    Console.WriteLine($"changed {picked.Count:N0} random records ({string.Join(", ", byType.Select(g => $"{g.Count()} {g.Key}"))})");
}

static string Verdict(bool met) => met ? "met" : "MISSED";

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

internal sealed record SeededIds(string[] Contacts, string[] Companies, string[] Deals);

/// <summary>The system clock shifted by a fixed amount (the emulator's clock follows it).</summary>
internal sealed class ShiftedTime(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}

/// <summary>A throwaway PostgreSQL (as scripts/test.sh starts one), or the server SPOKE_TEST_POSTGRES names.</summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string? _dataDir;
    private readonly string? _bin;
    private readonly List<string> _databases = [];

    private PostgresServer(string admin, string? dataDir, string? bin)
    {
        _admin = admin;
        _dataDir = dataDir;
        _bin = bin;
    }

    public static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("SPOKE_TEST_POSTGRES") is { Length: > 0 } given)
        {
            return new PostgresServer(given, null, null);
        }

        var bin = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault() : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is needed for --databases postgres: apt-get install -y postgresql, or set SPOKE_TEST_POSTGRES");
        }

        var data = Directory.CreateTempSubdirectory("spoke-syncbench-pg-").FullName;
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres", data]);
        }

        var port = FreePort();
        await RunPgAsync(bin, asRoot, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
        await RunPgAsync(bin, asRoot, "pg_ctl", ["-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-o",
            $"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"]);
        Console.WriteLine($"throwaway PostgreSQL on 127.0.0.1:{port} (fsync on, the server's defaults)");
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", data, bin);
    }

    public async Task<string> CreateDatabaseAsync()
    {
        var name = "spoke_syncbench_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(_admin) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDir is not null)
        {
            await RunPgAsync(_bin!, Environment.UserName == "root", "pg_ctl", ["-D", _dataDir, "-m", "immediate", "-w", "stop"]);
            Directory.Delete(_dataDir, recursive: true);
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static Task RunPgAsync(string bin, bool asRoot, string tool, string[] arguments) =>
        asRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. arguments]) : RunAsync(Path.Combine(bin, tool), arguments);

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cap = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(cap.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What one sync child reported.</summary>
internal sealed class ChildOutcome
{
    public double WallSeconds { get; set; }
    public double SyncSeconds { get; set; }
    public long Records { get; set; }
    public long Associations { get; set; }
    public long Calls { get; set; }
    public long GeneralCalls { get; set; }
    public long SearchCalls { get; set; }
    public long ClientTooMany { get; set; }
    public long EmulatorRejections { get; set; }
    public double? BackfillBudgetShare { get; set; }
    public double Reserve { get; set; }

    /// <summary>The share of the budget the reserve leaves this sync (190 less the reserved slots, over 190).</summary>
    public double UsableShare { get; set; } = 1;
    public double BackfillSeconds { get; set; }
    public long BackfillCalls { get; set; }
    public double PeakRssMiB { get; set; }
    public double PeakGcHeapMiB { get; set; }
    public List<double> RssSamples { get; set; } = [];
    public Dictionary<string, long> ByKind { get; set; } = [];
    public List<string> Types { get; set; } = [];
    public bool Succeeded { get; set; }

    public double CallsPerThousand => Records == 0 ? 0 : Calls * 1000.0 / Records;

    public double BudgetShare => SyncSeconds == 0 ? 0 : GeneralCalls / SyncSeconds / 19.0;

    public double SearchPerSecond => SyncSeconds == 0 ? 0 : SearchCalls / SyncSeconds;

    public string Summary => string.Join(Environment.NewLine, Types) + Environment.NewLine + string.Create(CultureInfo.InvariantCulture,
        $"sync {SyncSeconds:F2} s (process {WallSeconds:F1} s), {Records:N0} records, {Associations:N0} edges, {Calls:N0} calls ({GeneralCalls:N0} general, {SearchCalls:N0} search), " +
        $"backfill {BackfillCalls:N0} calls in {BackfillSeconds:F1} s, 429s emulator {EmulatorRejections} client {ClientTooMany}, peak RSS {PeakRssMiB:F0} MiB, peak GC heap {PeakGcHeapMiB:F0} MiB{(Succeeded ? "" : " — FAILED")}");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(ChildOutcome))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
