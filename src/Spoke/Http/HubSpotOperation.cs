using System.Text;

namespace Spoke.Http;

/// <summary>
/// What the pipeline needs to know about one call: whether re-sending it is safe, whether it spends the search budget,
/// and the path template to report (ids, emails and query strings removed: no personal data in traces or logs).
/// </summary>
internal sealed record HubSpotOperation(HttpMethod Method, string PathTemplate, bool IsIdempotent, bool IsSearch)
{
    /// <summary>POSTs that read or converge to one state: re-sending them cannot duplicate anything.</summary>
    private static readonly string[] SafePostSuffixes = ["/search", "/batch/read", "/batch/update", "/batch/upsert", "/batch/archive"];

    private static readonly HashSet<string> ObjectSubResources = new(StringComparer.Ordinal) { "batch", "search", "merge", "gdpr-delete" };

    /// <param name="callerSaysIdempotent">The caller marked the call safe to re-send (<see cref="HubSpotCall.TreatAsIdempotent"/>).</param>
    public static HubSpotOperation Classify(HttpMethod method, string path, bool callerSaysIdempotent = false)
    {
        var pathOnly = path.Split('?', 2)[0].TrimEnd('/');
        var isPost = method == HttpMethod.Post;
        var isSearch = isPost && pathOnly.EndsWith("/search", StringComparison.Ordinal) &&
                       (pathOnly.Contains("crm/v3/objects/", StringComparison.Ordinal) || pathOnly.Contains("crm/objects/", StringComparison.Ordinal));
        // Creates, merges and other POSTs are not idempotent: re-sent only when they provably never reached HubSpot.
        var idempotent = callerSaysIdempotent || !isPost || SafePostSuffixes.Any(s => pathOnly.EndsWith(s, StringComparison.Ordinal));
        return new HubSpotOperation(method, Template(pathOnly), idempotent, isSearch);
    }

    /// <summary>
    /// <c>crm/v3/objects/contacts/123</c> → <c>/crm/v3/objects/contacts/{id}</c>. A segment becomes <c>{id}</c> when it is
    /// the record segment after an object type, or holds a digit, <c>@</c> or an escape (ids, emails, unique values),
    /// unless it is a version (<c>v3</c>, <c>2026-09</c>).
    /// </summary>
    internal static string Template(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var sb = new StringBuilder(path.Length + 8);
        var objectsAt = -1;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment == "objects")
            {
                // crm/v3/objects/{type}/{id} or crm/objects/2026-09/{type}/{id}
                objectsAt = i + 1 < segments.Length && IsVersion(segments[i + 1]) ? i + 1 : i;
            }

            var isRecordSegment = objectsAt >= 0 && i == objectsAt + 2 && !ObjectSubResources.Contains(segment);
            sb.Append('/').Append(isRecordSegment || (!IsVersion(segment) && LooksLikeValue(segment)) ? "{id}" : segment);
        }

        return sb.Length == 0 ? "/" : sb.ToString();
    }

    private static bool IsVersion(string segment) =>
        (segment.Length >= 2 && segment[0] == 'v' && segment[1..].All(char.IsAsciiDigit)) ||
        (segment.Length == 7 && segment[4] == '-' && segment.Remove(4, 1).All(char.IsAsciiDigit));

    private static bool LooksLikeValue(string segment) =>
        segment.Any(c => char.IsAsciiDigit(c) || c is '@' or '%' or '+' or '.');
}
