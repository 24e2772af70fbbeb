using Spoke.Emulator.Errors;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Search;

/// <summary>
/// One filter checked against the property's catalog type and ready to evaluate: filter values are parsed once,
/// stored values are normalized the same way (docs §6 operators and case rules, §12 formats).
/// </summary>
internal sealed class SearchFilter
{
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly bool _negativeMatchesMissing;
    private decimal _lowNumber, _highNumber;
    private long _lowInstant, _highInstant;
    private string _lowText = "", _highText = "";
    private string _pattern = "";

    private SearchFilter(PropertyDefinition def, string op, bool negativeMatchesMissing)
    {
        Definition = def;
        Property = def.Name;
        Kind = SearchValues.KindOf(def);
        Operator = op;
        _negativeMatchesMissing = negativeMatchesMissing;
    }

    public PropertyDefinition Definition { get; }
    public string Property { get; }
    public ValueKind Kind { get; }
    public string Operator { get; }

    /// <summary>True for EQ and IN: the value index can list every record this filter can match.</summary>
    public bool UsesIndex => Operator is "EQ" or "IN";

    /// <summary>The index keys a matching record holds one of (EQ and IN).</summary>
    public IReadOnlyCollection<string> Keys => _keys;

    public static SearchFilter Compile(FilterInput input, PropertyCatalog catalog, ObjectType type, bool negativeMatchesMissing)
    {
        var def = catalog.Find(input.PropertyName) ?? throw UnknownProperty(input.PropertyName, type);
        var filter = new SearchFilter(def, input.Operator, negativeMatchesMissing);
        filter.Prepare(input);
        return filter;
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
                    // HubSpot wants string IN/NOT_IN values in lowercase; others simply match nothing (docs §6).
                    _keys.Add(Kind == ValueKind.Text ? v : EqualityKey(v));
                }

                break;
            case "CONTAINS_TOKEN" or "NOT_CONTAINS_TOKEN":
                var pattern = Require(input.Value, "value");
                _pattern = Kind == ValueKind.Enumeration ? pattern : pattern.ToLowerInvariant();
                break;
            case "BETWEEN":
                SetBound(Require(input.Value, "value"), low: true);
                SetBound(Require(input.HighValue, "highValue"), low: false);
                break;
            default: // LT, LTE, GT, GTE
                SetBound(Require(input.Value, "value"), low: true);
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

    private void SetBound(string value, bool low)
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

                break;
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

                break;
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

                break;
        }
    }

    public bool Matches(CrmRecord record)
    {
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
