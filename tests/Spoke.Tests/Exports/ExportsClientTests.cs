using System.Net.Http.Headers;
using System.Text;
using Spoke.Crm;
using Spoke.Errors;
using Spoke.Exports;

namespace Spoke.Tests.Exports;

public sealed class ExportsClientTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    /// <summary>Passes requests on and records which carried a bearer token.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new HttpClientHandler())
    {
        public List<(Uri Uri, AuthenticationHeaderValue? Auth)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add((request.RequestUri!, request.Headers.Authorization));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    [Theory]
    [InlineData(HubSpotApiVersion.V2026_09)]
    [InlineData(HubSpotApiVersion.Classic)]
    public async Task Export_download_equals_the_records_and_never_carries_the_token(HubSpotApiVersion version)
    {
        using var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var client = new HubSpotClient(http, new HubSpotClientOptions
        {
            BaseUri = fixture.Emulator.BaseUri, AccessToken = fixture.Emulator.Token, ApiVersion = version, ProactiveRateLimiting = false,
        });
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        foreach (var name in new[] { "Ada", "Bob", "Cy" })
        {
            ids.Add((await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", $"{name.ToLowerInvariant()}{tag}@example.com").Set("firstname", name).Set("company", tag))).Id);
        }

        var request = ExportRequest.View("contacts", $"Export {tag}", ["email", "firstname"],
            new CrmSearchRequest().AddFilterGroup(CrmFilter.Eq("company", tag), CrmFilter.Neq("firstname", "Bob")));
        var taskId = await client.Exports.StartAsync(request);
        var status = await client.Exports.WaitForCompletionAsync(taskId, Poll);
        Assert.Equal(ExportTaskStatus.Complete, status.Status);
        Assert.NotNull(status.ResultUrl);

        using var file = new MemoryStream();
        await client.Exports.DownloadAsync(status, file);
        var csv = Encoding.UTF8.GetString(file.ToArray());
        Assert.Equal($"Record ID,Email,First Name\r\n{ids[0]},ada{tag}@example.com,Ada\r\n{ids[2]},cy{tag}@example.com,Cy\r\n", csv, ignoreCase: true);

        var download = Assert.Single(handler.Requests, r => r.Uri == status.ResultUrl);
        Assert.Null(download.Auth);
        Assert.All(handler.Requests.Where(r => r.Uri != status.ResultUrl), r => Assert.Equal("Bearer", r.Auth?.Scheme));
    }

    [Fact]
    public async Task List_export_holds_the_members_and_internal_values()
    {
        var client = fixture.Client;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ada = (await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", $"ada{tag}@example.com").Set("lifecyclestage", "customer"))).Id;
        await client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", $"bob{tag}@example.com"));
        var list = await client.Lists.CreateAsync(new Spoke.Lists.ListCreate { Name = $"VIP {tag}", ObjectTypeId = "0-1", ProcessingType = Spoke.Lists.ListProcessingType.Manual });
        await client.Lists.AddMembersAsync(list.ListId, [ada]);

        var taskId = await client.Exports.StartAsync(ExportRequest.List("0-1", list.ListId, "VIPs", ["email", "lifecyclestage"]) with { InternalNames = true, InternalValues = true });
        var status = await client.Exports.WaitForCompletionAsync(taskId, Poll);
        using var file = new MemoryStream();
        await client.Exports.DownloadAsync(status, file);
        Assert.Equal($"Record ID,email,lifecyclestage\r\n{ada},ada{tag}@example.com,customer\r\n", Encoding.UTF8.GetString(file.ToArray()));
    }

    [Fact]
    public async Task Download_refuses_an_unfinished_export_a_foreign_plain_http_link_and_an_expired_one()
    {
        var client = fixture.Client;
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            client.Exports.DownloadAsync(new ExportStatus { TaskId = "1", Status = ExportTaskStatus.Processing }, Stream.Null));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            client.Exports.DownloadAsync(new ExportStatus { TaskId = "1", Status = ExportTaskStatus.Complete, ResultUrl = new Uri("http://files.example/x.csv") }, Stream.Null));

        var taskId = await client.Exports.StartAsync(ExportRequest.View("contacts", "All", ["email"]));
        var status = await client.Exports.WaitForCompletionAsync(taskId, Poll);
        fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        var expired = await Assert.ThrowsAnyAsync<HubSpotApiException>(() => client.Exports.DownloadAsync(status, Stream.Null));
        Assert.Equal(403, expired.Status);
        Assert.Null((await client.Exports.GetStatusAsync(taskId)).ResultUrl);

        var refused = await Assert.ThrowsAnyAsync<HubSpotApiException>(() => client.Exports.StartAsync(ExportRequest.View("contacts", "x", ["email"]) with { Format = "XLSX" }));
        Assert.Equal(400, refused.Status);
    }
}
