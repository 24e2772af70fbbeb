using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Tests.Infrastructure;
using static Spoke.Webhooks.Tests.Infrastructure.WebhookSender;

namespace Spoke.Webhooks.Tests.Receiver;

/// <summary><c>MaxBodyBytes</c> decides what is too large (413, nothing stored), in either direction of the server's own limit.</summary>
public sealed class BodySizeTests : IAsyncLifetime
{
    private readonly TempInboxDirectory _directory = new("size");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    private string BodyOf(int events, int valueLength) =>
        Body([.. Enumerable.Range(1, events).Select(i => Event("contact.propertyChange", i, _time.GetUtcNow().ToUnixTimeMilliseconds(), eventId: i, property: "notes", value: new string('x', valueLength)))]);

    [Fact]
    public void The_default_takes_a_full_request_of_maximum_length_values()
    {
        // 100 events × 65,536 characters × 3 UTF-8 bytes, plus the other fields.
        Assert.True(new HubSpotWebhookOptions().MaxBodyBytes >= (100 * ((65_536 * 3) + 1_000)));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_stores_nothing_with_or_without_a_content_length()
    {
        await using var host = await ReceiverHost.StartAsync(new SqliteWebhookInboxStore(_directory.File("inbox.db")), _time, configure: o => o.MaxBodyBytes = 4_096);
        var body = BodyOf(3, 2_000);
        using (var response = await host.PostAsync(body))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("4096 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var chunked = Signed(host.Endpoint, body, host.Secret, _time.GetUtcNow());
        chunked.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))); // no Content-Length: chunked
        chunked.Content.Headers.ContentType = new("application/json");
        using (var response = await host.Http.SendAsync(chunked))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        Assert.Equal(default, await host.Inbox.CountAsync());
        using var small = await host.PostAsync(BodyOf(1, 10));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task A_limit_above_the_servers_default_is_honoured()
    {
        // Kestrel refuses bodies over 30,000,000 bytes unless the endpoint raises its limit.
        await using var host = await ReceiverHost.StartAsync(new SqliteWebhookInboxStore(_directory.File("inbox.db")), _time, configure: o => o.MaxBodyBytes = 40_000_000);
        var body = BodyOf(100, 310_000);
        Assert.True(Encoding.UTF8.GetByteCount(body) > 30_000_000);
        using var response = await host.PostAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // One snapshot: the dispatcher moves rows from pending to processed between two reads.
        var counts = await host.Inbox.CountAsync();
        Assert.Equal(100, counts.Pending + counts.Processed);
    }
}
