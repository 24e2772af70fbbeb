using System.Security.Cryptography;
using System.Text;
using Spoke.Webhooks.Signatures;

namespace Spoke.Webhooks.Tests.Signatures;

public class SignatureVectorTests
{
    // HubSpot's documented test vectors (DOC:webhooks/validating-requests).
    private const string DocsSecret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    private const string DocsV1Body = """[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]""";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public void V1_docs_vector_is_computed_and_accepted()
    {
        var body = Encoding.UTF8.GetBytes(DocsV1Body);
        Assert.Equal("232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", HubSpotSignature.ComputeV1(DocsSecret, body));
        var request = new HubSpotSignatureRequest
        {
            Method = "POST", Uri = "https://www.example.com/webhook_uri", Body = body,
            Signature = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", SignatureVersion = "v1",
        };
        var result = HubSpotSignature.Verify(request, DocsSecret, Now, TimeSpan.FromMinutes(5));
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(HubSpotSignatureVersions.V1, result.Version);
    }

    [Fact]
    public void V1_is_assumed_when_the_version_header_is_absent_and_hex_case_does_not_matter()
    {
        var body = Encoding.UTF8.GetBytes(DocsV1Body);
        var request = new HubSpotSignatureRequest { Method = "POST", Uri = "https://x/y", Body = body, Signature = "232DB2615F3D666FE21A8EC971AC7B5402D33B9A925784DF3CA654D05F4817DE" };
        Assert.True(HubSpotSignature.Verify(request, DocsSecret, Now, TimeSpan.FromMinutes(5)).IsValid);
    }

    [Theory]
    [InlineData("GET", "", "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e")]
    [InlineData("POST", """{"example_field":"example_value"}""", "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900")]
    public void V2_docs_vectors_are_computed_and_accepted(string method, string body, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        const string uri = "https://www.example.com/webhook_uri";
        Assert.Equal(expected, HubSpotSignature.ComputeV2(DocsSecret, method, uri, bytes));
        var request = new HubSpotSignatureRequest { Method = method, Uri = uri, Body = bytes, Signature = expected, SignatureVersion = "v2" };
        var result = HubSpotSignature.Verify(request, DocsSecret, Now, TimeSpan.FromMinutes(5));
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(HubSpotSignatureVersions.V2, result.Version);
    }

    [Fact]
    public void V3_matches_an_independently_computed_hmac()
    {
        const string secret = "spoke-test-secret";
        const string uri = "https://example.com/hubspot/webhooks?portal=1&b=2";
        const string body = """[{"eventId":1}]""";
        const string timestamp = "1700000000000";
        // Computed outside this library (Python hmac) and here with the framework's one-shot HMAC on the concatenation.
        const string expected = "I5K18KCNsW0wa4s/ZnNqbHbtZXl0EqYg5cNAiC4KuME=";
        var independent = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("POST" + uri + body + timestamp)));
        Assert.Equal(expected, independent);
        Assert.Equal(expected, HubSpotSignature.ComputeV3(secret, "POST", uri, Encoding.UTF8.GetBytes(body), timestamp));
        var request = new HubSpotSignatureRequest { Method = "POST", Uri = uri, Body = Encoding.UTF8.GetBytes(body), SignatureV3 = expected, Timestamp = timestamp };
        var result = HubSpotSignature.Verify(request, secret, Now, TimeSpan.FromMinutes(5));
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(HubSpotSignatureVersions.V3, result.Version);
    }

    [Fact]
    public void V3_decodes_exactly_the_listed_escapes_before_signing()
    {
        // The signer decoded %3A %2F %40 %28 %29 %2C %2A %21 %24 %27 %3B (any case) but left %20 alone.
        const string raw = "https://example.com/path%3Afoo%2Fbar?x=%40y%20z&k=%281%29%2c%2A%21%24%27%3B";
        Assert.Equal("https://example.com/path:foo/bar?x=@y%20z&k=(1),*!$';", HubSpotSignature.DecodeV3Uri(raw));
        var request = new HubSpotSignatureRequest
        {
            Method = "POST", Uri = raw, Body = "[]"u8.ToArray(), Timestamp = "1700000000000",
            SignatureV3 = "jUiYwIvBEquhT77nFJDbOLt03X6jQo+WatQYGlKrXzI=", // Python hmac over the decoded URI
        };
        Assert.True(HubSpotSignature.Verify(request, "spoke-test-secret", Now, TimeSpan.FromMinutes(5)).IsValid);
    }

    [Theory]
    [InlineData("https://h/a%3fb", "https://h/a?b")]
    [InlineData("https://h/?q=%3F", "https://h/?q=?")]
    [InlineData("https://h/%2", "https://h/%2")]
    [InlineData("https://h/%", "https://h/%")]
    [InlineData("https://h/%25%3A", "https://h/%25:")]
    [InlineData("https://h/%7E%20%2B", "https://h/%7E%20%2B")]
    [InlineData("https://h/plain?a=1&b=2", "https://h/plain?a=1&b=2")]
    public void V3_uri_decoding_cases(string raw, string decoded) => Assert.Equal(decoded, HubSpotSignature.DecodeV3Uri(raw));

    [Theory]
    [InlineData("1700000000000.0")]
    [InlineData("1.7e12")]
    [InlineData(" 1700000000000 ")]
    public void V3_float_timestamps_are_read_as_milliseconds_and_signed_as_sent(string timestamp)
    {
        var body = "[]"u8.ToArray();
        var signature = HubSpotSignature.ComputeV3("s3cret", "POST", "https://h/w", body, timestamp);
        var request = new HubSpotSignatureRequest { Method = "POST", Uri = "https://h/w", Body = body, SignatureV3 = signature, Timestamp = timestamp };
        Assert.True(HubSpotSignature.Verify(request, "s3cret", Now, TimeSpan.FromMinutes(5)).IsValid);
    }

    [Theory]
    [InlineData(-300_001, HubSpotSignatureFailure.TimestampExpired)]
    [InlineData(300_001, HubSpotSignatureFailure.TimestampInFuture)]
    [InlineData(-300_000, HubSpotSignatureFailure.None)]
    [InlineData(300_000, HubSpotSignatureFailure.None)]
    public void V3_window_is_checked_in_both_directions(long offsetMs, HubSpotSignatureFailure expected)
    {
        var timestamp = (Now.ToUnixTimeMilliseconds() + offsetMs).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = "[]"u8.ToArray();
        var request = new HubSpotSignatureRequest { Method = "POST", Uri = "https://h/w", Body = body, SignatureV3 = HubSpotSignature.ComputeV3("k", "POST", "https://h/w", body, timestamp), Timestamp = timestamp };
        Assert.Equal(expected, HubSpotSignature.Verify(request, "k", Now, TimeSpan.FromMinutes(5)).Failure);
    }

    [Fact]
    public void Header_names_are_matched_in_any_case()
    {
        var body = "[]"u8.ToArray();
        const string ts = "1700000000000";
        var sig = HubSpotSignature.ComputeV3("k", "POST", "https://h/w", body, ts);
        foreach (var name in new[] { "X-HubSpot-Signature-v3", "X-HubSpot-Signature-V3", "x-hubspot-signature-v3" })
        {
            var request = HubSpotSignatureRequest.FromHeaders("POST", "https://h/w", body,
                [new(name, sig), new("x-hubspot-request-timestamp", ts)]);
            Assert.True(HubSpotSignature.Verify(request, "k", Now, TimeSpan.FromMinutes(5)).IsValid, name);
        }
    }

    [Fact]
    public void Missing_or_unusable_headers_say_what_is_wrong()
    {
        var body = "[]"u8.ToArray();
        HubSpotSignatureFailure Check(HubSpotSignatureRequest r, HubSpotSignatureVersions accepted = HubSpotSignatureVersions.All) =>
            HubSpotSignature.Verify(r, "k", Now, TimeSpan.FromMinutes(5), accepted).Failure;
        var bare = new HubSpotSignatureRequest { Method = "POST", Uri = "https://h/w", Body = body };
        Assert.Equal(HubSpotSignatureFailure.MissingSignature, Check(bare));
        Assert.Equal(HubSpotSignatureFailure.MissingTimestamp, Check(bare with { SignatureV3 = "AAAA" }));
        Assert.Equal(HubSpotSignatureFailure.MalformedTimestamp, Check(bare with { SignatureV3 = "AAAA", Timestamp = "yesterday" }));
        Assert.Equal(HubSpotSignatureFailure.MalformedSignature, Check(bare with { SignatureV3 = "not base64!", Timestamp = "1700000000000" }));
        Assert.Equal(HubSpotSignatureFailure.MalformedSignature, Check(bare with { Signature = "zz" }));
        Assert.Equal(HubSpotSignatureFailure.UnsupportedVersion, Check(bare with { Signature = new string('a', 64), SignatureVersion = "v9" }));
        Assert.Equal(HubSpotSignatureFailure.VersionNotAccepted, Check(bare with { Signature = HubSpotSignature.ComputeV1("k", body) }, HubSpotSignatureVersions.V3));
        Assert.Equal(HubSpotSignatureFailure.VersionNotAccepted, Check(bare with { SignatureV3 = "AAAA", Timestamp = "1" }, HubSpotSignatureVersions.V1));
        Assert.Equal(HubSpotSignatureFailure.NoSecretConfigured, HubSpotSignature.Verify(bare, Array.Empty<string>(), Now, TimeSpan.FromMinutes(5)).Failure);
    }

    [Fact]
    public void Any_of_several_secrets_verifies_during_a_rotation()
    {
        var body = "[]"u8.ToArray();
        var request = new HubSpotSignatureRequest { Method = "POST", Uri = "https://h/w", Body = body, Signature = HubSpotSignature.ComputeV1("old", body) };
        var result = HubSpotSignature.Verify(request, ["new", "old"], Now, TimeSpan.FromMinutes(5));
        Assert.True(result.IsValid);
        Assert.Equal(1, result.SecretIndex);
        Assert.Equal(HubSpotSignatureFailure.Mismatch, HubSpotSignature.Verify(request, ["new", "other"], Now, TimeSpan.FromMinutes(5)).Failure);
    }
}
