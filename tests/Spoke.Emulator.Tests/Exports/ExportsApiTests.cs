using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Exports;

/// <summary>The exports API over HTTP: 202 task, status to COMPLETE, a download link that needs no token and expires.</summary>
public sealed class ExportsApiTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly EmulatorFixture _fixture;
    private readonly Api _api;

    public ExportsApiTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Api;
        fixture.Emulator.Reset();
        fixture.Emulator.BulkJobsPaused = false;
    }

    public void Dispose() => _fixture.Emulator.BulkJobsPaused = false;

    private async Task<string> Contact(string email, string firstname, string stage = "lead") =>
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email, firstname, lifecyclestage = stage } })).Expect(201)["id"]!.GetValue<string>();

    private async Task<JsonNode> WaitAsync(string taskId)
    {
        for (var i = 0; i < 5_000; i++)
        {
            var status = (await _api.Get($"/crm/v3/exports/export/async/tasks/{taskId}/status")).Expect(200).Body!;
            if (status["status"]!.GetValue<string>() is "COMPLETE" or "CANCELED")
            {
                return status;
            }

            await Task.Yield();
        }

        throw new Xunit.Sdk.XunitException($"Export {taskId} did not complete within 5,000 polls.");
    }

    private static async Task<(HttpStatusCode Status, byte[] Body, string? ContentType)> DownloadAsync(string url)
    {
        // No Authorization header: the link is its own credential.
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task View_export_with_filters_completes_and_its_link_downloads_the_matching_records_as_csv()
    {
        var ada = await Contact("ada@example.com", "Ada", "customer");
        await Contact("bob@example.com", "Bob");
        var cy = await Contact("cy@example.com", "Cy, Jr.", "customer");

        var started = (await _api.Post("/crm/v3/exports/export/async", new
        {
            exportType = "VIEW",
            exportName = "Customers",
            format = "CSV",
            language = "EN",
            objectType = "CONTACT",
            objectProperties = new[] { "email", "firstname", "lifecyclestage" },
            publicCrmSearchRequest = new { filters = new[] { new { propertyName = "lifecyclestage", @operator = "EQ", value = "customer" } } },
        })).Expect(202);
        var taskId = started["id"]!.GetValue<string>();
        Assert.EndsWith($"/crm/v3/exports/export/async/tasks/{taskId}/status", started["links"]["status"]!.GetValue<string>(), StringComparison.Ordinal);

        var status = await WaitAsync(taskId);
        Assert.Equal("COMPLETE", status["status"]!.GetValue<string>());
        var url = status["result"]!.GetValue<string>();
        var (code, body, contentType) = await DownloadAsync(url);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("text/csv", contentType);
        var csv = System.Text.Encoding.UTF8.GetString(body);
        Assert.Equal($"Record ID,Email,First name,Lifecycle stage\r\n{ada},ada@example.com,Ada,Customer\r\n{cy},cy@example.com,\"Cy, Jr.\",Customer\r\n",
            csv, ignoreCase: true);

        var export = (await _api.Get($"/crm/v3/exports/export/{taskId}")).Expect(200);
        Assert.Equal("DONE", export["exportState"]!.GetValue<string>());
        Assert.Equal(2, export["recordCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task List_export_with_internal_names_and_values_exports_the_members()
    {
        var ada = await Contact("ada@example.com", "Ada", "customer");
        await Contact("bob@example.com", "Bob");
        var listId = (await _api.Post("/crm/v3/lists", new { name = "VIPs", objectTypeId = "0-1", processingType = "MANUAL" })).Expect(200)["list"]["listId"]!.GetValue<string>();
        (await _api.Put($"/crm/v3/lists/{listId}/memberships/add", new[] { ada })).Expect(200);

        var taskId = (await _api.Post("/crm/v3/exports/export/async", new
        {
            exportType = "LIST",
            exportName = "VIPs",
            format = "CSV",
            objectType = "0-1",
            listId,
            objectProperties = new[] { "email", "lifecyclestage" },
            exportInternalValuesOptions = new[] { "NAMES", "VALUES" },
        })).Expect(202)["id"]!.GetValue<string>();
        var (_, body, _) = await DownloadAsync((await WaitAsync(taskId))["result"]!.GetValue<string>());
        Assert.Equal($"Record ID,email,lifecyclestage\r\n{ada},ada@example.com,customer\r\n", System.Text.Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task Download_link_is_unguessable_and_expires_on_the_emulator_clock()
    {
        await Contact("ada@example.com", "Ada");
        var taskId = (await _api.Post("/crm/v3/exports/export/async", new { exportType = "VIEW", exportName = "All", format = "CSV", objectType = "contacts", objectProperties = new[] { "email" } }))
            .Expect(202)["id"]!.GetValue<string>();
        var url = (await WaitAsync(taskId))["result"]!.GetValue<string>();
        Assert.Matches("/_export-files/[0-9a-f]{48}/All\\.csv$", url);

        var guessed = url.Replace(url.Split('/')[^2], new string('0', 48), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await DownloadAsync(guessed)).Status);
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(url)).Status);

        _fixture.Emulator.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Forbidden, (await DownloadAsync(url)).Status);
        Assert.Null((await _api.Get($"/crm/v3/exports/export/async/tasks/{taskId}/status")).Expect(200).Body!["result"]);
    }

    [Fact]
    public async Task Paused_export_reports_processing_without_a_result()
    {
        _fixture.Emulator.BulkJobsPaused = true;
        var taskId = (await _api.Post("/crm/v3/exports/export/async", new { exportType = "VIEW", exportName = "All", format = "CSV", objectType = "contacts", objectProperties = new[] { "email" } }))
            .Expect(202)["id"]!.GetValue<string>();
        JsonNode status;
        var polls = 0;
        do
        {
            status = (await _api.Get($"/crm/v3/exports/export/async/tasks/{taskId}/status")).Expect(200).Body!;
            await Task.Yield();
        }
        while (status["status"]!.GetValue<string>() == "PENDING" && ++polls < 5_000);

        Assert.Equal("PROCESSING", status["status"]!.GetValue<string>());
        Assert.Null(status["result"]);
        _fixture.Emulator.BulkJobsPaused = false;
        Assert.Equal("COMPLETE", (await WaitAsync(taskId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_export_requests_are_400_and_unknown_tasks_404()
    {
        var xlsx = (await _api.Post("/crm/v3/exports/export/async", new { exportType = "VIEW", exportName = "x", format = "XLSX", objectType = "contacts", objectProperties = new[] { "email" } })).Expect(400);
        Assert.Contains("CSV only", xlsx["message"]!.GetValue<string>(), StringComparison.Ordinal);
        (await _api.Post("/crm/v3/exports/export/async", new { exportType = "VIEW", exportName = "x", format = "CSV", objectType = "contacts", objectProperties = new[] { "nope" } })).Expect(400);
        (await _api.Post("/crm/v3/exports/export/async", new { exportType = "LIST", exportName = "x", format = "CSV", objectType = "contacts", listId = "999", objectProperties = new[] { "email" } })).Expect(400);
        (await _api.Post("/crm/v3/exports/export/async", new { exportType = "SOMETHING", format = "CSV", objectType = "contacts", objectProperties = new[] { "email" } })).Expect(400);
        (await _api.Post("/crm/v3/exports/export/async", "{bad")).Expect(400);
        (await _api.Get("/crm/v3/exports/export/async/tasks/1/status")).Expect(404);
    }
}

/// <summary>With <see cref="FidelityOptions.ExportDownloadAsZip"/>, the download is a zip holding the CSV.</summary>
public sealed class ZippedExportTests : IClassFixture<ZippedExportTests.ZipFixture>
{
    public sealed class ZipFixture : IAsyncLifetime
    {
        private readonly EmulatorFixture _inner = new() { Configure = o => o.Fidelity.ExportDownloadAsZip = true };

        public Api Api => _inner.Api;
        public Task InitializeAsync() => _inner.InitializeAsync();
        public Task DisposeAsync() => _inner.DisposeAsync();
    }

    private readonly Api _api;

    public ZippedExportTests(ZipFixture fixture) => _api = fixture.Api;

    [Fact]
    public async Task Zip_download_holds_the_csv()
    {
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email = "ada@example.com" } })).Expect(201);
        var taskId = (await _api.Post("/crm/v3/exports/export/async", new { exportType = "VIEW", exportName = "All", format = "CSV", objectType = "contacts", objectProperties = new[] { "email" } }))
            .Expect(202)["id"]!.GetValue<string>();
        string? url = null;
        for (var i = 0; i < 5_000 && url is null; i++)
        {
            url = (await _api.Get($"/crm/v3/exports/export/async/tasks/{taskId}/status")).Expect(200).Body!["result"]?.GetValue<string>();
            await Task.Yield();
        }

        Assert.EndsWith("All.zip", url, StringComparison.Ordinal);
        using var http = new HttpClient();
        await using var stream = await http.GetStreamAsync(url);
        await using var zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: null);
        var entry = Assert.Single(zip.Entries);
        Assert.Equal("All.csv", entry.Name);
        using var reader = new StreamReader(await entry.OpenAsync());
        Assert.Contains("ada@example.com", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }
}
