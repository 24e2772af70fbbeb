namespace Spoke.Emulator.Search;

/// <summary>
/// Token matching for <c>CONTAINS_TOKEN</c> and the free-text <c>query</c>. A value's tokens are the whole value,
/// its whitespace-separated words and its runs of letters and digits, so <c>a@hubspot.com</c> matches
/// <c>*@hubspot.com</c> (the whole value) and <c>hubspot</c> (a word part). Callers pass lowercased text when the
/// comparison is case-insensitive.
/// </summary>
internal static class TextMatch
{
    /// <summary>True when a token of <paramref name="value"/> matches <paramref name="pattern"/> (<c>*</c> = any run).</summary>
    public static bool ContainsToken(string value, string pattern)
    {
        if (Glob(value, pattern))
        {
            return true;
        }

        foreach (var token in Tokens(value))
        {
            if (Glob(token, pattern))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="term"/> is a prefix of the value or of one of its tokens or word suffixes.</summary>
    public static bool HasPrefix(string value, string term)
    {
        if (value.StartsWith(term, StringComparison.Ordinal))
        {
            return true;
        }

        for (var i = 1; i < value.Length; i++)
        {
            // Token starts: after whitespace or punctuation (so "example.com" and "com" both find "a@example.com").
            if (!char.IsLetterOrDigit(value[i - 1]) && string.CompareOrdinal(value, i, term, 0, term.Length) == 0 &&
                value.Length - i >= term.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Tokens(string value)
    {
        foreach (var word in value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return word;
        }

        var start = -1;
        for (var i = 0; i <= value.Length; i++)
        {
            var inRun = i < value.Length && char.IsLetterOrDigit(value[i]);
            if (inRun && start < 0)
            {
                start = i;
            }
            else if (!inRun && start >= 0)
            {
                yield return value[start..i];
                start = -1;
            }
        }
    }

    /// <summary>Whole-string match where <c>*</c> stands for any run of characters.</summary>
    public static bool Glob(string text, string pattern)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(text, pattern, StringComparison.Ordinal);
        }

        // Iterative wildcard match with single backtrack point: linear in practice.
        int t = 0, p = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
