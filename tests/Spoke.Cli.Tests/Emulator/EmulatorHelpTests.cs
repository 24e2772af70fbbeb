namespace Spoke.Cli.Tests.Emulator;

/// <summary><c>spoke emulator --help</c> shows values as users type them, the way the READMEs spell them.</summary>
public sealed class EmulatorHelpTests
{
    [Fact]
    public async Task Help_shows_enum_values_lower_case_as_they_are_typed()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--help");
        Assert.Equal(0, await spoke.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("--seed <none|demo>", spoke.Output);
        Assert.Contains("--rate-limits <off|free|starter|professional|enterprise>", spoke.Output);
        // The enum member names (Demo|None, [default: Off]) are not what a user types.
        Assert.DoesNotContain("Demo", spoke.Output);
        Assert.DoesNotContain("[default: None]", spoke.Output);
        Assert.DoesNotContain("[default: Off]", spoke.Output);
    }

    [Fact]
    public async Task Without_seed_and_rate_limits_it_starts_empty_with_rate_limits_off()
    {
        await using var spoke = SpokeProcess.Start("emulator", "--port", "0");
        await spoke.ListeningUriAsync();
        var output = await spoke.WaitForAsync("Ctrl+C stops.");
        Assert.Contains("rate limits off;", output);
        Assert.DoesNotContain("Seeding demo data", output);
    }
}
