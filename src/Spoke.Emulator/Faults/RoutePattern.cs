using System.Text;
using System.Text.RegularExpressions;

namespace Spoke.Emulator.Faults;

/// <summary>
/// Matches <c>"METHOD /path"</c> (no query string). A pattern starting with <c>^</c> is a regex; otherwise a glob where
/// <c>*</c> spans any characters (slashes too) and <c>?</c> one character. A glob without a space is a path that matches
/// every method. Matching ignores case.
/// </summary>
internal sealed class RoutePattern
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);
    private readonly Regex? _regex;

    public RoutePattern(string pattern) => _regex = pattern.Trim() == "*" ? null : Compile(pattern.Trim());

    public bool Matches(string method, string path)
    {
        if (_regex is null)
        {
            return true;
        }

        try
        {
            return _regex.IsMatch(method.ToUpperInvariant() + " " + path);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public static string? Problem(string pattern)
    {
        try
        {
            _ = new RoutePattern(pattern);
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"\"route\" is not a valid regex: {ex.Message}";
        }
    }

    private static Regex Compile(string pattern)
    {
        const RegexOptions options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        if (pattern.StartsWith('^'))
        {
            return new Regex(pattern, options, RegexTimeout);
        }

        var glob = pattern.Contains(' ', StringComparison.Ordinal) ? pattern : "* " + pattern;
        var regex = new StringBuilder("^");
        foreach (var c in glob)
        {
            regex.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(regex.Append('$').ToString(), options, RegexTimeout);
    }
}
