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
using static Spoke.Webhooks.Tests.Infrastructure.WebhookSender;

namespace Spoke.Webhooks.Tests.Receiver;

/// <summary>
/// A sender whose headers pass every check that needs no body, which then stalls on its body's last byte, may hold its
/// share of the body budget only until <see cref="HubSpotWebhookOptions.BodyReadTimeout"/>: then 408, budget freed.
/// </summary>
public sealed class SlowBodyTests : IDisposable
{
    private const int DeclaredLength = 4 * 1024 * 1024;

    private readonly TempInboxDirectory _directory = new("slow");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_body_stalled_past_the_read_timeout_is_answered_408_and_frees_its_budget()
    {
        await using var host = await ReceiverHost.StartAsync(new SqliteWebhookInboxStore(_directory.File("inbox.db")), _time, configure: o =>
        {
            o.RunDispatcher = false;
            o.MaxBodyBytes = DeclaredLength;
        });
        var budget = host.Services.GetRequiredService<BodyBudget>();
        using var client = new TcpClient();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await client.ConnectAsync(IPAddress.Loopback, host.Endpoint.Port, bound.Token);
        var stream = client.GetStream();
        var head = $"POST {host.Endpoint.PathAndQuery} HTTP/1.1\r\nHost: {host.Endpoint.Authority}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {DeclaredLength}\r\n{HubSpotSignatureRequest.SignatureV3Header}: {Convert.ToBase64String(new byte[32])}\r\n" +
            $"{HubSpotSignatureRequest.TimestampHeader}: {_time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), bound.Token);
        await stream.WriteAsync(new byte[DeclaredLength - 1], bound.Token);
        await Eventually.TrueAsync(() => budget.InUse >= DeclaredLength, "the stalled body holds its reservation");

        // Nothing answers it until the stalled body's deadline passes on the receiver's clock.
        var answer = new byte[512];
        var read = stream.ReadAsync(answer, bound.Token).AsTask();
        _time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(200); // a real-time pause: an answer before the deadline would arrive in it
        Assert.False(read.IsCompleted, "the receiver answered before the body's deadline");
        Assert.True(budget.InUse >= DeclaredLength);
        _time.Advance(TimeSpan.FromSeconds(1));
        var text = Encoding.ASCII.GetString(answer, 0, await read.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("HTTP/1.1 408", text, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => budget.InUse == 0, "the stalled body's budget returned");

        using var accepted = await host.PostAsync(Body(Event("contact.creation", 2, 1)));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, (await host.Inbox.CountAsync()).Pending);
    }
}
