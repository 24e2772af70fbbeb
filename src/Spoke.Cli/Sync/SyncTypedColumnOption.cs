using System.Collections;
using System.CommandLine;
using System.Globalization;
using Spoke.Sync.Store;

namespace Spoke.Cli.Sync;

/// <summary>
/// <c>--typed TYPE.PROPERTY:KIND</c> (repeatable), plus the same from configuration as <c>AddHubSpotSync</c> reads it:
/// <c>HubSpotSync__TypedColumns__0</c>, <c>__1</c>, … in the environment.
/// </summary>
internal static class SyncTypedColumnOption
{
    private const string EnvironmentPrefix = "HubSpotSync__TypedColumns__";

    public static Option<string[]> Create() => new("--typed")
    {
        Description = "Also store a property in a typed column p_PROPERTY (number, datetime, bool or text), repeatable; also HubSpotSync__TypedColumns__0, __1, … in the environment",
        HelpName = "TYPE.PROPERTY:KIND",
    };

    /// <summary>The typed columns asked for (environment first, then the command line), or the message saying which entry is wrong and what to write.</summary>
    public static bool TryParse(ParseResult parse, Option<string[]> option, SyncStoreOptions into, out string? error)
    {
        var entries = FromEnvironment().Concat((parse.GetValue(option) ?? []).Select(v => ("--typed", v)));
        foreach (var (source, spec) in entries)
        {
            try
            {
                var column = SyncTypedColumn.Parse(spec);
                // The same property given twice (environment and command line) keeps the last kind.
                var existing = into.TypedColumns.FirstOrDefault(c =>
                    string.Equals(c.ObjectType, column.ObjectType, StringComparison.OrdinalIgnoreCase) && string.Equals(c.Property, column.Property, StringComparison.Ordinal));
                if (existing is not null)
                {
                    into.TypedColumns.Remove(existing);
                }

                into.TypedColumns.Add(column);
            }
            catch (FormatException e)
            {
                error = $"{source}: {e.Message}";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static IEnumerable<(string Source, string Spec)> FromEnvironment()
    {
        var found = new List<(int Index, string Name, string Value)>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                && int.TryParse(name.AsSpan(EnvironmentPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && entry.Value is string value && value.Length > 0)
            {
                found.Add((index, name, value));
            }
        }

        return found.OrderBy(f => f.Index).Select(f => (f.Name, f.Value));
    }
}
