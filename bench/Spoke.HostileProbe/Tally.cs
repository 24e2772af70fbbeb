using System.Collections.Concurrent;
using System.Globalization;

namespace Spoke.HostileProbe;

/// <summary>What one probe section sent and found. A finding is a hole: a request the part should have refused, a 500,
/// a secret in output, a lost acknowledgement.</summary>
internal sealed class Tally(string section)
{
    private readonly ConcurrentQueue<string> _findings = new();
    private long _requests;

    public string Section { get; } = section;

    public long Requests => Interlocked.Read(ref _requests);

    public List<(string Name, string Value)> Figures { get; } = [];

    public IReadOnlyCollection<string> Findings => _findings;

    public void Sent(long n = 1) => Interlocked.Add(ref _requests, n);

    public void Finding(string what) => _findings.Enqueue(what);

    public void Figure(string name, object value) =>
        Figures.Add((name, Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));

    public void Print()
    {
        Console.WriteLine($"== {Section}: {Requests:N0} requests, {_findings.Count} finding(s)");
        foreach (var (name, value) in Figures)
        {
            Console.WriteLine($"   {name,-44} {value}");
        }

        foreach (var f in _findings.Take(25))
        {
            Console.WriteLine($"   FINDING: {f}");
        }

        if (_findings.Count > 25)
        {
            Console.WriteLine($"   ... and {_findings.Count - 25} more");
        }
    }
}
