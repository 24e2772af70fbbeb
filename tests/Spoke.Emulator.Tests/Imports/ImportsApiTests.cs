using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.CrmImports;

/// <summary>The imports API over HTTP: multipart in, background processing, counters, row errors, cancel, bad input.</summary>
public sealed class ImportsApiTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly EmulatorFixture _fixture;
    private readonly Api _api;
    private readonly HttpClient _http;

    public ImportsApiTests(EmulatorFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Api;
        fixture.Emulator.Reset();
        fixture.Emulator.BulkJobsPaused = false;
        _http = ImportHttp.Client(fixture.Emulator);
    }

    public void Dispose()
    {
        _fixture.Emulator.BulkJobsPaused = false;
        _http.Dispose();
    }

    private static object ContactsRequest(string operation = "UPSERT", string fileName = "contacts.csv", string dateFormat = "MONTH_DAY_YEAR") => new
    {
        name = "Spring contacts",
        importOperations = new Dictionary<string, string> { ["0-1"] = operation },
        dateFormat,
        files = new[]
        {
            new
            {
                fileName,
                fileFormat = "CSV",
                fileImportPage = new
                {
                    hasHeader = true,
                    columnMappings = new object[]
                    {
                        new { columnObjectTypeId = "0-1", columnName = "Email", propertyName = "email", columnType = "HUBSPOT_ALTERNATE_ID" },
                        new { columnObjectTypeId = "0-1", columnName = "First Name", propertyName = "firstname" },
                        new { columnObjectTypeId = "0-1", columnName = "Stage", propertyName = "lifecyclestage" },
                    },
                },
            },
        },
    };

    private const string FiveRows =
        "Email,First Name,Stage\r\n" +
        "ada@example.com,Ada,lead\r\n" +
        "not-an-email,Bob,lead\r\n" +
        "cy@example.com,\"Cy, Jr.\",Customer\r\n" +
        "dee@example.com,Dee,astronaut\r\n" +
        "eve@example.com,Eve,\r\n";

    [Fact]
    public async Task Csv_with_bad_rows_ends_done_with_hubspot_counters_and_row_errors()
    {
        var started = await ImportHttp.StartAsync(_http, ContactsRequest(), ("contacts.csv", FiveRows));
        Assert.Equal("STARTED", started["state"]!.GetValue<string>());
        Assert.Equal(["0-1"], started["mappedObjectTypeIds"]!.AsArray().Select(x => x!.GetValue<string>()));
        var id = started["id"]!.GetValue<string>();

        var done = await ImportHttp.WaitAsync(_api, id);
        Assert.Equal("DONE", done["state"]!.GetValue<string>());
        var counters = done["metadata"]!["counters"]!;
        Assert.Equal(5, counters["TOTAL_ROWS"]!.GetValue<int>());
        Assert.Equal(3, counters["CREATED_OBJECTS"]!.GetValue<int>());
        Assert.Equal(2, counters["ERRORS"]!.GetValue<int>());
        Assert.Equal(3, counters["UNIQUE_OBJECTS_WRITTEN"]!.GetValue<int>());
        Assert.Null(counters["UPDATED_OBJECTS"]);
        Assert.Equal("Spring contacts", done["importName"]!.GetValue<string>());

        // The rows went through the objects API's writer: labels became values, the quoted comma stayed in the name.
        var cy = (await _api.Get("/crm/v3/objects/contacts/cy@example.com?idProperty=email&properties=firstname,lifecyclestage")).Expect(200);
        Assert.Equal("Cy, Jr.", cy["properties"]["firstname"]!.GetValue<string>());
        Assert.Equal("customer", cy["properties"]["lifecyclestage"]!.GetValue<string>());
        (await _api.Get("/crm/v3/objects/contacts/dee@example.com?idProperty=email")).Expect(404);

        var errors = (await _api.Get($"/crm/v3/imports/{id}/errors?includeErrorMessage=true&includeRowData=true")).Expect(200)["results"].AsArray();
        Assert.Equal(2, errors.Count);
        Assert.Equal("INVALID_EMAIL", errors[0]!["errorType"]!.GetValue<string>());
        Assert.Equal(3, errors[0]!["sourceData"]!["lineNumber"]!.GetValue<int>());
        Assert.Equal(["not-an-email", "Bob", "lead"], errors[0]!["sourceData"]!["rowData"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("CONTACT", errors[0]!["objectType"]!.GetValue<string>());
        Assert.Equal("INVALID_ENUMERATION_OPTION", errors[1]!["errorType"]!.GetValue<string>());
        Assert.Equal(5, errors[1]!["sourceData"]!["lineNumber"]!.GetValue<int>());
        Assert.Contains("astronaut", errors[1]!["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, JsonDocument.Parse(errors[1]!["createdAt"]!.ToJsonString()).RootElement.ValueKind);

        // Row values are personal data: left out unless asked for.
        var bare = (await _api.Get($"/crm/v3/imports/{id}/errors")).Expect(200)["results"].AsArray();
        Assert.Empty(bare[0]!["sourceData"]!["rowData"]!.AsArray());
        Assert.Null(bare[0]!["errorMessage"]);

        var paged = (await _api.Get($"/crm/v3/imports/{id}/errors?limit=1")).Expect(200);
        Assert.Single(paged["results"].AsArray());
        var after = paged["paging"]["next"]!["after"]!.GetValue<string>();
        var second = (await _api.Get($"/crm/v3/imports/{id}/errors?limit=1&after={after}")).Expect(200);
        Assert.Equal("INVALID_ENUMERATION_OPTION", second["results"].AsArray()[0]!["errorType"]!.GetValue<string>());
        Assert.Null(second.Body!["paging"]);
    }

    [Fact]
    public async Task Upsert_updates_by_email_and_create_or_update_only_imports_refuse_the_other_rows()
    {
        (await _api.Post("/crm/v3/objects/contacts", new { properties = new { email = "ada@example.com", firstname = "Old" } })).Expect(201);
        const string csv = "Email,First Name,Stage\nada@example.com,Ada,lead\nnew@example.com,New,lead\n";

        var upsert = await ImportHttp.WaitAsync(_api, (await ImportHttp.StartAsync(_http, ContactsRequest(), ("contacts.csv", csv)))["id"]!.GetValue<string>());
        Assert.Equal(1, upsert["metadata"]!["counters"]!["UPDATED_OBJECTS"]!.GetValue<int>());
        Assert.Equal(1, upsert["metadata"]!["counters"]!["CREATED_OBJECTS"]!.GetValue<int>());
        var ada = (await _api.Get("/crm/v3/objects/contacts/ada@example.com?idProperty=email")).Expect(200);
        Assert.Equal("Ada", ada["properties"]["firstname"]!.GetValue<string>());

        const string more = "Email,First Name,Stage\nada@example.com,Ada2,lead\nfresh@example.com,Fresh,lead\n";
        var create = await ImportHttp.WaitAsync(_api, (await ImportHttp.StartAsync(_http, ContactsRequest("CREATE"), ("contacts.csv", more)))["id"]!.GetValue<string>());
        var createErrors = (await _api.Get($"/crm/v3/imports/{create["id"]!.GetValue<string>()}/errors")).Expect(200)["results"].AsArray();
        Assert.Equal("CREATE_ONLY_IMPORT", Assert.Single(createErrors)!["errorType"]!.GetValue<string>());

        const string third = "Email,First Name,Stage\nada@example.com,Ada3,lead\nnobody@example.com,Nobody,lead\n";
        var update = await ImportHttp.WaitAsync(_api, (await ImportHttp.StartAsync(_http, ContactsRequest("UPDATE"), ("contacts.csv", third)))["id"]!.GetValue<string>());
        var updateErrors = (await _api.Get($"/crm/v3/imports/{update["id"]!.GetValue<string>()}/errors")).Expect(200)["results"].AsArray();
        Assert.Equal("UPDATE_ONLY_IMPORT", Assert.Single(updateErrors)!["errorType"]!.GetValue<string>());
        (await _api.Get("/crm/v3/objects/contacts/nobody@example.com?idProperty=email")).Expect(404);
        Assert.Equal("Ada3", (await _api.Get("/crm/v3/objects/contacts/ada@example.com?idProperty=email")).Expect(200)["properties"]["firstname"]!.GetValue<string>());
    }

    [Fact]
    public async Task Paused_import_stays_started_and_cancel_ends_it_without_writing_rows()
    {
        _fixture.Emulator.BulkJobsPaused = true;
        var id = (await ImportHttp.StartAsync(_http, ContactsRequest(), ("contacts.csv", FiveRows)))["id"]!.GetValue<string>();
        Assert.Equal("STARTED", (await _api.Get($"/crm/v3/imports/{id}")).Expect(200)["state"]!.GetValue<string>());

        var cancel = (await _api.Post($"/crm/v3/imports/{id}/cancel", null)).Expect(200);
        Assert.Equal("COMPLETE", cancel["status"]!.GetValue<string>());
        _fixture.Emulator.BulkJobsPaused = false;

        var after = await ImportHttp.WaitAsync(_api, id);
        Assert.Equal("CANCELED", after["state"]!.GetValue<string>());
        Assert.Equal(0, after["metadata"]!["counters"]!["TOTAL_ROWS"]!.GetValue<int>());
        (await _api.Get("/crm/v3/objects/contacts/ada@example.com?idProperty=email")).Expect(404);
    }

    [Fact]
    public async Task Rows_mapping_two_object_types_create_both_and_associate_them()
    {
        var request = new
        {
            name = "People and firms",
            files = new[]
            {
                new
                {
                    fileName = "people.csv",
                    fileImportPage = new
                    {
                        hasHeader = true,
                        columnMappings = new object[]
                        {
                            new { columnObjectTypeId = "0-1", columnName = "Email", propertyName = "email" },
                            new { columnObjectTypeId = "0-2", columnName = "Company", propertyName = "name" },
                        },
                    },
                },
            },
        };
        var done = await ImportHttp.WaitAsync(_api, (await ImportHttp.StartAsync(_http, request, ("people.csv", "Email,Company\nada@example.com,Analytical Engines\n")))["id"]!.GetValue<string>());
        Assert.Equal(1, done["metadata"]!["counters"]!["ASSOCIATIONS_CREATED"]!.GetValue<int>());
        Assert.Equal(["0-1", "0-2"], done["mappedObjectTypeIds"]!.AsArray().Select(x => x!.GetValue<string>()));
        var ada = (await _api.Get("/crm/v3/objects/contacts/ada@example.com?idProperty=email")).Expect(200)["id"]!.GetValue<string>();
        var companies = (await _api.Get($"/crm/v4/objects/contacts/{ada}/associations/companies")).Expect(200)["results"].AsArray();
        Assert.Single(companies);
    }

    [Fact]
    public async Task Imports_list_newest_first_in_pages()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await ImportHttp.StartAsync(_http, ContactsRequest(), ("contacts.csv", $"Email,First Name,Stage\nu{i}@example.com,U,lead\n")))["id"]!.GetValue<string>();
            await ImportHttp.WaitAsync(_api, id);
            ids.Add(id);
        }

        var first = (await _api.Get("/crm/v3/imports?limit=2")).Expect(200);
        Assert.Equal([ids[2], ids[1]], first["results"].AsArray().Select(x => x!["id"]!.GetValue<string>()));
        var after = first["paging"]["next"]!["after"]!.GetValue<string>();
        var second = (await _api.Get($"/crm/v3/imports?limit=2&after={after}")).Expect(200);
        Assert.Equal([ids[0]], second["results"].AsArray().Select(x => x!["id"]!.GetValue<string>()));
        (await _api.Get("/crm/v3/imports/123")).Expect(404);
    }

    [Fact]
    public async Task Dates_follow_the_import_date_format()
    {
        var request = new
        {
            dateFormat = "DAY_MONTH_YEAR",
            files = new[]
            {
                new
                {
                    fileName = "birthdays.csv",
                    fileImportPage = new
                    {
                        hasHeader = true,
                        columnMappings = new object[]
                        {
                            new { columnObjectTypeId = "0-1", columnName = "Email", propertyName = "email" },
                            new { columnObjectTypeId = "0-1", columnName = "Born", propertyName = "date_of_birth" },
                        },
                    },
                },
            },
        };
        await ImportHttp.WaitAsync(_api, (await ImportHttp.StartAsync(_http, request, ("birthdays.csv", "Email,Born\nada@example.com,10/12/1815\n")))["id"]!.GetValue<string>());
        var ada = (await _api.Get("/crm/v3/objects/contacts/ada@example.com?idProperty=email&properties=date_of_birth")).Expect(200);
        Assert.Equal("1815-12-10", ada["properties"]["date_of_birth"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_requests_get_hubspot_shaped_400s()
    {
        var notMultipart = (await _api.Post("/crm/v3/imports", new { name = "x" })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", notMultipart["category"]!.GetValue<string>());
        Assert.Contains("multipart/form-data", notMultipart["message"]!.GetValue<string>(), StringComparison.Ordinal);

        async Task<Reply> Send(HttpContent content)
        {
            using var response = await _http.PostAsync("crm/v3/imports", content);
            var text = await response.Content.ReadAsStringAsync();
            return new Reply(response.StatusCode, JsonNode.Parse(text), text, new Dictionary<string, string>());
        }

        using (var noRequest = new MultipartFormDataContent { { new StringContent("a,b\n1,2\n"), "files", "x.csv" } })
        {
            Assert.Contains("importRequest", (await Send(noRequest)).Expect(400)["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using (var badJson = new MultipartFormDataContent { { new StringContent("{not json"), "importRequest" }, { new StringContent("a\n1\n"), "files", "x.csv" } })
        {
            Assert.Contains("not valid JSON", (await Send(badJson)).Expect(400)["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using (var truncated = new StringContent("--b\r\nContent-Disposition: form-data; name=\"importRequest\"\r\n\r\n{}", Encoding.UTF8))
        {
            truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
            Assert.Equal(400, (await Send(truncated)).Code);
        }

        var badCsv = await ImportHttp.PostAsync(_http, ContactsRequest(), ("contacts.csv", "Email,First Name,Stage\n\"ada@example.com,Ada,lead\n"));
        Assert.Contains("not valid CSV on line 2", badCsv.Expect(400)["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var missingColumn = await ImportHttp.PostAsync(_http, ContactsRequest(), ("contacts.csv", "Mail,First Name,Stage\na@b.com,A,lead\n"));
        Assert.Contains("no column \"Email\"", missingColumn.Expect(400)["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var wrongName = await ImportHttp.PostAsync(_http, ContactsRequest(fileName: "other.csv"), ("contacts.csv", FiveRows), ("second.csv", FiveRows));
        Assert.Contains("other.csv", wrongName.Expect(400)["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var xlsx = await ImportHttp.PostAsync(_http, ContactsRequest(fileName: "contacts.xlsx"), ("contacts.xlsx", FiveRows));
        Assert.Contains("CSV files only", xlsx.Expect(400)["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var badOperation = await ImportHttp.PostAsync(_http, ContactsRequest("MERGE"), ("contacts.csv", FiveRows));
        Assert.Contains("CREATE, UPDATE or UPSERT", badOperation.Expect(400)["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Nothing was imported by any of them.
        Assert.Empty((await _api.Get("/crm/v3/imports")).Expect(200)["results"].AsArray());
    }

    [Fact]
    public async Task Import_needs_the_import_scope()
    {
        using var http = ImportHttp.Client(_fixture.Emulator, _fixture.Emulator.CreateToken("crm.objects.contacts.write"));
        var reply = await ImportHttp.PostAsync(http, ContactsRequest(), ("contacts.csv", FiveRows));
        reply.Expect(403);
    }
}

/// <summary>Imports over limits: 429 as HubSpot answers (a small file bound here, so the test sends little).</summary>
public sealed class ImportLimitsTests : IClassFixture<ImportLimitsTests.SmallLimits>, IDisposable
{
    public sealed class SmallLimits() : IAsyncLifetime
    {
        private readonly EmulatorFixture _inner = new()
        {
            Configure = o =>
            {
                o.Fidelity.ImportMaxFileBytes = 1024;
                o.Fidelity.ImportMaxRowsPerFile = 3;
                o.Fidelity.ImportMaxRowsPerDay = 5;
            },
        };

        public HubSpotEmulator Emulator => _inner.Emulator;
        public Api Api => _inner.Api;
        public Task InitializeAsync() => _inner.InitializeAsync();
        public Task DisposeAsync() => _inner.DisposeAsync();
    }

    private readonly SmallLimits _fixture;
    private readonly HttpClient _http;

    public ImportLimitsTests(SmallLimits fixture)
    {
        _fixture = fixture;
        fixture.Emulator.Reset();
        _http = ImportHttp.Client(fixture.Emulator);
    }

    public void Dispose() => _http.Dispose();

    private static object Request => new
    {
        files = new[]
        {
            new { fileName = "c.csv", fileImportPage = new { hasHeader = true, columnMappings = new object[] { new { columnObjectTypeId = "0-1", columnName = "Email", propertyName = "email" } } } },
        },
    };

    [Fact]
    public async Task A_file_over_the_byte_bound_is_429()
    {
        var big = "Email\n" + string.Concat(Enumerable.Repeat("someone.with.a.long.address@example.com\n", 40));
        var reply = await ImportHttp.PostAsync(_http, Request, ("c.csv", big));
        reply.Expect(429);
        Assert.Contains("larger than 1024 bytes", reply["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_over_the_file_and_day_limits_are_429()
    {
        var tooMany = await ImportHttp.PostAsync(_http, Request, ("c.csv", "Email\na@x.com\nb@x.com\nc@x.com\nd@x.com\n"));
        Assert.Contains("more than 3 rows", tooMany.Expect(429)["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var id = (await ImportHttp.PostAsync(_http, Request, ("c.csv", "Email\na@x.com\nb@x.com\nc@x.com\n"))).Expect(200)["id"]!.GetValue<string>();
        await ImportHttp.WaitAsync(_fixture.Api, id);
        var overDay = await ImportHttp.PostAsync(_http, Request, ("c.csv", "Email\nd@x.com\ne@x.com\nf@x.com\n"));
        Assert.Contains("daily import limit of 5 rows", overDay.Expect(429)["message"]!.GetValue<string>(), StringComparison.Ordinal);

        _fixture.Emulator.Clock.Advance(TimeSpan.FromDays(1));
        (await ImportHttp.PostAsync(_http, Request, ("c.csv", "Email\nd@x.com\ne@x.com\nf@x.com\n"))).Expect(200);
    }
}

/// <summary>Multipart helpers for the import tests.</summary>
internal static class ImportHttp
{
    public static HttpClient Client(HubSpotEmulator emulator, string? token = null)
    {
        var http = new HttpClient { BaseAddress = emulator.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? emulator.Token);
        return http;
    }

    public static async Task<Reply> PostAsync(HttpClient http, object request, params (string Name, string Csv)[] files)
    {
        using var content = new MultipartFormDataContent
        {
            { new StringContent(JsonSerializer.Serialize(request, request.GetType(), Json.Options), Encoding.UTF8), "importRequest" },
        };
        foreach (var (name, csv) in files)
        {
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Add(file, "files", name);
        }

        using var response = await http.PostAsync("crm/v3/imports", content);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), text, new Dictionary<string, string>());
    }

    public static async Task<JsonNode> StartAsync(HttpClient http, object request, params (string Name, string Csv)[] files) =>
        (await PostAsync(http, request, files)).Expect(200).Body!;

    /// <summary>Polls the import until it reaches a terminal state (bounded; no sleeping).</summary>
    public static async Task<JsonNode> WaitAsync(Api api, string id)
    {
        for (var i = 0; i < 5_000; i++)
        {
            var body = (await api.Get($"/crm/v3/imports/{id}")).Expect(200).Body!;
            if (body["state"]!.GetValue<string>() is "DONE" or "FAILED" or "CANCELED")
            {
                return body;
            }

            await Task.Yield();
        }

        throw new Xunit.Sdk.XunitException($"Import {id} did not finish within 5,000 polls.");
    }
}
