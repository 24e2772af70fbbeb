using System.Collections.Concurrent;
using System.Text.Json;

namespace Spoke.Tests.Crm;

/// <summary>Records each request's path and, for batch bodies, how many inputs it carried.</summary>
public sealed class RequestCounter : DelegatingHandler
{
    public RequestCounter() : base(new HttpClientHandler())
    {
    }

    public ConcurrentQueue<(string Path, int Inputs)> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var inputs = 0;
        if (request.Content is not null)
        {
            var body = await request.Content.ReadAsStringAsync(cancellationToken);
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("inputs", out var list))
            {
                inputs = list.GetArrayLength();
            }
        }

        Requests.Enqueue((request.RequestUri!.AbsolutePath, inputs));
        return await base.SendAsync(request, cancellationToken);
    }

    public static HubSpotClient Client(ClientFixture fixture, RequestCounter counter, int concurrency = 4) =>
        new(new HttpClient(counter), new HubSpotClientOptions
        {
            BaseUri = fixture.Emulator.BaseUri,
            AccessToken = fixture.Emulator.Token,
            MaxBatchConcurrency = concurrency,
        });
}
