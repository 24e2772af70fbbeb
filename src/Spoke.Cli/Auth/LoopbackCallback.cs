using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Spoke.OAuth;

namespace Spoke.Cli.Auth;

/// <summary>
/// The redirect target of <c>spoke auth login</c>: <c>http://localhost:PORT/oauth-callback</c>, listening on the loopback
/// interfaces only. It takes one callback whose <c>state</c> is the login's: a callback with any other state (a stale tab,
/// a forged link) is refused and the login keeps waiting. Requests naming another host (DNS rebinding) are refused too.
/// </summary>
internal sealed class LoopbackCallback : IAsyncDisposable
{
    public const string CallbackPath = "/oauth-callback";

    private readonly WebApplication _app;
    private readonly TextWriter _notices;
    private readonly TaskCompletionSource<CallbackResult> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(bool Success, string Message)> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HubSpotAuthorizationRequest? _request;

    private LoopbackCallback(WebApplication app, int port, TextWriter notices)
    {
        _app = app;
        Port = port;
        _notices = notices;
    }

    public int Port { get; }

    public Uri RedirectUri => new($"http://localhost:{Port}{CallbackPath}");

    /// <summary>The first callback that carried the login's state: a code, or HubSpot's error (the user cancelled).</summary>
    public Task<CallbackResult> Received => _received.Task;

    /// <summary>Starts listening on <paramref name="port"/> (0 picks a free one).</summary>
    /// <exception cref="AuthException">The port is in use.</exception>
    public static async Task<LoopbackCallback> StartAsync(int port, TextWriter notices, CancellationToken cancellationToken)
    {
        if (port == 0)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            // localhost: 127.0.0.1 and ::1, never another interface. A callback is one GET with a short query.
            o.ListenLocalhost(port);
            o.Limits.MaxRequestBodySize = 0;
            o.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            o.Limits.MaxRequestLineSize = 8 * 1024;
            o.AddServerHeader = false;
        });
        var app = builder.Build();
        var callback = new LoopbackCallback(app, port, notices);
        app.MapGet(CallbackPath, (Func<HttpContext, Task<IResult>>)callback.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new AuthException($"Port {port} on localhost is in use, so the login cannot receive HubSpot's redirect there: stop what uses it, or pass --port with the port of another redirect URL your app lists (http://localhost:PORT{CallbackPath}).");
        }

        return callback;
    }

    /// <summary>The request whose state the callback must carry.</summary>
    public void Expect(HubSpotAuthorizationRequest request) => _request = request;

    /// <summary>What the browser tab shows once the code was exchanged (or was not).</summary>
    public void Finish(bool success, string message) => _outcome.TrySetResult((success, message));

    public async ValueTask DisposeAsync()
    {
        _outcome.TrySetResult((false, "The login stopped."));
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var host = context.Request.Host;
        if (host.Port != Port || host.Host is not ("localhost" or "127.0.0.1" or "[::1]"))
        {
            return Page(StatusCodes.Status400BadRequest, "Wrong address", "This callback only answers at " + RedirectUri + ".");
        }

        if (_received.Task.IsCompleted)
        {
            return Page(StatusCodes.Status410Gone, "Login finished", "This login has already received its answer from HubSpot. You can close this tab.");
        }

        var query = context.Request.Query;
        if (_request is null || !_request.IsState(query["state"]))
        {
            await _notices.WriteLineAsync("Refused a callback whose state does not match this login (a stale browser tab, or a link this login did not start); still waiting for HubSpot's answer.").ConfigureAwait(false);
            return Page(StatusCodes.Status400BadRequest, "Not this login",
                "This answer does not belong to the login that is waiting (its state does not match), so it was refused and nothing was stored. Open the URL that `spoke auth login` printed.");
        }

        if (query["error"] is { Count: > 0 } error)
        {
            _received.TrySetResult(new CallbackResult(null, error.ToString(), query["error_description"].ToString()));
            return Page(StatusCodes.Status200OK, "Not connected", "Access was not granted, so Spoke stored nothing. You can close this tab.");
        }

        if (query["code"] is not { Count: 1 } code || string.IsNullOrEmpty(code.ToString()))
        {
            return Page(StatusCodes.Status400BadRequest, "No code", "This answer carries no authorization code. Open the URL that `spoke auth login` printed.");
        }

        _received.TrySetResult(new CallbackResult(code.ToString(), null, null));
        var outcome = await _outcome.Task.WaitAsync(TimeSpan.FromMinutes(2), TimeProvider.System, context.RequestAborted).ConfigureAwait(false);
        return outcome.Success
            ? Page(StatusCodes.Status200OK, "Connected", outcome.Message + " You can close this tab.")
            : Page(StatusCodes.Status502BadGateway, "Not connected", outcome.Message);
    }

    private static IResult Page(int status, string title, string message)
    {
        var html = $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Spoke: {WebUtility.HtmlEncode(title)}</title></head>" +
            $"<body><main><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(message)}</p></main></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}

/// <summary>HubSpot's answer: a code, or an error such as <c>access_denied</c>.</summary>
internal sealed record CallbackResult(string? Code, string? Error, string? ErrorDescription)
{
    /// <summary>Never prints the code.</summary>
    public override string ToString() => Code is null ? $"CallbackResult(error {Error})" : "CallbackResult(code)";
}
