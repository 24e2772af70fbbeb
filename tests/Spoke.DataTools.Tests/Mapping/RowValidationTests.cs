using System.Text;
using Spoke.DataTools.Import;
using Spoke.DataTools.Mapping;

namespace Spoke.DataTools.Tests.Mapping;

/// <summary>Each reason a row is rejected, against the emulator's contact properties, and a file mixing them.</summary>
public sealed class RowValidationTests(PortalFixture portal) : PortalTestBase(portal)
{
    private const string ContactMap = """
        { "upsertBy": "email", "columns": [
            { "source": "email", "property": "email", "transforms": ["trim", "lower"] },
            { "source": "first", "property": "firstname", "required": true },
            { "source": "stage", "property": "lifecyclestage" },
            { "source": "roles", "property": "hs_buying_role" },
            { "source": "born", "property": "date_of_birth", "transforms": [{ "date": "dd/MM/yyyy" }] },
            { "source": "revenue", "property": "annualrevenue" },
            { "source": "optout", "property": "hs_email_optout" },
            { "source": "note", "property": "company" } ] }
        """;

    private const string Header = "email,first,stage,roles,born,revenue,optout,note\n";

    private async Task<PreparedRow> OneRowAsync(string row)
    {
        var rows = await PrepareRowsAsync(ContactMap, Header + row + "\n");
        return Assert.Single(rows);
    }

    private async Task<string> OneProblemAsync(string row)
    {
        var prepared = await OneRowAsync(row);
        Assert.False(prepared.IsValid);
        Assert.Empty(prepared.Properties);
        return Assert.Single(prepared.Problems);
    }

    [Fact]
    public async Task A_valid_row_has_every_value_in_wire_format_and_no_problems()
    {
        var row = await OneRowAsync("ada@example.com,Ada,lead,BUDGET_HOLDER;END_USER,10/12/1815,1234.5,true,Analytical Engines");
        Assert.Empty(row.Problems);
        Assert.Equal("1815-12-10", row.Properties["date_of_birth"]);
        Assert.Equal("BUDGET_HOLDER;END_USER", row.Properties["hs_buying_role"]);
        Assert.Equal(8, row.Properties.Count);
    }

    [Fact]
    public async Task A_number_that_is_not_one_names_the_column_the_value_and_the_number_transform()
    {
        var problem = await OneProblemAsync("ada@example.com,Ada,lead,,,5x,,");
        Assert.Contains("column 'revenue'", problem, StringComparison.Ordinal);
        Assert.Contains("'5x' is not a number for annualrevenue", problem, StringComparison.Ordinal);
        Assert.Contains("\"number\" transform", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bool_date_and_datetime_values_must_be_in_hubspots_format()
    {
        Assert.Contains("'yes' is not true or false for hs_email_optout; add the \"bool\" transform", await OneProblemAsync("a@example.com,A,,,,,yes,"), StringComparison.Ordinal);
        Assert.Contains("'1815-12-10' is not a date in the format dd/MM/yyyy", await OneProblemAsync("a@example.com,A,,,1815-12-10,,,"), StringComparison.Ordinal);

        Assert.Contains("'1815/12/10' is not a date for date_of_birth: HubSpot takes YYYY-MM-DD",
            Assert.Single(Assert.Single(await PrepareRowsAsync("""{ "columns": [{ "source": "day", "property": "date_of_birth" }] }""", "day\n1815/12/10\n")).Problems), StringComparison.Ordinal);

        var deals = await PrepareRowsAsync("""{ "columns": [{ "source": "when", "property": "closedate" }] }""", "when\n2024-05-01 12:00\n2024-05-01T12:00:00Z\n1714564800000\n", "deals");
        Assert.Contains("'2024-05-01 12:00' is not a datetime for closedate: HubSpot takes ISO 8601 with a time zone", Assert.Single(deals[0].Problems), StringComparison.Ordinal);
        Assert.Equal([false, true, true], deals.Select(r => r.IsValid));
    }

    [Fact]
    public async Task An_enumeration_value_that_is_not_an_option_lists_the_allowed_ones()
    {
        var problem = await OneProblemAsync("a@example.com,A,Lead,,,,,");
        Assert.Contains("'Lead' is not an option of lifecyclestage (did you mean 'lead'? option values are case-sensitive)", problem, StringComparison.Ordinal);
        Assert.Contains("allowed: subscriber, lead, marketingqualifiedlead", problem, StringComparison.Ordinal);
        Assert.Contains("\"map\" transform", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multi_select_value_is_checked_one_by_one_and_a_single_select_takes_one()
    {
        Assert.Contains("'BUYER' is not an option of hs_buying_role", await OneProblemAsync("a@example.com,A,,CHAMPION;BUYER,,,,"), StringComparison.Ordinal);
        Assert.Contains("holds 2 values but lifecyclestage takes one", await OneProblemAsync("a@example.com,A,lead;customer,,,,,"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_email_says_what_an_address_needs()
    {
        foreach (var bad in new[] { "ada", "ada@example", "ada@@example.com", "ada lovelace@example.com", "@example.com", "ada@example..com" })
        {
            var problem = await OneProblemAsync($"{bad},A,,,,,,");
            Assert.Contains($"'{bad}' is not an email address (it needs one @, a domain with a dot, and no spaces)", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_required_column_that_is_empty_is_named()
    {
        Assert.Contains("column 'first' (firstname) is required but empty", await OneProblemAsync("a@example.com,,lead,,,,,"), StringComparison.Ordinal);
        Assert.Contains("column 'first' (firstname) is required but empty", await OneProblemAsync("a@example.com,  ,lead,,,,,"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_string_over_65536_characters_is_rejected_with_its_length()
    {
        var problem = await OneProblemAsync("a@example.com,A,,,,,," + new string('x', 65_537));
        Assert.Contains("the value of company is 65,537 characters; HubSpot stores at most 65,536", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_with_too_few_or_too_many_fields_is_rejected_with_both_counts()
    {
        var problem = await OneProblemAsync("a@example.com,A,lead");
        Assert.Contains("the row has 3 fields but the header has 8", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_upsert_key_cannot_be_matched()
    {
        Assert.Contains("the upsert key email is empty", await OneProblemAsync(" ,A,,,,,,"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_20_bad_emails_10_duplicates_an_unknown_option_and_a_bad_date_rejects_exactly_those()
    {
        var csv = new StringBuilder(Header);
        var expected = new Dictionary<long, string>();
        var line = 1L;
        for (var i = 0; i < 100; i++)
        {
            line++;
            if (i % 5 == 1)
            {
                csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"bad{i}.example.com,Bad{i},lead,,,,,\n");
                expected[line] = $"'bad{i}.example.com' is not an email address";
            }
            else
            {
                csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"user{i}@example.com,User{i},lead,,01/01/1990,,,\n");
            }
        }

        for (var i = 0; i < 10; i++)
        {
            line++;
            var original = i * 10; // lines 2, 12, 22, …: valid rows above
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $" USER{original}@Example.com ,Again{i},customer,,,,,\n");
            expected[line] = $"duplicate email 'user{original}@example.com': line {original + 2} has it already";
        }

        line++;
        csv.Append("gold@example.com,Gold,gold,,,,,\n");
        expected[line] = "'gold' is not an option of lifecyclestage";
        line++;
        csv.Append("date@example.com,Date,lead,,31/13/1990,,,\n");
        expected[line] = "'31/13/1990' is not a date in the format dd/MM/yyyy";

        var rows = await PrepareRowsAsync(ContactMap, csv.ToString());

        Assert.Equal(112, rows.Count);
        var rejected = rows.Where(r => !r.IsValid).ToList();
        Assert.Equal(32, rejected.Count);
        Assert.Equal(expected.Keys.Order(), rejected.Select(r => r.LineNumber));
        foreach (var row in rejected)
        {
            var problem = Assert.Single(row.Problems);
            Assert.Contains(expected[row.LineNumber], problem, StringComparison.Ordinal);
        }

        Assert.Equal(80, rows.Count(r => r.IsValid));
        Assert.All(rows.Where(r => r.IsValid), r => Assert.NotEmpty(r.Properties));
    }

    [Fact]
    public async Task A_duplicate_of_a_rejected_row_is_imported_because_the_first_never_was()
    {
        var rows = await PrepareRowsAsync(ContactMap, Header + "a@example.com,,lead,,,,,\na@example.com,A,lead,,,,,\na@example.com,B,lead,,,,,\n");
        Assert.Equal([false, true, false], rows.Select(r => r.IsValid));
        Assert.Contains("line 3 has it already", Assert.Single(rows[2].Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_differing_only_in_case_are_distinct_when_the_option_says_so()
    {
        var map = ContactMap.Replace("\"transforms\": [\"trim\", \"lower\"]", "\"transforms\": [\"trim\"]", StringComparison.Ordinal);
        var csv = Header + "a@example.com,A,lead,,,,,\nA@example.com,B,lead,,,,,\n";
        Assert.Equal([true, false], (await PrepareRowsAsync(map, csv)).Select(r => r.IsValid));
        Assert.Equal([true, true], (await PrepareRowsAsync(map, csv, options: new ImportPlanOptions { UpsertKeysIgnoreCase = false })).Select(r => r.IsValid));
    }

    [Fact]
    public async Task Associations_carry_the_transformed_value_and_a_split_value_gives_one_each()
    {
        var map = """
            { "columns": [{ "source": "email", "property": "email" }],
              "associations": [{ "column": "domains", "toObjectType": "companies", "by": "domain", "transforms": [{ "split": "|" }, "lower"], "associationTypeId": 1 }] }
            """;
        var rows = await PrepareRowsAsync(map, "email,domains\na@example.com,Example.com|Example.org\nb@example.com,\n");
        Assert.Equal([new ImportAssociation("companies", "domain", "example.com", 1, "HUBSPOT_DEFINED"), new ImportAssociation("companies", "domain", "example.org", 1, "HUBSPOT_DEFINED")],
            rows[0].Associations);
        Assert.Empty(rows[1].Associations);
        Assert.True(rows[1].IsValid);
    }

    [Fact]
    public async Task Constants_are_set_on_every_row_and_whenEmpty_clear_sends_an_empty_value()
    {
        var map = """
            { "columns": [{ "source": "email", "property": "email" }, { "source": "title", "property": "jobtitle", "whenEmpty": "clear" }, { "source": "city", "property": "city" }],
              "constants": { "hs_lead_status": "NEW" } }
            """;
        var row = Assert.Single(await PrepareRowsAsync(map, "email,title,city\na@example.com,,\n"));
        Assert.Equal(new Dictionary<string, string?> { ["email"] = "a@example.com", ["jobtitle"] = "", ["hs_lead_status"] = "NEW" }, row.Properties);
    }
}
