namespace Spoke.DataTools.Mapping;

/// <summary>
/// The decimal and digit-group separators of common cultures. The project runs with invariant globalization (no ICU),
/// so <see cref="System.Globalization.CultureInfo"/> knows no culture's number format: this small table does, and a map
/// can give the separators itself for any other.
/// </summary>
internal static class NumberFormats
{
    /// <summary>Any of these counts as a space group separator (French, Nordic, Slavic cultures use the no-break ones).</summary>
    internal const string Spaces = " \u00A0\u202F\u2009";

    private static readonly Dictionary<string, (string Decimal, string Group)> Table = Build();

    private static Dictionary<string, (string Decimal, string Group)> Build()
    {
        var table = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[] { "invariant", "en", "en-US", "en-GB", "en-AU", "en-CA", "en-IE", "en-NZ", "en-ZA", "ja", "ja-JP", "zh", "zh-CN", "ko", "ko-KR", "he-IL", "th-TH", "es-MX" })
        {
            table[name] = (".", ",");
        }

        foreach (var name in new[] { "de", "de-DE", "de-AT", "es", "es-ES", "it", "it-IT", "nl", "nl-NL", "nl-BE", "pt-BR", "da", "da-DK", "id-ID", "tr", "tr-TR", "el-GR", "ro-RO", "hr-HR", "sl-SI" })
        {
            table[name] = (",", ".");
        }

        foreach (var name in new[] { "fr", "fr-FR", "fr-BE", "fr-CA", "pt", "pt-PT", "sv", "sv-SE", "nb", "nb-NO", "fi", "fi-FI", "pl", "pl-PL", "cs", "cs-CZ", "sk-SK", "ru", "ru-RU", "uk-UA", "hu-HU", "bg-BG", "lt-LT", "lv-LV", "et-EE" })
        {
            table[name] = (",", " ");
        }

        foreach (var name in new[] { "de-CH", "it-CH", "de-LI" })
        {
            table[name] = (".", "'");
        }

        return table;
    }

    /// <summary>The cultures the table knows, for error messages.</summary>
    internal static string Known => string.Join(", ", Table.Keys.Where(k => k.Contains('-', StringComparison.Ordinal)).Order(StringComparer.Ordinal));

    internal static bool TryGet(string culture, out (string Decimal, string Group) separators)
    {
        if (Table.TryGetValue(culture, out separators))
        {
            return true;
        }

        // A region the table lacks falls back to its language (de-LU → de).
        var dash = culture.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && Table.TryGetValue(culture[..dash], out separators);
    }
}
