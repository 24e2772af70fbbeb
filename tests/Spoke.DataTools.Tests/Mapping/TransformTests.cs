using Spoke.DataTools.Mapping;
using Spoke.Properties;

namespace Spoke.DataTools.Tests.Mapping;

/// <summary>Each transform, read from the map's JSON and run on values for a property of a given type.</summary>
public sealed class TransformTests
{
    private static string Apply(string transformsJson, string value, string type = "string", string mapDefaults = "")
    {
        var outcome = Run(transformsJson, value, type, mapDefaults);
        Assert.True(outcome.Error is null, outcome.Error);
        return outcome.Value;
    }

    private static string Fails(string transformsJson, string value, string type = "string")
    {
        var outcome = Run(transformsJson, value, type, "");
        Assert.NotNull(outcome.Error);
        return outcome.Error!;
    }

    private static ValuePipeline.Outcome Run(string transformsJson, string value, string type, string mapDefaults)
    {
        var map = ImportMap.Parse($$"""{ {{mapDefaults}} "columns": [{ "source": "c", "property": "p", "transforms": {{transformsJson}} }] }""", "t.json");
        var errors = new List<string>();
        var target = new PropertyDefinition { Name = "p", Type = new PropertyType(type), FieldType = PropertyFieldType.Text };
        var pipeline = ValuePipeline.Compile(map.Columns[0].Transforms, target, map, "columns[0]", errors);
        Assert.Empty(errors);
        return pipeline.Apply(value);
    }

    [Fact]
    public void Trim_lower_and_upper_change_the_text_in_order()
    {
        Assert.Equal("ada@example.com", Apply("""["trim", "lower"]""", "  Ada@Example.COM \t"));
        Assert.Equal("DE", Apply("""["trim", "upper"]""", " de "));
        Assert.Equal(" x ", Apply("[]", " x "));
    }

    [Fact]
    public void Map_replaces_listed_values_exactly_or_ignoring_case_and_uses_the_default_for_the_rest()
    {
        const string exact = """[{ "map": { "values": { "Customer": "customer", "Lead": "lead" } } }]""";
        Assert.Equal("customer", Apply(exact, "Customer"));
        Assert.Equal("customer ", Apply(exact, "customer "));
        const string loose = """[{ "map": { "values": { "Customer": "customer" }, "caseInsensitive": true, "default": "other" } }]""";
        Assert.Equal("customer", Apply(loose, " CUSTOMER "));
        Assert.Equal("other", Apply(loose, "Partner"));
        Assert.Equal("", Apply(loose, ""));
    }

    [Fact]
    public void Date_reads_the_given_format_and_writes_a_date_property_as_yyyy_mm_dd()
    {
        Assert.Equal("1990-02-28", Apply("""[{ "date": "dd/MM/yyyy" }]""", "28/02/1990", "date"));
        Assert.Equal("1990-02-28", Apply("""[{ "date": "dd.MM.yyyy|d.M.yyyy" }]""", "28.2.1990", "date"));
        Assert.Equal("1990-02-28", Apply("""["date"]""", "02/28/1990", "date", """ "dateFormat": "MM/dd/yyyy", """));
        var error = Fails("""[{ "date": "dd/MM/yyyy" }]""", "31/02/1990", "date");
        Assert.Contains("'31/02/1990' is not a date in the format dd/MM/yyyy", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Date_writes_a_datetime_property_in_utc_from_the_time_zone_of_the_map_or_the_offset_in_the_value()
    {
        // Berlin is UTC+2 in summer (CEST) and UTC+1 in winter.
        Assert.Equal("2024-07-01T07:30:00.000Z", Apply("""[{ "date": { "format": "dd.MM.yyyy HH:mm", "timeZone": "Europe/Berlin" } }]""", "01.07.2024 09:30", "datetime"));
        Assert.Equal("2024-01-15T08:30:00.000Z", Apply("""[{ "date": "dd.MM.yyyy HH:mm" }]""", "15.01.2024 09:30", "datetime", """ "timeZone": "Europe/Berlin", """));
        Assert.Equal("2024-01-15T09:30:00.000Z", Apply("""[{ "date": "dd.MM.yyyy HH:mm" }]""", "15.01.2024 09:30", "datetime"));
        Assert.Equal("2024-01-15T04:30:00.000Z", Apply("""[{ "date": { "format": "iso", "timeZone": "Europe/Berlin" } }]""", "2024-01-15T09:30:00+05:00", "datetime"));
        Assert.Equal("2024-01-15T00:00:00.000Z", Apply("""[{ "date": "yyyy-MM-dd" }]""", "2024-01-15", "datetime"));
        Assert.Contains("does not exist in Europe/Berlin", Fails("""[{ "date": { "format": "yyyy-MM-dd HH:mm", "timeZone": "Europe/Berlin" } }]""", "2024-03-31 02:30", "datetime"), StringComparison.Ordinal);
    }

    [Fact]
    public void Number_reads_the_cultures_separators_and_writes_a_plain_decimal()
    {
        Assert.Equal("1234.5", Apply("""[{ "number": "de-DE" }]""", "1.234,5", "number"));
        Assert.Equal("1234567.25", Apply("""[{ "number": "fr-FR" }]""", "1\u202F234\u202F567,25", "number"));
        Assert.Equal("-1234.5", Apply("""[{ "number": "en-US" }]""", "-1,234.5", "number"));
        Assert.Equal("1234.5", Apply("""[{ "number": "de-CH" }]""", "1'234.5", "number"));
        Assert.Equal("1234.5", Apply("""["number"]""", "1.234,5", "number", """ "culture": "de-AT", """));
        Assert.Equal("1234.5", Apply("""[{ "number": { "decimalSeparator": ",", "groupSeparator": "" } }]""", "1234,5", "number"));
        Assert.Contains("'1.2.3' is not a number written with ','", Fails("""[{ "number": "de-DE" }]""", "1.2.3", "number"), StringComparison.Ordinal);
        Assert.Contains("is not a number", Fails("""[{ "number": "de-DE" }]""", "1,234.5", "number"), StringComparison.Ordinal);
    }

    [Fact]
    public void Bool_reads_yes_no_one_zero_true_false_and_the_maps_own_words()
    {
        foreach (var yes in new[] { "yes", "YES", "1", "true", "On", "y" })
        {
            Assert.Equal("true", Apply("""["bool"]""", yes, "bool"));
        }

        foreach (var no in new[] { "no", "0", "FALSE", "off", "n" })
        {
            Assert.Equal("false", Apply("""["bool"]""", no, "bool"));
        }

        Assert.Equal("true", Apply("""[{ "bool": { "true": ["ja"], "false": ["nein"] } }]""", "Ja", "bool"));
        Assert.Equal("false", Apply("""[{ "bool": { "true": ["ja"], "false": ["nein"] } }]""", "nein", "bool"));
        Assert.Contains("'maybe' is not a yes/no value", Fails("""["bool"]""", "maybe", "bool"), StringComparison.Ordinal);
    }

    [Fact]
    public void Constant_replaces_whatever_the_column_holds()
    {
        Assert.Equal("lead", Apply("""[{ "constant": "lead" }]""", "anything"));
        Assert.Equal("lead", Apply("""[{ "constant": "lead" }]""", ""));
    }

    [Fact]
    public void Split_then_per_item_transforms_then_join_with_semicolons_for_multi_select()
    {
        const string transforms = """[{ "split": "," }, { "map": { "values": { "Budget holder": "BUDGET_HOLDER", "End user": "END_USER" }, "caseInsensitive": true } }]""";
        Assert.Equal("BUDGET_HOLDER;END_USER", Apply(transforms, "budget holder, End user,"));
        Assert.Equal("a | b", Apply("""[{ "split": ";" }, { "join": " | " }]""", "a; b"));
    }

    [Fact]
    public void NullIf_turns_placeholder_values_into_no_value()
    {
        Assert.Equal("", Apply("""[{ "nullIf": ["n/a", "-"] }]""", " N/A "));
        Assert.Equal("", Apply("""[{ "nullIf": "none" }, "bool"]""", "NONE", "bool"));
        Assert.Equal("x", Apply("""[{ "nullIf": ["n/a"] }]""", "x"));
    }

    [Fact]
    public void Transforms_round_trip_through_the_maps_json()
    {
        var map = ImportMap.Parse("""
            { "columns": [{ "source": "c", "property": "p", "transforms": ["trim", { "date": "dd/MM/yyyy" }, { "date": { "format": "HH:mm", "timeZone": "UTC" } },
              { "number": "de-DE" }, { "number": { "decimalSeparator": "," } }, { "map": { "values": { "a": "b" }, "default": "c", "caseInsensitive": true } },
              { "bool": { "true": ["ja"] } }, { "constant": "k" }, { "split": "," }, { "join": "+" }, { "nullIf": ["-"] }] }] }
            """, "t.json");
        var again = ImportMap.Parse(map.ToJson(), "saved.json");
        Assert.Equal(map.ToJson(), again.ToJson());
        Assert.Equal(11, again.Columns[0].Transforms.Count);
        Assert.Contains("\"trim\"", again.ToJson(), StringComparison.Ordinal);
        Assert.Contains("\"caseInsensitive\": true", again.ToJson(), StringComparison.Ordinal);
    }
}
