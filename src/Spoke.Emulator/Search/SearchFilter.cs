using System.Globalization;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Search;

/// <summary>
/// One filter checked against the property's catalog type and ready to evaluate: filter values are parsed once,
/// stored values are normalized the same way (docs/hubspot-api.md §6 operators and case rules, §12 formats). An
/// <c>associations.{type}</c> filter is resolved to the set of associated ids when compiled.
/// </summary>
internal sealed class SearchFilter
{
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly bool _negativeMatchesMissing;
    private decimal _lowNumber, _highNumber;
    private long _lowInstant, _highInstant;
    private string _lowText = "", _highText = "";
    private string _pattern = "";
    private HashSet<long>? _associated;

    private SearchFilter(PropertyDefinition? def, string property, string op, bool negativeMatchesMissing)
    {
        Definition = def;
        Property = property;
        Kind = def is null ? ValueKind.Number : SearchValues.KindOf(def);
        Operator = op;
        _negativeMatchesMissing = negativeMatchesMissing;
    }

    /// <summary>The property filtered on; null for an <c>associations.{type}</c> filter.</summary>
    public PropertyDefinition? Definition { get; }
    public string Property { get; }
    public ValueKind Kind { get; }
    public string Operator { get; }

    /// <summary>True for EQ and IN: the value index (or the association set) lists every record this filter can match.</summary>
    public bool UsesIndex => Operator is "EQ" or "IN";

    /// <summary>True for LT, LTE, GT, GTE and BETWEEN on a property: a sorted index holds its matches as one slice.</summary>
    public bool IsRange => Definition is not null && Operator is "LT" or "LTE" or "GT" or "GTE" or "BETWEEN";

    /// <summary>The range a matching value lies in (for <see cref="IsRange"/> filters).</summary>
    public (RangeBound? Low, RangeBound? High) Bounds { get; private set; }

    /// <summary>The index keys a matching record holds one of (EQ and IN).</summary>
    public IReadOnlyCollection<string> Keys => _keys;

    /// <summary>For an <c>associations.{type}</c> filter: the ids of the associated records; otherwise null.</summary>
    public IReadOnlyCollection<long>? AssociatedIds => _associated;

    public static SearchFilter Compile(FilterInput input, PortalState portal, PropertyCatalog catalog, ObjectType type)
    {
        var negativeMatchesMissing = portal.Fidelity.SearchNegativeOperatorsMatchMissing;
        if (input.PropertyName.StartsWith(AssociationsPrefix, StringComparison.Ordinal))
        {
            var association = new SearchFilter(null, input.PropertyName, input.Operator, negativeMatchesMissing);
            association.PrepareAssociation(input, portal, type);
            return association;
        }

        var def = catalog.Find(input.PropertyName) ?? throw UnknownProperty(input.PropertyName, type);
        var filter = new SearchFilter(def, def.Name, input.Operator, negativeMatchesMissing);
        filter.Prepare(input);
        return filter;
    }

    private const string AssociationsPrefix = "associations.";

    // associations.contact EQ 123: the searched records associated with contact 123 (docs/hubspot-api.md §6). Resolved now, under
    // the portal lock the search holds, into a set of ids that serves both as candidates and as the matcher.
    private void PrepareAssociation(FilterInput input, PortalState portal, ObjectType searched)
    {
        var name = Property[AssociationsPrefix.Length..];
        var other = portal.FindTypeLenient(name);
        if (other is null)
        {
            throw ApiError.Validation($"\"{Property}\" is not a valid association filter: \"{name}\" is not an object type.",
                context: ApiError.Ctx("propertyName", Property));
        }

        if ((other.IsCustom || searched.IsCustom) && !portal.Fidelity.SearchAssociationFiltersOnCustomObjects)
        {
            throw ApiError.Validation(
                $"Filtering on \"{Property}\" is not supported: association filters do not work with custom objects.",
                context: ApiError.Ctx("propertyName", Property));
        }

        IEnumerable<string> values = Operator switch
        {
            "EQ" => [Require(input.Value, "value")],
            "IN" => input.Values is { Count: > 0 } v ? v : throw Invalid($"Operator IN needs a non-empty \"values\" array (filter on \"{Property}\")."),
            _ => throw Invalid($"Operator {Operator} is not supported on \"{Property}\": association filters take EQ or IN."),
        };
        _associated = [];
        foreach (var value in values)
        {
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw Invalid($"\"{value}\" is not a valid record id for \"{Property}\".");
            }

            _associated.UnionWith(AssociationIndex.RecordsAssociatedWith(portal, searched, other, id));
        }
    }

    public static ApiError UnknownProperty(string name, ObjectType type) =>
        ApiError.Validation($"Property \"{name}\" does not exist on {type.Name}: a search can only filter and sort on defined properties.",
            [new ErrorDetail($"Property \"{name}\" does not exist", "PROPERTY_DOESNT_EXIST", "propertyName",
                new Dictionary<string, IReadOnlyList<string>> { ["propertyName"] = [name] })],
            ApiError.Ctx("propertyName", name));

    private void Prepare(FilterInput input)
    {
        switch (Operator)
        {
            case "HAS_PROPERTY" or "NOT_HAS_PROPERTY":
                break;
            case "EQ" or "NEQ":
                _keys.Add(EqualityKey(Require(input.Value, "value")));
                break;
            case "IN" or "NOT_IN":
                if (input.Values is not { Count: > 0 } values)
                {
                    throw Invalid($"Operator {Operator} needs a non-empty \"values\" array (filter on \"{Property}\").");
                }

                foreach (var v in values)
                {
                    // HubSpot wants string IN/NOT_IN values in lowercase; others simply match nothing (docs/hubspot-api.md §6).
                    _keys.Add(Kind == ValueKind.Text ? v : EqualityKey(v));
                }

                break;
            case "CONTAINS_TOKEN" or "NOT_CONTAINS_TOKEN":
                var pattern = Require(input.Value, "value");
                _pattern = Kind == ValueKind.Enumeration ? pattern : pattern.ToLowerInvariant();
                break;
            case "BETWEEN":
                var lowKey = SetBound(Require(input.Value, "value"), low: true);
                var highKey = SetBound(Require(input.HighValue, "highValue"), low: false);
                Bounds = (new RangeBound(lowKey, true), new RangeBound(highKey, true));
                break;
            default: // LT, LTE, GT, GTE
                var key = SetBound(Require(input.Value, "value"), low: true);
                Bounds = Operator switch
                {
                    "LT" => (null, new RangeBound(key, false)),
                    "LTE" => (null, new RangeBound(key, true)),
                    "GT" => (new RangeBound(key, false), null),
                    _ => (new RangeBound(key, true), null),
                };
                break;
        }
    }

    private string Require(string? value, string field) =>
        value ?? throw Invalid($"Operator {Operator} needs a \"{field}\" (filter on \"{Property}\").");

    private ApiError Invalid(string message) =>
        ApiError.Validation(message, context: ApiError.Ctx("propertyName", Property));

    private string EqualityKey(string value) =>
        SearchValues.Key(Kind, value) ?? throw Invalid($"\"{value}\" is not a valid {KindName} value for property \"{Property}\".");

    private string KindName => Kind switch
    {
        ValueKind.Number => "number",
        ValueKind.Instant => "date (epoch milliseconds or ISO 8601)",
        ValueKind.Bool => "boolean",
        _ => "string",
    };

    private SortKey SetBound(string value, bool low)
    {
        switch (Kind)
        {
            case ValueKind.Number:
                if (!SearchValues.TryNumber(value, out var d))
                {
                    throw Invalid($"\"{value}\" is not a valid number value for property \"{Property}\".");
                }

                if (low)
                {
                    _lowNumber = d;
                }
                else
                {
                    _highNumber = d;
                }

                return new SortKey(false, d, null);
            case ValueKind.Instant:
                if (!SearchValues.TryInstant(value, out var ms))
                {
                    throw Invalid($"\"{value}\" is not a valid date (epoch milliseconds or ISO 8601) value for property \"{Property}\".");
                }

                if (low)
                {
                    _lowInstant = ms;
                }
                else
                {
                    _highInstant = ms;
                }

                return new SortKey(false, ms, null);
            default:
                var text = Kind == ValueKind.Enumeration ? value : value.ToLowerInvariant();
                if (low)
                {
                    _lowText = text;
                }
                else
                {
                    _highText = text;
                }

                return new SortKey(false, 0, text);
        }
    }

    public bool Matches(CrmRecord record)
    {
        if (_associated is not null)
        {
            return _associated.Contains(record.Id);
        }

        var value = record.Get(Property);
        switch (Operator)
        {
            case "HAS_PROPERTY":
                return value is not null;
            case "NOT_HAS_PROPERTY":
                return value is null;
            case "EQ" or "IN":
                return value is not null && HoldsKey(value);
            case "NEQ" or "NOT_IN":
                return value is null ? _negativeMatchesMissing : !HoldsKey(value);
            case "CONTAINS_TOKEN":
                return value is not null && TextMatch.ContainsToken(Normalize(value), _pattern);
            case "NOT_CONTAINS_TOKEN":
                return value is null ? _negativeMatchesMissing : !TextMatch.ContainsToken(Normalize(value), _pattern);
            default:
                return value is not null && InRange(value);
        }
    }

    private string Normalize(string value) => Kind == ValueKind.Enumeration ? value : value.ToLowerInvariant();

    private bool HoldsKey(string value)
    {
        if (Kind == ValueKind.Enumeration)
        {
            foreach (var member in value.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (_keys.Contains(member))
                {
                    return true;
                }
            }

            return false;
        }

        return _keys.Contains(SearchValues.Key(Kind, value) ?? value);
    }

    private bool InRange(string value)
    {
        int low, high;
        switch (Kind)
        {
            case ValueKind.Number:
                if (!SearchValues.TryNumber(value, out var d))
                {
                    return false;
                }

                low = d.CompareTo(_lowNumber);
                high = Operator == "BETWEEN" ? d.CompareTo(_highNumber) : 0;
                break;
            case ValueKind.Instant:
                if (!SearchValues.TryInstant(value, out var ms))
                {
                    return false;
                }

                low = ms.CompareTo(_lowInstant);
                high = Operator == "BETWEEN" ? ms.CompareTo(_highInstant) : 0;
                break;
            default:
                var text = Normalize(value);
                low = string.CompareOrdinal(text, _lowText);
                high = Operator == "BETWEEN" ? string.CompareOrdinal(text, _highText) : 0;
                break;
        }

        return Operator switch
        {
            "LT" => low < 0,
            "LTE" => low <= 0,
            "GT" => low > 0,
            "GTE" => low >= 0,
            _ => low >= 0 && high <= 0, // BETWEEN, both ends inclusive
        };
    }
}
