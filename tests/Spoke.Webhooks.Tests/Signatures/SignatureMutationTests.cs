using System.Globalization;
using System.Text;
using Spoke.Webhooks.Signatures;

namespace Spoke.Webhooks.Tests.Signatures;

/// <summary>Thousands of seeded random valid requests, each mutated once: not one mutation may be accepted.</summary>
public class SignatureMutationTests
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789/-_.";
    private static readonly string[] Methods = ["POST", "GET", "PUT", "PATCH", "DELETE"];
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private sealed record Case(HubSpotSignatureRequest Request, string Secret, DateTimeOffset Now, HubSpotSignatureVersions Version);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void No_mutation_of_a_valid_request_is_accepted(int seed)
    {
        var random = new Random(seed);
        var checkedCount = 0;
        for (var i = 0; i < 1500; i++)
        {
            var valid = MakeValid(random);
            Assert.True(Verify(valid).IsValid, "the unmutated request must verify");
            foreach (var (name, mutated) in Mutations(valid, random))
            {
                var result = Verify(mutated);
                Assert.False(result.IsValid, $"case {i} ({valid.Version}, {name}) was accepted");
                checkedCount++;
            }
        }

        Assert.True(checkedCount > 10_000, $"only {checkedCount} mutations were checked");
    }

    private static HubSpotSignatureResult Verify(Case c) => HubSpotSignature.Verify(c.Request, [c.Secret], c.Now, Tolerance);

    private static Case MakeValid(Random random)
    {
        var secret = Guid.NewGuid().ToString();
        var version = (HubSpotSignatureVersions)(1 << random.Next(3));
        var method = Methods[random.Next(Methods.Length)];
        var uri = "https://" + RandomText(random, 3, 12) + ".example.com/" + RandomText(random, 1, 30) + (random.Next(2) == 0 ? "" : "?a=" + RandomText(random, 1, 8) + "&b=" + RandomText(random, 0, 8));
        var body = new byte[random.Next(0, 600)];
        random.NextBytes(body);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_600_000_000_000 + random.NextInt64(100_000_000_000));
        var request = new HubSpotSignatureRequest { Method = method, Uri = uri, Body = body };
        switch (version)
        {
            case HubSpotSignatureVersions.V1:
                request = request with { Signature = HubSpotSignature.ComputeV1(secret, body), SignatureVersion = "v1" };
                break;
            case HubSpotSignatureVersions.V2:
                request = request with { Signature = HubSpotSignature.ComputeV2(secret, method, uri, body), SignatureVersion = "v2" };
                break;
            default:
                var timestamp = (now.ToUnixTimeMilliseconds() + random.Next(-299_000, 299_000)).ToString(CultureInfo.InvariantCulture);
                request = request with { SignatureV3 = HubSpotSignature.ComputeV3(secret, method, uri, body, timestamp), Timestamp = timestamp };
                break;
        }

        return new Case(request, secret, now, version);
    }

    private static IEnumerable<(string Name, Case Mutated)> Mutations(Case c, Random random)
    {
        var r = c.Request;
        var body = r.Body.ToArray();
        if (body.Length > 0)
        {
            var flipped = (byte[])body.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)random.Next(1, 256);
            yield return ("body byte", c with { Request = r with { Body = flipped } });
            yield return ("body truncated", c with { Request = r with { Body = body.AsMemory(0, body.Length - 1) } });
        }

        yield return ("body extended", c with { Request = r with { Body = (byte[])[.. body, (byte)random.Next(256)] } });
        yield return ("wrong secret", c with { Secret = Guid.NewGuid().ToString() });
        yield return ("secret case", c with { Secret = c.Secret.ToUpperInvariant() });
        yield return ("forged signature", c with { Request = c.Version == HubSpotSignatureVersions.V3
            ? r with { SignatureV3 = Convert.ToBase64String(RandomBytes(random, 32)) }
            : r with { Signature = Convert.ToHexStringLower(RandomBytes(random, 32)) } });
        yield return ("signature char", c with { Request = c.Version == HubSpotSignatureVersions.V3
            ? r with { SignatureV3 = ChangeChar(r.SignatureV3!, random, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", keepLast: true) }
            : r with { Signature = ChangeChar(r.Signature!, random, "0123456789abcdef", keepLast: false) } });
        yield return ("signature removed", c with { Request = r with { Signature = null, SignatureV3 = null } });
        if (c.Version != HubSpotSignatureVersions.V1)
        {
            yield return ("uri", c with { Request = r with { Uri = ChangeChar(r.Uri, random, Alphabet, keepLast: false, from: 8) } });
            yield return ("uri scheme", c with { Request = r with { Uri = "http" + r.Uri[5..] } });
            yield return ("method", c with { Request = r with { Method = Methods.First(m => m != r.Method) } });
            yield return ("version swapped", c with { Request = c.Version == HubSpotSignatureVersions.V2 ? r with { SignatureVersion = "v1" } : r with { SignatureV3 = null, Signature = Convert.ToHexStringLower(Convert.FromBase64String(r.SignatureV3!)) } });
        }

        if (c.Version == HubSpotSignatureVersions.V3)
        {
            var ts = long.Parse(r.Timestamp!, CultureInfo.InvariantCulture);
            yield return ("timestamp", c with { Request = r with { Timestamp = (ts + random.Next(1, 200_000) * (random.Next(2) == 0 ? 1 : -1)).ToString(CultureInfo.InvariantCulture) } });
            yield return ("timestamp removed", c with { Request = r with { Timestamp = null } });
            yield return ("expired", c with { Now = DateTimeOffset.FromUnixTimeMilliseconds(ts) + Tolerance + TimeSpan.FromMilliseconds(random.NextInt64(1, 10_000_000_000)) });
            yield return ("future-dated", c with { Now = DateTimeOffset.FromUnixTimeMilliseconds(ts) - Tolerance - TimeSpan.FromMilliseconds(random.NextInt64(1, 10_000_000_000)) });
        }
    }

    private static string ChangeChar(string text, Random random, string alphabet, bool keepLast, int from = 0)
    {
        // base64's last character before padding carries unused bits; stay clear of it and of the padding.
        var end = keepLast ? text.TrimEnd('=').Length - 1 : text.Length;
        var index = random.Next(from, end);
        char replacement;
        do
        {
            replacement = alphabet[random.Next(alphabet.Length)];
        }
        while (char.ToLowerInvariant(replacement) == char.ToLowerInvariant(text[index]));
        return string.Concat(text.AsSpan(0, index), replacement.ToString(), text.AsSpan(index + 1));
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomText(Random random, int min, int max)
    {
        var builder = new StringBuilder();
        var length = random.Next(min, max + 1);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length - 2)]);
        }

        return builder.ToString();
    }
}
