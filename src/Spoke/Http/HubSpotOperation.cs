using System.Text;

namespace Spoke.Http;

/// <summary>
/// What one call is, declared where the call is made: its method, its path template (ids, emails and other values are
/// placeholders, so no personal data reaches traces or logs), whether re-sending it is safe, and whether it spends the
/// search budget. The pipeline acts on the declaration and never guesses from the URL.
/// </summary>
/// <remarks>
/// A template is <c>prefix/rest</c>: the prefix is the resolved, escaped path of the area (it may hold the object type,
/// which has few values and helps a reader of a trace), <c>rest</c> holds <c>{name}</c> placeholders that
/// <see cref="Path"/> fills with escaped values.
/// </remarks>
internal sealed record HubSpotOperation
{
    private readonly string _prefix;
    private readonly string _rest;

    private HubSpotOperation(HttpMethod method, string prefix, string rest, bool isIdempotent, bool isSearch)
    {
        Method = method;
        _prefix = prefix.TrimEnd('/');
        _rest = rest.Trim('/');
        PathTemplate = "/" + (_rest.Length == 0 ? _prefix : _prefix + "/" + _rest);
        IsIdempotent = isIdempotent;
        IsSearch = isSearch;
    }

    public HttpMethod Method { get; }

    /// <summary>The path with placeholders, as traces, metrics and logs report it: <c>/crm/v3/objects/contacts/{id}</c>.</summary>
    public string PathTemplate { get; }

    /// <summary>Re-sending after a 5xx, a timeout or a broken connection cannot do the work twice.</summary>
    public bool IsIdempotent { get; init; }

    /// <summary>A CRM search: it spends the separate search budget (docs/hubspot-api.md §7).</summary>
    public bool IsSearch { get; }

    /// <summary>A read.</summary>
    public static HubSpotOperation Get(string prefix, string rest = "") => new(HttpMethod.Get, prefix, rest, true, false);

    /// <summary>A full replace: the same body twice leaves the same state.</summary>
    public static HubSpotOperation Put(string prefix, string rest = "") => new(HttpMethod.Put, prefix, rest, true, false);

    /// <summary>A partial update that sets values: the same body twice leaves the same state.</summary>
    public static HubSpotOperation Patch(string prefix, string rest = "") => new(HttpMethod.Patch, prefix, rest, true, false);

    /// <summary>A delete or archive: the second time finds nothing left to remove.</summary>
    public static HubSpotOperation Delete(string prefix, string rest = "") => new(HttpMethod.Delete, prefix, rest, true, false);

    /// <summary>
    /// A POST that makes something new each time it runs (a create, a merge): re-sent only when it provably never
    /// reached HubSpot, unless the caller vouches for it (<see cref="HubSpotCall.TreatAsIdempotent"/>).
    /// </summary>
    public static HubSpotOperation Create(string prefix, string rest = "") => new(HttpMethod.Post, prefix, rest, false, false);

    /// <summary>A POST that reads, or converges to one state however often it runs (batch read, update, upsert, archive).</summary>
    public static HubSpotOperation Converge(string prefix, string rest = "") => new(HttpMethod.Post, prefix, rest, true, false);

    /// <summary>A CRM search (a read that spends the search budget).</summary>
    public static HubSpotOperation Search(string prefix, string rest = "search") => new(HttpMethod.Post, prefix, rest, true, true);

    /// <summary>
    /// The path to send: the prefix and the template with each placeholder replaced, in order, by its value, escaped as one
    /// path segment.
    /// </summary>
    /// <exception cref="InvalidOperationException">The number of values does not match the placeholders (a bug at the call site).</exception>
    public string Path(params ReadOnlySpan<string> values)
    {
        if (_rest.Length == 0 && values.Length == 0)
        {
            return _prefix;
        }

        var sb = new StringBuilder(_prefix.Length + _rest.Length + 32).Append(_prefix).Append('/');
        var used = 0;
        for (var i = 0; i < _rest.Length; i++)
        {
            var c = _rest[i];
            if (c != '{')
            {
                sb.Append(c);
                continue;
            }

            var close = _rest.IndexOf('}', i);
            if (close < 0 || used >= values.Length)
            {
                throw new InvalidOperationException($"The template {PathTemplate} needs more values than the {values.Length} given.");
            }

            sb.Append(Uri.EscapeDataString(values[used++]));
            i = close;
        }

        if (used != values.Length)
        {
            throw new InvalidOperationException($"The template {PathTemplate} has {used} placeholders, {values.Length} values were given.");
        }

        return sb.ToString();
    }
}
