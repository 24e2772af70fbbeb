using Spoke.Webhooks.Signatures;

namespace Spoke.Webhooks.Tests.EndToEnd;

/// <summary>
/// The emulator's v3 signature and the receiver's check agree on the signed URI when the target URL carries a query
/// with the escapes HubSpot decodes (%40, %3A, %2F, ...) and ones it keeps (%20), with only v3 accepted.
/// </summary>
public sealed class SignedTargetUrlTests : IAsyncLifetime
{
    private EmulatorToReceiver _e2e = null!;

    public async Task InitializeAsync() => _e2e = await EmulatorToReceiver.StartAsync(configureReceiver: o => o.AcceptedSignatureVersions = HubSpotSignatureVersions.V3);

    public async Task DisposeAsync() => await _e2e.DisposeAsync();

    [Fact]
    public async Task A_target_url_with_escapes_verifies_under_v3_alone()
    {
        var target = new UriBuilder(_e2e.Receiver.Endpoint) { Query = "tenant=ops%40example.com&next=%2Fhome%3Fa%3Ab&label=two%20words&x=(1)" }.Uri.AbsoluteUri;
        await _e2e.SubscribeAsync(target, 10, ("company.creation", null, null));
        await _e2e.CreateAsync("companies", new { name = "Signed Co" });
        await _e2e.DrainAsync();

        var attempt = Assert.Single(_e2e.Emulator.Webhooks.Deliveries);
        Assert.Equal("delivered", attempt.Outcome);
        Assert.Equal(target, attempt.TargetUrl);
        Assert.Single(_e2e.HandledBy(nameof(Spoke.Webhooks.Events.CompanyCreated)));
    }

    [Fact]
    public async Task A_target_url_written_loosely_is_signed_as_the_request_carries_it()
    {
        // An upper-case scheme and an unescaped space: the request goes to http://…?label=two%20words, and the
        // receiver rebuilds that URI, so the signature must cover it rather than the text as configured.
        var endpoint = _e2e.Receiver.Endpoint;
        var target = $"HTTP://{endpoint.Authority}{endpoint.AbsolutePath}?label=two words";
        await _e2e.SubscribeAsync(target, 10, ("company.creation", null, null));
        await _e2e.CreateAsync("companies", new { name = "Loose Co" });
        await _e2e.DrainAsync();

        var attempt = Assert.Single(_e2e.Emulator.Webhooks.Deliveries);
        Assert.Equal("delivered", attempt.Outcome);
        Assert.Single(_e2e.HandledBy(nameof(Spoke.Webhooks.Events.CompanyCreated)));
    }
}
