using Spoke.HostileProbe;

// The hostile probe: the attacks and careless uses that found issue 9's holes, against real `spoke` processes on
// 127.0.0.1, each bounded. It prints what it sent and every hole it found; the exit code is the number of sections
// with findings. Sections: admin, input, secrets, crash, receiver (default: all).
var sections = args.Length > 0 ? args : ["admin", "input", "secrets", "crash", "receiver"];
var work = Directory.CreateTempSubdirectory("spoke-probe-");
var tallies = new List<Tally>();
try
{
    foreach (var section in sections)
    {
        Console.WriteLine($"-- {section} ...");
        var tally = section switch
        {
            "admin" => await EmulatorProbe.AdminAccessAsync(),
            "input" => await EmulatorProbe.BadInputAsync(),
            "secrets" => await SecretsProbe.RunAsync(work.FullName),
            "crash" => await EmulatorProbe.KillNineAsync(work.FullName),
            "receiver" => await ReceiverProbe.RunAsync(work.FullName),
            _ => throw new ArgumentException($"unknown section '{section}': use admin, input, secrets, crash, receiver"),
        };
        tally.Print();
        tallies.Add(tally);
    }
}
finally
{
    work.Delete(recursive: true);
}

Console.WriteLine();
Console.WriteLine($"Probe: {tallies.Sum(t => t.Requests):N0} requests, {tallies.Sum(t => t.Findings.Count)} finding(s) in {tallies.Count(t => t.Findings.Count > 0)} of {tallies.Count} section(s).");
return tallies.Count(t => t.Findings.Count > 0);
