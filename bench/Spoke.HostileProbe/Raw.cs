using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Spoke.HostileProbe;

/// <summary>HTTP/1.1 by hand, so the probe controls every byte: the request target exactly as written (HttpClient
/// would normalise <c>%5F</c> or <c>/./</c>), any <c>Host</c>, any body bytes.</summary>
internal static class Raw
{
    public sealed record Reply(int Status, string Text)
    {
        public string Body => Text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var i and >= 0 ? Text[(i + 4)..] : "";
    }

    public static async Task<Reply> SendAsync(Uri server, string method, string target, byte[]? body = null,
        string? contentType = "application/json", string? host = null, IEnumerable<(string, string)>? headers = null)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = tcp.GetStream();
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {target} HTTP/1.1\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Host: {host ?? $"{server.Host}:{server.Port}"}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers ?? [])
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (body is not null)
        {
            if (contentType is not null)
            {
                head.Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n");
            }

            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        }
        else if (method is "POST" or "PUT" or "PATCH")
        {
            head.Append("Content-Length: 0\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), timeout.Token);
        if (body is not null)
        {
            await stream.WriteAsync(body, timeout.Token);
        }

        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, timeout.Token);
        }
        catch (IOException) when (buffer.Length > 0)
        {
            // A reset after the answer: keep what arrived.
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var status = text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), CultureInfo.InvariantCulture, out var code) ? code : 0;
        return new Reply(status, text);
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
