using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Tests.Properties;

public sealed class DatePropertyValuesTests
{
    private static readonly PropertyDefinition Date = new()
    {
        Name = "member_since", Label = "Member since", Type = "date", FieldType = "date", GroupName = "contactinformation",
    };

    [Theory]
    [InlineData("2024-02-29")]
    [InlineData("1709164800000")]
    [InlineData("2024-02-29T00:00:00.000Z")]
    public void Date_values_are_stored_as_midnight_utc_datetimes_when_dates_are_not_date_only(string input)
    {
        var (stored, problem) = PropertyValues.Normalize(Date, input, null, datesAsDateOnly: false);
        Assert.Null(problem);
        Assert.Equal("2024-02-29T00:00:00.000Z", stored);
    }
}
