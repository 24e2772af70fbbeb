using System.Runtime.Serialization;
using Spoke.Crm;
using Spoke.Mapping;

namespace Spoke.Tests.Crm;

public sealed class PropertyBagTests
{
    public enum Stage
    {
        [EnumMember(Value = "appointmentscheduled")] Scheduled,
        [HubSpotEnumValue("closedwon")] Won,
        closedlost,
    }

    [Theory]
    [InlineData("1234.56", "1234.56")]
    [InlineData("-1234.56", "-1234.56")]
    [InlineData("1.50", "1.5")]
    [InlineData("100", "100")]
    [InlineData("1000.000", "1000")]
    [InlineData("-0.0", "0")]
    [InlineData("0.0000001", "0.0000001")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("-79228162514264337593543950335", "-79228162514264337593543950335")]
    [InlineData("0.1234567890123456789012345678", "0.1234567890123456789012345678")]
    public void Decimals_are_written_as_plain_digits_without_exponent_or_trailing_zeros(string input, string wire)
    {
        var value = decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture);
        var bag = new PropertyBag().Set("amount", value);
        Assert.Equal(wire, bag["amount"]);
        Assert.Equal(value, bag.GetDecimal("amount"));
    }

    [Theory]
    [InlineData("1e3", 1000)]
    [InlineData("1.5E-2", 0.015)]
    [InlineData(" 42 ", 42)]
    public void Numbers_in_scientific_notation_are_read(string wire, double expected) =>
        Assert.Equal((decimal)expected, new PropertyBag { ["n"] = wire }.GetDecimal("n"));

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1.2345e-7, "0.00000012345")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(-0.0, "0")]
    [InlineData(1e300, "1E+300")]
    public void Doubles_round_trip_exactly_and_avoid_exponents_where_a_decimal_can_hold_them(double value, string wire)
    {
        var bag = new PropertyBag().Set("n", value);
        Assert.Equal(wire, bag["n"]);
        Assert.Equal(value, bag.GetDouble("n"));
    }

    [Fact]
    public void Nan_and_infinity_have_no_hubspot_form() =>
        Assert.Throws<ArgumentException>(() => new PropertyBag().Set("n", double.NaN));

    [Fact]
    public void Integers_read_whole_numbers_and_refuse_to_truncate()
    {
        var bag = new PropertyBag { ["a"] = "3.0", ["b"] = "3.5", ["c"] = "9223372036854775807", ["d"] = "3000000000", ["e"] = "1e3" };
        Assert.Equal(3, bag.GetInt32("a"));
        Assert.Equal(1000L, bag.GetInt64("e"));
        Assert.Equal(long.MaxValue, bag.GetInt64("c"));
        var error = Assert.Throws<FormatException>(() => bag.GetInt64("b"));
        Assert.Contains("'b'", error.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => bag.GetInt32("d"));
        Assert.Equal("-42", new PropertyBag().Set("n", -42)["n"]);
        Assert.Equal("9223372036854775807", new PropertyBag().Set("n", long.MaxValue)["n"]);
    }

    [Fact]
    public void Bad_values_throw_naming_the_property_but_never_the_value()
    {
        var bag = new PropertyBag { ["email"] = "secret@example.com" };
        var error = Assert.Throws<FormatException>(() => bag.GetDecimal("email"));
        Assert.Contains("'email'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => bag.GetBoolean("email"));
        Assert.Throws<FormatException>(() => bag.GetDateTime("email"));
        Assert.Throws<FormatException>(() => bag.GetDate("email"));
    }

    [Theory]
    [InlineData("2024-01-17T19:55:04.281+00:00", "2024-01-17T19:55:04.281Z")]
    [InlineData("2024-01-17T23:30:00.000-05:00", "2024-01-18T04:30:00.000Z")]
    [InlineData("2024-01-18T00:15:00.123+02:00", "2024-01-17T22:15:00.123Z")]
    [InlineData("2024-01-17T19:55:04.2819999+00:00", "2024-01-17T19:55:04.281Z")]
    public void Datetimes_are_written_in_utc_with_milliseconds_whatever_their_offset(string input, string wire)
    {
        var value = DateTimeOffset.Parse(input, System.Globalization.CultureInfo.InvariantCulture);
        var bag = new PropertyBag().Set("at", value);
        Assert.Equal(wire, bag["at"]);
        var read = bag.GetDateTime("at")!.Value;
        Assert.Equal(TimeSpan.Zero, read.Offset);
        Assert.Equal(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), read.UtcTicks);
    }

    [Theory]
    [InlineData("1705521304281", "2024-01-17T19:55:04.281Z")]
    [InlineData("0", "1970-01-01T00:00:00.000Z")]
    [InlineData("-86400000", "1969-12-31T00:00:00.000Z")]
    [InlineData("2024-01-17T19:55:04Z", "2024-01-17T19:55:04.000Z")]
    [InlineData("2024-01-17T19:55:04.281", "2024-01-17T19:55:04.281Z")]
    [InlineData("2024-01-17", "2024-01-17T00:00:00.000Z")]
    public void Datetimes_are_read_from_iso_or_epoch_milliseconds(string wire, string expected)
    {
        var read = new PropertyBag { ["at"] = wire }.GetDateTime("at");
        Assert.Equal(expected, new PropertyBag().Set("at", read)["at"]);
        Assert.Equal(TimeSpan.Zero, read!.Value.Offset);
    }

    [Theory]
    [InlineData("2015-05-01")]
    [InlineData("1430438400000")]
    [InlineData("2015-05-01T00:00:00.000Z")]
    [InlineData("2015-05-01T00:00:00Z")]
    public void Dates_are_read_from_plain_dates_midnight_utc_datetimes_and_epoch_milliseconds(string wire) =>
        Assert.Equal(new DateOnly(2015, 5, 1), new PropertyBag { ["d"] = wire }.GetDate("d"));

    [Fact]
    public void Dates_are_written_as_yyyy_mm_dd_and_never_shift_with_the_local_offset()
    {
        var bag = new PropertyBag().Set("d", new DateOnly(2024, 12, 31)).Set("first", new DateOnly(1, 1, 1));
        Assert.Equal("2024-12-31", bag["d"]);
        Assert.Equal("0001-01-01", bag["first"]);
        Assert.Equal(new DateOnly(2024, 12, 31), bag.GetDate("d"));

        // A datetime just before midnight in New York is already the next day in UTC: a date read uses the UTC date,
        // which is how HubSpot stores dates.
        var late = new DateTimeOffset(2024, 12, 31, 23, 30, 0, TimeSpan.FromHours(-5));
        Assert.Equal(new DateOnly(2025, 1, 1), new PropertyBag().Set("at", late).GetDate("at"));
        var early = new DateTimeOffset(2025, 1, 1, 0, 30, 0, TimeSpan.FromHours(9));
        Assert.Equal(new DateOnly(2024, 12, 31), new PropertyBag().Set("at", early).GetDate("at"));
    }

    [Theory]
    [InlineData(true, "true")]
    [InlineData(false, "false")]
    public void Booleans_are_lower_case_true_or_false(bool value, string wire)
    {
        var bag = new PropertyBag().Set("b", value);
        Assert.Equal(wire, bag["b"]);
        Assert.Equal(value, bag.GetBoolean("b"));
        Assert.Equal(value, new PropertyBag { ["b"] = wire.ToUpperInvariant() }.GetBoolean("b"));
    }

    [Fact]
    public void Multi_values_are_semicolon_lists_and_an_empty_list_clears()
    {
        var bag = new PropertyBag().Set("roles", ["BUDGET_HOLDER", "END_USER"]).Set("none", Array.Empty<string>());
        Assert.Equal("BUDGET_HOLDER;END_USER", bag["roles"]);
        Assert.Equal(["BUDGET_HOLDER", "END_USER"], bag.GetValues("roles"));
        Assert.Equal("", bag["none"]);
        Assert.Empty(bag.GetValues("none"));
        Assert.Empty(bag.GetValues("missing"));
        Assert.Equal(["a", "b"], new PropertyBag { ["x"] = ";a;;b;" }.GetValues("x"));
        Assert.Throws<ArgumentException>(() => new PropertyBag().Set("x", ["a;b"]));
    }

    [Fact]
    public void Enums_use_their_hubspot_option_values()
    {
        var bag = new PropertyBag()
            .Set("stage", Stage.Scheduled)
            .Set("won", (Stage?)Stage.Won)
            .Set("lost", Stage.closedlost)
            .Set("stages", [Stage.Won, Stage.Scheduled]);
        Assert.Equal("appointmentscheduled", bag["stage"]);
        Assert.Equal("closedwon", bag["won"]);
        Assert.Equal("closedlost", bag["lost"]);
        Assert.Equal("closedwon;appointmentscheduled", bag["stages"]);
        Assert.Equal(Stage.Scheduled, bag.GetEnum<Stage>("stage"));
        Assert.Equal([Stage.Won, Stage.Scheduled], bag.GetEnums<Stage>("stages"));
        Assert.Null(bag.GetEnum<Stage>("missing"));

        // Option values are case-sensitive on HubSpot, so they are here.
        Assert.Throws<FormatException>(() => new PropertyBag { ["s"] = "CLOSEDWON" }.GetEnum<Stage>("s"));
        Assert.Throws<ArgumentException>(() => new PropertyBag().Set("s", (Stage)42));
    }

    [Fact]
    public void Null_and_empty_mean_no_value_and_typed_nulls_clear()
    {
        var bag = new PropertyBag { ["a"] = null, ["b"] = "" };
        Assert.Null(bag.GetString("a"));
        Assert.Null(bag.GetDecimal("b"));
        Assert.Null(bag.GetDateTime("b"));
        Assert.Null(bag.GetDate("missing"));
        Assert.Null(bag.GetBoolean("a"));
        Assert.Equal("", new PropertyBag().Set("n", (decimal?)null)["n"]);
        Assert.Equal("", new PropertyBag().Set("d", (DateOnly?)null)["d"]);
        Assert.Equal("", new PropertyBag().Set("s", (Stage?)null)["s"]);
        Assert.Equal("", new PropertyBag().Clear("x")["x"]);
    }
}
