using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Signatures;
using Spoke.Webhooks.Tests.Infrastructure;
using static Spoke.Webhooks.Tests.Infrastructure.WebhookSender;

namespace Spoke.Webhooks.Tests.Receiver;

/// <summary>
/// A request that can never verify under the accepted versions is refused (401) before a byte of its body is read;
/// one that may verify is read and checked. The receiver's default accepts v3 only.
/// </summary>
public sealed class PreBodyCheckTests : IAsyncLifetime
{
    private readonly TempInboxDirectory _directory = new("prebody");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000));
    private long _bodyBytesRead;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    private Task<ReceiverHost> StartAsync(HubSpotSignatureVersions? accepted = null) =>
        ReceiverHost.StartAsync(new SqliteWebhookInboxStore(_directory.File($"inbox-{Guid.NewGuid():N}.db")), _time, configure: o =>
        {
            o.RunDispatcher = false;
            if (accepted is { } versions)
            {
                o.AcceptedSignatureVersions = versions;
            }
        }, before: (context, next) =>
        {
            context.Request.Body = new CountingStream(context.Request.Body, n => Interlocked.Add(ref _bodyBytesRead, n));
            return next(context);
        });

    private static HttpRequestMessage Unsigned(Uri endpoint, string body) => new(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private string Millis(TimeSpan offset) => (_time.GetUtcNow() + offset).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task With_the_default_v3_only_what_cannot_verify_is_refused_unread()
    {
        await using var host = await StartAsync();
        var body = Body(Event("contact.creation", 1, 5));
        var bytes = Encoding.UTF8.GetBytes(body);
        var v3 = HubSpotSignature.ComputeV3(host.Secret, "POST", host.Endpoint.AbsoluteUri, bytes, Millis(TimeSpan.Zero));

        var cases = new (string Name, Action<HttpRequestMessage> Sign, string Reason)[]
        {
            ("no signature", _ => { }, "MissingSignature"),
            ("v1 only", r => r.Headers.Add(HubSpotSignatureRequest.SignatureHeader, HubSpotSignature.ComputeV1(host.Secret, bytes)), "VersionNotAccepted"),
            ("v3 without timestamp", r => r.Headers.Add(HubSpotSignatureRequest.SignatureV3Header, v3), "MissingTimestamp"),
            ("v3 with a malformed timestamp", r => { r.Headers.Add(HubSpotSignatureRequest.SignatureV3Header, v3); r.Headers.Add(HubSpotSignatureRequest.TimestampHeader, "yesterday"); }, "MalformedTimestamp"),
            ("v3 six minutes old", r => { r.Headers.Add(HubSpotSignatureRequest.SignatureV3Header, v3); r.Headers.Add(HubSpotSignatureRequest.TimestampHeader, Millis(TimeSpan.FromMinutes(-6))); }, "TimestampExpired"),
            ("v3 six minutes ahead", r => { r.Headers.Add(HubSpotSignatureRequest.SignatureV3Header, v3); r.Headers.Add(HubSpotSignatureRequest.TimestampHeader, Millis(TimeSpan.FromMinutes(6))); }, "TimestampInFuture"),
            ("v3 not base64", r => { r.Headers.Add(HubSpotSignatureRequest.SignatureV3Header, "not base64!"); r.Headers.Add(HubSpotSignatureRequest.TimestampHeader, Millis(TimeSpan.Zero)); }, "MalformedSignature"),
        };
        foreach (var (name, sign, reason) in cases)
        {
            using var request = Unsigned(host.Endpoint, body);
            sign(request);
            using var response = await host.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {response.StatusCode}");
            Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()), $"{name}: the 401 says why");
            Assert.True(Interlocked.Read(ref _bodyBytesRead) == 0, $"{name} ({reason}): the body was read");
        }

        using var signed = await host.PostAsync(body);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(bytes.Length, Interlocked.Read(ref _bodyBytesRead));
        Assert.Equal(1, (await host.Inbox.CountAsync()).Pending);
    }

    [Fact]
    public async Task With_v1_accepted_a_v1_request_without_timestamp_is_read_and_checked()
    {
        await using var host = await StartAsync(HubSpotSignatureVersions.V1 | HubSpotSignatureVersions.V3);
        var body = Body(Event("contact.creation", 1, 5));
        var bytes = Encoding.UTF8.GetBytes(body);

        using var forged = Unsigned(host.Endpoint, body);
        forged.Headers.Add(HubSpotSignatureRequest.SignatureHeader, new string('a', 64)); // well formed: only the body can tell
        using (var response = await host.Http.SendAsync(forged))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(bytes.Length, Interlocked.Read(ref _bodyBytesRead));

        using var v1 = Unsigned(host.Endpoint, body);
        v1.Headers.Add(HubSpotSignatureRequest.SignatureHeader, HubSpotSignature.ComputeV1(host.Secret, bytes));
        using (var response = await host.Http.SendAsync(v1))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, (await host.Inbox.CountAsync()).Pending);
    }

    /// <summary>Counts the body bytes the receiver reads.</summary>
    private sealed class CountingStream(Stream inner, Action<int> counted) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            counted(read);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the receiver reads asynchronously");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
