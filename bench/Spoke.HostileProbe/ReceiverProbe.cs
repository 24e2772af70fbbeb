using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Spoke.HostileProbe;

/// <summary>The webhook receiver as the public endpoint it is: forged and mutated signatures, oversized and slow bodies,
/// memory exhaustion before authentication (point 1), two receivers on one inbox (point 2), and kill -9 while senders
/// stream.</summary>
internal static partial class ReceiverProbe
{
    private const string SignatureV3 = "X-HubSpot-Signature-v3";
    private const string Timestamp = "X-HubSpot-Request-Timestamp";

    public static async Task<Tally> RunAsync(string work)
    {
        var t = new Tally("webhook receiver (issue 9 points 1, 2)");
        var secret = Signing.NewSecret();
        var inbox = Path.Combine(work, "receiver-inbox.db");
        await using (var listen = Listen(secret, inbox))
        {
            var url = new Uri(await listen.WaitForLineAsync("Webhook receiver listening on "));
            await MutationsAsync(t, url, secret);
            await OversizedAsync(t, url);
            await MemoryAttackAsync(t, listen, url, secret);
            await SecondReceiverAsync(t, secret, inbox);
            await listen.StopAsync();
        }

        await KillNineAsync(t, secret, Path.Combine(work, "crash-inbox.db"));
        return t;
    }

    private static ChildProcess Listen(string secret, string inbox) =>
        ChildProcess.StartSpoke("webhooks", "listen", "--port", "0", "--secret", secret, "--inbox", inbox);

    private static async Task MutationsAsync(Tally t, Uri url, string secret)
    {
        const int Rounds = 60;
        var uri = url.ToString();
        var refused = 0;
        var accepted = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var body = Signing.Events(1_000_000 + (round * 10), 2);
            var ts = Signing.Now();
            var good = Signing.V3(secret, "POST", uri, body, ts);
            var flipped = (byte[])body.Clone();
            flipped[Random.Shared.Next(flipped.Length)] ^= (byte)(1 + Random.Shared.Next(255));
            var cases = new List<(string Name, byte[] Body, (string, string)[] Headers)>
            {
                ("a flipped body byte", flipped, [(SignatureV3, good), (Timestamp, ts)]),
                ("a trailing space", [.. body, 0x20], [(SignatureV3, good), (Timestamp, ts)]),
                ("another path signed", body, [(SignatureV3, Signing.V3(secret, "POST", uri + "x", body, ts)), (Timestamp, ts)]),
                ("another method signed", body, [(SignatureV3, Signing.V3(secret, "PUT", uri, body, ts)), (Timestamp, ts)]),
                ("another host signed", body, [(SignatureV3, Signing.V3(secret, "POST", uri.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), body, ts)), (Timestamp, ts)]),
                ("a wrong secret", body, [(SignatureV3, Signing.V3(secret + "x", "POST", uri, body, ts)), (Timestamp, ts)]),
                ("an expired timestamp", body, Signed(secret, uri, body, Signing.Now(TimeSpan.FromSeconds(-301)))),
                ("a future timestamp", body, Signed(secret, uri, body, Signing.Now(TimeSpan.FromSeconds(301)))),
                ("a timestamp changed after signing", body, [(SignatureV3, good), (Timestamp, (long.Parse(ts, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture))]),
                ("a seconds timestamp", body, Signed(secret, uri, body, (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 400_000).ToString(CultureInfo.InvariantCulture))),
                ("a non-numeric timestamp", body, [(SignatureV3, good), (Timestamp, "soon")]),
                ("a truncated signature", body, [(SignatureV3, good[..^4]), (Timestamp, ts)]),
                ("an upper-cased signature", body, [(SignatureV3, good.ToUpperInvariant()), (Timestamp, ts)]),
                ("an empty signature", body, [(SignatureV3, ""), (Timestamp, ts)]),
                ("no timestamp", body, [(SignatureV3, good)]),
                ("no signature", body, [(Timestamp, ts)]),
                ("nothing", body, []),
                ("a v1 signature of a wrong secret", body, [("X-HubSpot-Signature", Signing.V1(secret + "x", body)), ("X-HubSpot-Signature-Version", "v1")]),
                ("a v2 header with a v1 value", body, [("X-HubSpot-Signature", Signing.V1(secret, body)), ("X-HubSpot-Signature-Version", "v2")]),
                ("a signed body of another delivery", Signing.Events(9, 2), [(SignatureV3, good), (Timestamp, ts)]),
            };
            foreach (var (name, mutated, headers) in cases)
            {
                var reply = await Raw.SendAsync(url, "POST", url.AbsolutePath, mutated, headers: headers);
                t.Sent();
                if (reply.Status is >= 200 and < 300)
                {
                    accepted++;
                    t.Finding($"{name} was accepted ({reply.Status})");
                }
                else if (reply.Status is >= 500 or 0)
                {
                    t.Finding($"{name} answered {reply.Status}");
                }
                else
                {
                    refused++;
                }
            }

            var control = await Raw.SendAsync(url, "POST", url.AbsolutePath, body, headers: [(SignatureV3, good), (Timestamp, ts)]);
            t.Sent();
            if (control.Status != 200)
            {
                t.Finding($"a correctly signed delivery answered {control.Status}");
            }
        }

        // A captured v1 request carries no timestamp: whether it is accepted is the receiver's default (point 3).
        var v1Body = Signing.Events(5_000_000, 1);
        var v1 = await Raw.SendAsync(url, "POST", url.AbsolutePath, v1Body, headers: [("X-HubSpot-Signature", Signing.V1(secret, v1Body)), ("X-HubSpot-Signature-Version", "v1")]);
        t.Sent();
        t.Figure("signature mutations refused / accepted", $"{refused} / {accepted}");
        t.Figure("a replayable v1-only request (listen default)", v1.Status == 200 ? "accepted" : $"refused ({v1.Status})");
    }

    private static (string, string)[] Signed(string secret, string uri, byte[] body, string ts) =>
        [(SignatureV3, Signing.V3(secret, "POST", uri, body, ts)), (Timestamp, ts)];

    private static async Task OversizedAsync(Tally t, Uri url)
    {
        var huge = new byte[25 * 1024 * 1024];
        huge[0] = (byte)'[';
        var ts = Signing.Now();
        var reply = await Raw.SendAsync(url, "POST", url.AbsolutePath, huge, headers: [(SignatureV3, "AAAA"), (Timestamp, ts)]);
        t.Sent();
        if (reply.Status is not (413 or 401))
        {
            t.Finding($"a 25 MiB body answered {reply.Status} (expected 413, or 401 before reading)");
        }

        t.Figure("25 MiB body", reply.Status);
    }

    /// <summary>Point 1: connections that send headers and all of a 24 MiB body but its last byte, then hang on.</summary>
    private static async Task MemoryAttackAsync(Tally t, ChildProcess listen, Uri url, string secret)
    {
        const int Connections = 40;
        const int Declared = 24 * 1024 * 1024;
        var before = listen.Memory();
        var sockets = new ConcurrentBag<TcpClient>();
        long sent = 0;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)' ');
        var attacks = Enumerable.Range(0, Connections).Select(i => Task.Run(async () =>
        {
            var tcp = new TcpClient();
            sockets.Add(tcp);
            try
            {
                await tcp.ConnectAsync(url.Host, url.Port);
                var stream = tcp.GetStream();
                // Half come with nothing; half with headers that look right until the signature is computed.
                var signed = i % 2 == 1 ? $"{SignatureV3}: {Convert.ToBase64String(new byte[32])}\r\n{Timestamp}: {Signing.Now()}\r\n" : "";
                var head = $"POST {url.AbsolutePath} HTTP/1.1\r\nHost: {url.Host}:{url.Port}\r\nContent-Type: application/json\r\n{signed}Content-Length: {Declared}\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                for (var left = Declared - 1; left > 0; left -= chunk.Length)
                {
                    await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, left)));
                    Interlocked.Add(ref sent, Math.Min(chunk.Length, left));
                }
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // Refused early (the point): the server closed the connection.
            }
        })).ToArray();
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await Task.WhenAll(attacks).WaitAsync(bound.Token);
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // the attack connections hang on, held open
        var during = listen.Memory();
        var body = Signing.Events(7_000_000, 1);
        var whileHeld = await Raw.SendAsync(url, "POST", url.AbsolutePath, body, headers: Signed(secret, url.ToString(), body, Signing.Now()));
        // The stalled bodies hold the body budget only until the receiver's body read timeout (10 s by default).
        await Task.Delay(TimeSpan.FromSeconds(12));
        var afterTimeout = await Raw.SendAsync(url, "POST", url.AbsolutePath, body, headers: Signed(secret, url.ToString(), body, Signing.Now()));
        t.Sent(Connections + 2);
        foreach (var s in sockets)
        {
            s.Dispose();
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = listen.Memory();
        const long Mi = 1024 * 1024;
        t.Figure("attack connections × declared body", $"{Connections} × 24 MiB ({sent / Mi:N0} MiB sent)");
        t.Figure("receiver RSS before / held / after (MiB)", $"{before.Rss / Mi:N0} / {during.Rss / Mi:N0} / {after.Rss / Mi:N0}");
        t.Figure("receiver peak RSS growth (MiB)", (after.Peak - before.Peak) / Mi);
        t.Figure("signed delivery while held / 12 s later", $"{whileHeld.Status} / {afterTimeout.Status}");
        if (during.Peak - before.Rss > 400 * Mi)
        {
            t.Finding($"the receiver grew by {(during.Peak - before.Rss) / Mi:N0} MiB under {Connections} unauthenticated bodies");
        }

        // While stalled bodies hold the budget a 503 with Retry-After is the designed answer (HubSpot retries it); once
        // their read timeout passes, with the attackers still connected, deliveries must get through again.
        if (whileHeld.Status != 200 && !(whileHeld.Status == 503 && whileHeld.Text.Contains("Retry-After", StringComparison.OrdinalIgnoreCase)))
        {
            t.Finding($"a signed delivery during the attack answered {whileHeld.Status}");
        }

        if (afterTimeout.Status != 200)
        {
            t.Finding($"a signed delivery answered {afterTimeout.Status} after the stalled bodies' read timeout, attackers still connected");
        }
    }

    /// <summary>Point 2: a second receiver on the same SQLite inbox must refuse to start.</summary>
    private static async Task SecondReceiverAsync(Tally t, string secret, string inbox)
    {
        await using var second = Listen(secret, inbox);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!second.HasExited && !second.Output.Contains("listening on", StringComparison.Ordinal) && !bound.IsCancellationRequested)
        {
            await Task.Delay(100);
        }

        if (!second.HasExited)
        {
            t.Finding("a second `webhooks listen` started on an inbox another receiver holds");
        }

        t.Figure("second receiver on one inbox", second.HasExited ? "refused" : "started");
    }

    /// <summary>Senders stream signed batches while the receiver is SIGKILLed; every acknowledged event must be handled.</summary>
    private static async Task KillNineAsync(Tally t, string secret, string inbox)
    {
        const int Kills = 3;
        const int PerBatch = 20;
        var acknowledged = new ConcurrentDictionary<long, bool>();
        var handled = new ConcurrentDictionary<long, int>();
        long next = 10_000_000;
        for (var cycle = 0; cycle <= Kills; cycle++)
        {
            await using var listen = Listen(secret, inbox);
            var url = new Uri(await listen.WaitForLineAsync("Webhook receiver listening on "));
            if (cycle == Kills)
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while (DateTime.UtcNow < deadline && acknowledged.Keys.Any(id => !Handled(listen.Output).Contains(id)))
                {
                    await Task.Delay(200);
                }

                await listen.StopAsync();
                Count(listen.Output, handled);
                break;
            }

            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var first = Interlocked.Add(ref next, PerBatch) - PerBatch;
                    var body = Signing.Events(first, PerBatch);
                    try
                    {
                        t.Sent();
                        var reply = await Raw.SendAsync(url, "POST", url.AbsolutePath, body, headers: Signed(secret, url.ToString(), body, Signing.Now()));
                        if (reply.Status == 200)
                        {
                            for (var id = first; id < first + PerBatch; id++)
                            {
                                acknowledged[id] = true;
                            }
                        }
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                    {
                        // Cut off by the kill: unacknowledged.
                    }
                }
            })).ToArray();
            await Task.Delay(TimeSpan.FromMilliseconds(1000 + Random.Shared.Next(1000)));
            await listen.KillNineAsync();
            Count(listen.Output, handled);
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        var lost = acknowledged.Keys.Count(id => !handled.ContainsKey(id));
        t.Figure("receiver kills (SIGKILL)", Kills);
        t.Figure("events acknowledged", acknowledged.Count);
        t.Figure("events handled / handled again after a kill", $"{handled.Count} / {handled.Values.Count(v => v > 1)}");
        t.Figure("acknowledged events lost", lost);
        if (lost > 0)
        {
            t.Finding($"{lost} acknowledged events were never handled");
        }
    }

    private static HashSet<long> Handled(string output) =>
        [.. HandledLine().Matches(output).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private static void Count(string output, ConcurrentDictionary<long, int> handled)
    {
        foreach (var id in HandledLine().Matches(output).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)))
        {
            handled.AddOrUpdate(id, 1, (_, n) => n + 1);
        }
    }

    [GeneratedRegex(@"contact\.creation object=(\d+)")]
    private static partial Regex HandledLine();
}
