using System.Collections.Concurrent;
using System.Net.Http;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Persistence;

/// <summary>
/// The real <c>spoke emulator --data</c> killed with SIGKILL while clients write: every write it acknowledged is
/// there when it comes back, records and associations alike.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const int Cycles = 3;
    private const int AcknowledgementsBeforeKill = 40;

    private readonly DataFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task EveryAcknowledgedWriteSurvivesKillDashNine()
    {
        var acknowledged = new ConcurrentDictionary<string, string>(); // id -> email
        var associated = new ConcurrentDictionary<string, string>(); // contact id -> company id
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            using var emulator = await SpokeProcess.StartAsync("emulator", "--data", _file.Path, "--port", "0", "--token", DataFile.Token);
            using var api = new Api(emulator.BaseUri, DataFile.Token);
            await AssertAllPresent(api, acknowledged);
            await AssertAllAssociated(api, associated);
            var company = (string)(await api.Post("/crm/v3/objects/companies", new { properties = new { name = $"Crash {cycle}" } })).Expect(201)["id"]!;

            var acksThisCycle = 0;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Acknowledged()
            {
                if (Interlocked.Increment(ref acksThisCycle) >= AcknowledgementsBeforeKill)
                {
                    enough.TrySetResult();
                }
            }

            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    try
                    {
                        if (n % 3 == 1 && acknowledged.Keys.FirstOrDefault(id => !associated.ContainsKey(id)) is { } contact)
                        {
                            var reply = await api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}", null);
                            if (reply.Code == 200)
                            {
                                associated[contact] = company;
                                Acknowledged();
                            }
                        }
                        else if (n % 3 == 2)
                        {
                            var inputs = Enumerable.Range(0, 10).Select(i => new { properties = new { email = $"c{cycle}-w{worker}-n{n}-b{i}@example.com" } });
                            var reply = await api.Post("/crm/v3/objects/contacts/batch/create", new { inputs });
                            if (reply.Code == 201)
                            {
                                foreach (var r in reply["results"].AsArray())
                                {
                                    acknowledged[(string)r!["id"]!] = (string)r["properties"]!["email"]!;
                                }

                                Acknowledged();
                            }
                        }
                        else
                        {
                            var email = $"c{cycle}-w{worker}-n{n}@example.com";
                            var reply = await api.Post("/crm/v3/objects/contacts", new { properties = new { email } });
                            if (reply.Code == 201)
                            {
                                acknowledged[(string)reply["id"]!] = email;
                                Acknowledged();
                            }
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the emulator is gone: this write was never acknowledged
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToList();

            await Task.WhenAny(enough.Task, Task.WhenAll(writers)).WaitAsync(TimeSpan.FromSeconds(90));

            // SIGKILL while the writers are still sending: no shutdown, no flush.
            emulator.Kill();
            stop.Cancel();
            await Task.WhenAll(writers);
            Assert.True(acksThisCycle >= AcknowledgementsBeforeKill, $"only {acksThisCycle} writes acknowledged in cycle {cycle}");
        }

        using (var last = await SpokeProcess.StartAsync("emulator", "--data", _file.Path, "--port", "0", "--token", DataFile.Token))
        using (var api = new Api(last.BaseUri, DataFile.Token))
        {
            await AssertAllPresent(api, acknowledged);
            await AssertAllAssociated(api, associated);
            Assert.True(associated.Count >= Cycles, $"only {associated.Count} associations acknowledged");
            last.Kill();
        }
    }

    private static async Task AssertAllAssociated(Api api, ConcurrentDictionary<string, string> associated)
    {
        foreach (var chunk in associated.Chunk(100))
        {
            var read = (await api.Post("/crm/v4/associations/contacts/companies/batch/read", new { inputs = chunk.Select(kv => new { id = kv.Key }) })).Expect(200);
            var found = read["results"].AsArray().ToDictionary(
                r => (string)r!["from"]!["id"]!,
                r => r!["to"]!.AsArray().Select(t => t!["toObjectId"]!.ToString()).ToHashSet());
            foreach (var (contact, company) in chunk)
            {
                Assert.True(found.TryGetValue(contact, out var companies) && companies.Contains(company),
                    $"acknowledged association of contact {contact} with company {company} was lost");
            }
        }
    }

    private static async Task AssertAllPresent(Api api, ConcurrentDictionary<string, string> acknowledged)
    {
        foreach (var chunk in acknowledged.Chunk(100))
        {
            var read = (await api.Post("/crm/v3/objects/contacts/batch/read", new { inputs = chunk.Select(kv => new { id = kv.Key }), properties = new[] { "email" } })).Expect(200);
            var found = read["results"].AsArray().ToDictionary(r => (string)r!["id"]!, r => (string)r!["properties"]!["email"]!);
            foreach (var (id, email) in chunk)
            {
                Assert.True(found.TryGetValue(id, out var stored), $"acknowledged contact {id} ({email}) was lost");
                Assert.Equal(email, stored);
            }
        }
    }
}
