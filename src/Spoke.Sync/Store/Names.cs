using System.Security.Cryptography;
using System.Text;

namespace Spoke.Sync.Store;

/// <summary>Safe SQL identifiers for object types (tables) and properties (typed columns).</summary>
internal static class Names
{
    private const int MaxStem = 40;

    /// <summary><c>obj_</c> + the type lowercased with anything but [a-z0-9_] as '_' (<c>2-1234567</c> → <c>obj_2_1234567</c>).</summary>
    public static string Table(string objectType, bool withHash = false) => "obj_" + Stem(objectType, withHash);

    /// <summary><c>p_</c> + the property name made safe the same way.</summary>
    public static string Column(string property, bool withHash = false) => "p_" + Stem(property, withHash);

    private static string Stem(string name, bool withHash)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        var stem = builder.ToString();
        // Long names are cut (PostgreSQL allows 63 bytes); a cut name, or one that collides, gets a hash of the original.
        if (stem.Length > MaxStem || withHash)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
            stem = stem[..Math.Min(stem.Length, MaxStem)] + "_" + hash;
        }

        return stem;
    }
}
