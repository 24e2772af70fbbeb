using System.Security.Cryptography;
using System.Text;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Tests.Infrastructure;
using Spoke.Emulator.Tests.Persistence;

namespace Spoke.Emulator.Tests.Seeding;

/// <summary>A demo seed that was stopped or killed part way finishes on the next start with the same flags, and ends
/// with exactly the records an uninterrupted seed makes.</summary>
public sealed class DemoSeedResumeTests : IDisposable
{
    // Two chunks of contacts (the seed commits 10,000 records at a time), so a stop can fall inside a type.
    private const int Size = 20_000;

    private readonly DataFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task A_seed_stopped_part_way_resumes_a_day_later_with_the_dates_of_its_start()
    {
        var first = new List<string>();
        using var stop = new CancellationTokenSource();
        var options = SeedOptions(_file.Path, DataFile.Start, Size, first);
        options.SeedProgress += line =>
        {
            if (line.Contains("10,000 of 20,000 contacts", StringComparison.Ordinal))
            {
                stop.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HubSpotEmulator.StartAsync(options, stop.Token));
        Assert.Contains("Demo seed stopped at 4,000 of 4,000 companies, 10,000 of 20,000 contacts, 0 of 16 products, 0 of 10,000 deals, "
            + "0 of 19,999 line_items, 0 of 5,000 tickets, 0 of 10,000 notes, 0 of 5,000 tasks, 0 of 2,000 projects; start again with the same flags to finish it.", first);

        var second = new List<string>();
        string resumed;
        await using (var emulator = await HubSpotEmulator.StartAsync(SeedOptions(_file.Path, DataFile.Start.AddDays(1).AddHours(3), Size, second)))
        {
            using var _ = emulator.Portal.Read();
            Assert.Equal(Complete20k, Counts(emulator.Portal));
            resumed = Digest(emulator.Portal);
        }

        Assert.Contains("Resuming demo seed: 4,000 of 4,000 companies, 10,000 of 20,000 contacts, 0 of 16 products, 0 of 10,000 deals, "
            + "0 of 19,999 line_items, 0 of 5,000 tickets, 0 of 10,000 notes, 0 of 5,000 tasks, 0 of 2,000 projects (seed value 7, dated as of 2026-01-15)...", second);
        Assert.Equal("Demo seed complete.", second[^1]);
        Assert.Equal(await UninterruptedDigest(DataFile.Start, Size), resumed);

        // Finished: a later start with the same flags keeps it as it is.
        var third = new List<string>();
        await using (var again = await HubSpotEmulator.StartAsync(SeedOptions(_file.Path, DataFile.Start.AddDays(2), Size, third)))
        {
            using var _ = again.Portal.Read();
            Assert.Equal(resumed, Digest(again.Portal));
        }

        Assert.Equal(["Not seeding: the portal already holds records (a finished demo seed or your own), which are kept."], third);
    }

    [Fact]
    public async Task Other_seed_flags_over_an_unfinished_seed_seed_nothing_and_say_which_flags_finish_it()
    {
        await StopAfterFirstContactChunk();
        var lines = new List<string>();
        var options = SeedOptions(_file.Path, DataFile.Start, Size, lines);
        options.SeedValue = 8;
        await using (var emulator = await HubSpotEmulator.StartAsync(options))
        {
            using var _ = emulator.Portal.Read();
            Assert.Equal([4_000, 10_000, 0, 0, 0, 0, 0, 0, 0], Counts(emulator.Portal));
        }

        var message = Assert.Single(lines);
        Assert.StartsWith("Not seeding: the portal holds an unfinished demo seed (4,000 of 4,000 companies, 10,000 of 20,000 contacts", message);
        Assert.Contains("start with --seed demo --seed-size 20000 --seed-value 7 to finish it", message);

        // Without --seed the emulator still says how to finish it.
        lines.Clear();
        await using (var plain = await HubSpotEmulator.StartAsync(SeedOptions(_file.Path, DataFile.Start, Size, lines, SeedKind.None)))
        {
        }

        Assert.Contains("--seed demo --seed-size 20000 --seed-value 7", Assert.Single(lines));
    }

    [Fact]
    public async Task An_unfinished_seed_that_records_were_written_to_since_is_not_resumed_and_the_records_are_kept()
    {
        await StopAfterFirstContactChunk();
        await using (var plain = await _file.StartAsync())
        using (var api = DataFile.ApiFor(plain))
        {
            (await api.Post("/crm/v3/objects/contacts", new { properties = new { email = "mine@example.com" } })).Expect(201);
        }

        var lines = new List<string>();
        await using (var emulator = await HubSpotEmulator.StartAsync(SeedOptions(_file.Path, DataFile.Start, Size, lines)))
        {
            using var _ = emulator.Portal.Read();
            Assert.Equal([4_000, 10_001, 0, 0, 0, 0, 0, 0, 0], Counts(emulator.Portal));
        }

        Assert.StartsWith("Not resuming the unfinished demo seed (", Assert.Single(lines));
    }

    [Fact]
    public async Task A_seed_killed_with_sigkill_resumes_on_restart_with_the_same_flags_and_equals_an_uninterrupted_seed()
    {
        const int size = 30_000;
        string[] args = ["emulator", "--data", _file.Path, "--port", "0", "--token", DataFile.Token, "--seed", "demo", "--seed-size", "30000", "--seed-value", "7"];
        using (var killed = await SpokeProcess.StartUntilAsync("10,000 of 30,000 contacts", args))
        {
            killed.Kill();
        }

        using (var restarted = await SpokeProcess.StartAsync(args))
        {
            Assert.Contains(restarted.Output, l => l.StartsWith("Resuming demo seed: 6,000 of 6,000 companies, ", StringComparison.Ordinal));
            Assert.Contains("Demo seed complete.", restarted.Output);
            using var api = new Api(restarted.BaseUri, DataFile.Token);
            (await api.Get("/crm/v3/objects/tickets?limit=1")).Expect(200);
        }

        await using var loaded = await _file.StartAsync();
        string digest;
        DateTimeOffset anchor;
        using (loaded.Portal.Read())
        {
            // Deals have one to three line items: 15,000 deals, 30,000 line items.
            Assert.Equal([size / 5, size, 16, size / 2, size, size / 4, size / 2, size / 4, size / 10], Counts(loaded.Portal));
            Assert.True(loaded.Portal.DemoSeed!.Complete);
            anchor = loaded.Portal.DemoSeed.Anchor;
            digest = Digest(loaded.Portal);
        }

        Assert.Equal(await UninterruptedDigest(anchor.AddHours(12), size), digest);
    }

    [Fact]
    public async Task A_seed_stopped_among_the_line_items_resumes_with_the_records_and_associations_of_an_uninterrupted_seed()
    {
        // Line items refer to deals and products seeded before the stop: the resume finds them again.
        await StopAt("10,000 of 19,999 line_items");
        var lines = new List<string>();
        string resumed;
        await using (var emulator = await HubSpotEmulator.StartAsync(SeedOptions(_file.Path, DataFile.Start.AddDays(1), Size, lines)))
        {
            using var _ = emulator.Portal.Read();
            Assert.Equal(Complete20k, Counts(emulator.Portal));
            resumed = Digest(emulator.Portal);
        }

        Assert.Contains(lines, l => l.StartsWith("Resuming demo seed: ", StringComparison.Ordinal) && l.Contains("10,000 of 10,000 deals, 10,000 of 19,999 line_items, 0 of 5,000 tickets", StringComparison.Ordinal));
        Assert.Equal(await UninterruptedDigest(DataFile.Start, Size), resumed);
    }

    [Fact]
    public async Task An_unfinished_seed_an_older_emulator_made_is_not_resumed_and_its_records_are_kept()
    {
        await StopAfterFirstContactChunk();
        await using (var older = await _file.StartAsync())
        {
            // What a file from before the seed had versions holds: no version.
            using var _ = older.Portal.Write();
            older.Portal.DemoSeed!.Version = 0;
            older.Portal.MarkDemoSeedProgressChanged();
        }

        var lines = new List<string>();
        await using (var emulator = await HubSpotEmulator.StartAsync(SeedOptions(_file.Path, DataFile.Start, Size, lines)))
        {
            using var _ = emulator.Portal.Read();
            Assert.Equal([4_000, 10_000, 0, 0, 0, 0, 0, 0, 0], Counts(emulator.Portal));
        }

        Assert.StartsWith("Not resuming the unfinished demo seed (4,000 of 4,000 companies, 10,000 of 20,000 contacts", Assert.Single(lines));
        Assert.Contains("an older version of the emulator made it", lines[0]);
    }

    private Task StopAfterFirstContactChunk() => StopAt("10,000 of 20,000 contacts");

    private async Task StopAt(string progressLine)
    {
        using var stop = new CancellationTokenSource();
        var options = SeedOptions(_file.Path, DataFile.Start, Size, []);
        options.SeedProgress += line =>
        {
            if (line.Contains(progressLine, StringComparison.Ordinal))
            {
                stop.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HubSpotEmulator.StartAsync(options, stop.Token));
    }

    private static HubSpotEmulatorOptions SeedOptions(string? dataFile, DateTimeOffset now, int size, List<string> lines, SeedKind seed = SeedKind.Demo)
    {
        var options = new HubSpotEmulatorOptions
        {
            DataFile = dataFile, Seed = seed, SeedSize = size, SeedValue = 7, Clock = EmulatorClock.FrozenAt(now),
        };
        options.SeedProgress = line =>
        {
            if (!line.StartsWith("  ", StringComparison.Ordinal))
            {
                lines.Add(line);
            }
        };
        options.Tokens.Add(DataFile.Token);
        return options;
    }

    private static async Task<string> UninterruptedDigest(DateTimeOffset now, int size)
    {
        await using var whole = await HubSpotEmulator.StartAsync(SeedOptions(null, now, size, []));
        using var _ = whole.Portal.Read();
        return Digest(whole.Portal);
    }

    /// <summary>What a whole seed of <see cref="Size"/> holds, in seeding order (see <see cref="Counts"/>).</summary>
    private static readonly int[] Complete20k = [4_000, 20_000, 16, 10_000, 19_999, 5_000, 10_000, 5_000, 2_000];

    /// <summary>Records of each type the seed makes, in seeding order (the custom object counts 0 before its schema exists).</summary>
    private static int[] Counts(PortalState portal) =>
        [.. new[] { "companies", "contacts", "products", "deals", "line_items", "tickets", "notes", "tasks", "p_projects" }
            .Select(t => portal.FindType(t) is { } type ? portal.Store(type).Count : 0)];

    /// <summary>SHA-256 of every record (type, id, created time, and each property with its value and timestamp),
    /// every custom object schema and every stored direction of every association.</summary>
    private static string Digest(PortalState portal)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        foreach (var store in portal.Stores.Values.OrderBy(s => s.Type.TypeId, StringComparer.Ordinal))
        {
            foreach (var record in store.All())
            {
                line.Clear().Append(store.Type.TypeId).Append(' ').Append(record.Id).Append(' ').Append(record.CreatedAt.UtcTicks).Append('\n');
                foreach (var (name, value) in record.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    line.Append(name).Append('=').Append(value.Value).Append('@').Append(value.Timestamp.UtcTicks).Append('\n');
                }

                hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
            }
        }

        foreach (var schema in portal.Schemas)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{schema.ObjectTypeId} {schema.Name} {schema.CreatedAt.UtcTicks} {string.Join(",", schema.Associations.Select(a => a.Id + ">" + a.ToObjectTypeId))}\n"));
        }

        foreach (var edge in portal.Associations.Edges().Select(e => e.ToString()).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(edge + "\n"));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
