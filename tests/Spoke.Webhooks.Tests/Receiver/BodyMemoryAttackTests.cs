using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Receiver;
using Spoke.Webhooks.Signatures;
using Spoke.Webhooks.Tests.Infrastructure;
using Xunit.Abstractions;
using static Spoke.Webhooks.Tests.Infrastructure.WebhookSender;

namespace Spoke.Webhooks.Tests.Receiver;

/// <summary>Measures the managed heap, so nothing else in this process may allocate meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "receiver memory";
}

/// <summary>
/// The attack from the hardening issue: many connections that each declare a full-size body (24 MiB) and send all of
/// it but the last byte, then hold. Before the fix every one of them buffered its body (about 32 MiB each, 1.3 GB for
/// 40). Now a request that can never verify is refused before its body is read, and the bodies that may verify share
/// one budget (<see cref="HubSpotWebhookOptions.MaxBodyBytesInFlight"/>); signed requests still get through.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class BodyMemoryAttackTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Connections = 40;
    private const int DeclaredLength = HubSpotWebhookOptions.DefaultMaxBodyBytes;

    // Generous: twice the default budget (96 MiB) plus room for the server's own buffers, against ~1.3 GB unbounded.
    private const long MemoryBound = (8L * DeclaredLength) + (64L * 1024 * 1024);

    private static readonly byte[] Filler = Enumerable.Repeat((byte)'x', 64 * 1024).ToArray();

    private readonly TempInboxDirectory _directory = new("attack");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Unsigned_bodies_are_refused_unread_and_signed_requests_go_through_meanwhile()
    {
        await using var host = await ReceiverHost.StartAsync(new SqliteWebhookInboxStore(_directory.File("inbox.db")), _time, configure: o => o.RunDispatcher = false);
        var result = await AttackAsync(host, headers: "");

        Assert.Equal(0, result.Held); // each was answered 401 and dropped before its body was read
        Assert.Equal(0, result.PeakBudgetInUse);
        Assert.True(result.GrowthWhileHeld < MemoryBound, $"heap grew by {result.GrowthWhileHeld:N0} bytes under the attack");
        Assert.Equal(HttpStatusCode.OK, result.SignedDuringAttack);
        Assert.Equal(HttpStatusCode.OK, result.SignedAfterAttack);
        Assert.Equal(3, (await host.Inbox.CountAsync()).Pending); // the warm-up and both signed requests
    }

    [Fact]
    public async Task Forged_but_well_formed_v3_headers_share_one_budget_and_the_rest_get_503()
    {
        await using var host = await ReceiverHost.StartAsync(new SqliteWebhookInboxStore(_directory.File("inbox.db")), _time, configure: o => o.RunDispatcher = false);
        // Headers that pass every check that does not need the body: only the body's MAC can tell they are forged.
        var forged = $"{HubSpotSignatureRequest.SignatureV3Header}: {Convert.ToBase64String(new byte[32])}\r\n" +
            $"{HubSpotSignatureRequest.TimestampHeader}: {_time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}\r\n";
        var result = await AttackAsync(host, forged);

        var budget = host.Services.GetRequiredService<BodyBudget>();
        Assert.Equal(4L * DeclaredLength, budget.Capacity);
        Assert.Equal(4, result.Held); // four full bodies fit the default budget; the other 36 were refused with 503
        Assert.True(result.PeakBudgetInUse <= budget.Capacity);
        Assert.True(result.GrowthWhileHeld < MemoryBound, $"heap grew by {result.GrowthWhileHeld:N0} bytes under the attack");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, result.SignedDuringAttack); // the budget is spent: retry later
        Assert.Equal("5", result.RetryAfterDuringAttack);
        Assert.Equal(0, budget.InUse); // every held body returned its budget when its connection died
        Assert.Equal(HttpStatusCode.OK, result.SignedAfterAttack);
        Assert.Equal(2, (await host.Inbox.CountAsync()).Pending); // the warm-up and the request after the attack
    }

    private sealed record AttackResult(int Held, long PeakBudgetInUse, long GrowthWhileHeld, long GrowthAfter,
        HttpStatusCode SignedDuringAttack, string? RetryAfterDuringAttack, HttpStatusCode SignedAfterAttack);

    private async Task<AttackResult> AttackAsync(ReceiverHost host, string headers)
    {
        var budget = host.Services.GetRequiredService<BodyBudget>();
        using var warmup = await host.PostAsync(Body(Event("contact.creation", 999, 1)));
        var before = LiveHeapBytes();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // bounded: a stuck socket fails the test, never hangs it
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refused = 0;
        var attackers = Enumerable.Range(0, Connections).Select(_ => Task.Run(() => AttackOneAsync(host.Endpoint, headers, release.Task, () => Interlocked.Increment(ref refused), timeout.Token))).ToArray();

        // Settled: every attacker was answered (refused) or holds a reserved body the server is still reading.
        long peak = 0;
        await Eventually.TrueAsync(() =>
        {
            var inUse = budget.InUse;
            peak = Math.Max(peak, inUse);
            return Volatile.Read(ref refused) + (inUse / DeclaredLength) == Connections;
        }, "every attack connection refused or holding", TimeSpan.FromMinutes(2));
        var held = Connections - Volatile.Read(ref refused);
        var whileHeld = LiveHeapBytes() - before;
        using var during = await host.PostAsync(Body(Event("contact.creation", 1, 1)));
        var retryAfter = during.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null;

        release.SetResult();
        await Task.WhenAll(attackers);
        await Eventually.TrueAsync(() => budget.InUse == 0, "every held body's budget returned");
        var after = LiveHeapBytes() - before;
        using var afterwards = await host.PostAsync(Body(Event("contact.creation", 2, 1)));
        output.WriteLine($"{Connections} connections x {DeclaredLength - 1:N0} bytes: held {held}, peak budget {peak:N0} bytes, heap growth while held {whileHeld:N0} bytes, after {after:N0} bytes");
        return new AttackResult(held, peak, whileHeld, after, during.StatusCode, retryAfter, afterwards.StatusCode);
    }

    /// <summary>One connection: headers, then the body but its last byte; it ends when answered (refused) or, holding, when released.</summary>
    private static async Task AttackOneAsync(Uri endpoint, string headers, Task release, Action refused, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, endpoint.Port, cancellationToken);
        var stream = client.GetStream();
        var head = $"POST {endpoint.PathAndQuery} HTTP/1.1\r\nHost: {endpoint.Authority}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {DeclaredLength}\r\n{headers}\r\n";
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
            for (var sent = 0; sent < DeclaredLength - 1;)
            {
                var count = Math.Min(Filler.Length, DeclaredLength - 1 - sent);
                await stream.WriteAsync(Filler.AsMemory(0, count), cancellationToken);
                sent += count;
            }

            // A refused request was answered before its body was read (the server drops the rest); a held one is not
            // answered until its body is complete, which it never is.
            var answer = new byte[256];
            var read = stream.ReadAsync(answer, cancellationToken).AsTask();
            if (await Task.WhenAny(read, release) == read)
            {
                var text = Encoding.ASCII.GetString(answer, 0, await read);
                Assert.True(text.StartsWith("HTTP/1.1 401", StringComparison.Ordinal) || text.StartsWith("HTTP/1.1 503", StringComparison.Ordinal), text);
                refused();
            }

            // Released: close without the last byte, so the server's read fails and the body must give back its buffers and budget.
        }
        catch (IOException)
        {
            refused(); // the server answered and closed the connection while we were still writing
        }
    }

    private static long LiveHeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
