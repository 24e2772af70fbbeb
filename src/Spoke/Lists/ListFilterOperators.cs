namespace Spoke.Lists;

/// <summary>The <c>operationType</c> values of a list filter's operation, for <see cref="ListFilterOperation.OperationType"/>.</summary>
public static class ListOperationTypes
{
    public const string AllProperty = "ALL_PROPERTY";
    public const string String = "STRING";
    public const string MultiString = "MULTISTRING";
    public const string Number = "NUMBER";
    public const string Bool = "BOOL";
    public const string Enumeration = "ENUMERATION";
    public const string TimePoint = "TIME_POINT";
    public const string TimeRanged = "TIME_RANGED";
}

/// <summary>
/// The <c>operator</c> values of a list filter's operation (<see cref="ListFilterOperation.Operator"/>), so no one types
/// <c>"IS_ANY_OF"</c> by hand. Which apply depends on the operation type: strings take the equality and text operators,
/// numbers the comparisons, enumerations the set operators, time points <see cref="IsAfter"/>/<see cref="IsBefore"/>,
/// time ranges <see cref="IsBetween"/>/<see cref="IsNotBetween"/>; every type takes <see cref="IsKnown"/>/<see cref="IsUnknown"/>.
/// </summary>
public static class ListFilterOperators
{
    public const string IsKnown = "IS_KNOWN";
    public const string IsUnknown = "IS_UNKNOWN";

    public const string IsEqualTo = "IS_EQUAL_TO";
    public const string IsNotEqualTo = "IS_NOT_EQUAL_TO";
    public const string Contains = "CONTAINS";
    public const string DoesNotContain = "DOES_NOT_CONTAIN";
    public const string StartsWith = "STARTS_WITH";
    public const string EndsWith = "ENDS_WITH";

    public const string IsGreaterThan = "IS_GREATER_THAN";
    public const string IsGreaterThanOrEqualTo = "IS_GREATER_THAN_OR_EQUAL_TO";
    public const string IsLessThan = "IS_LESS_THAN";
    public const string IsLessThanOrEqualTo = "IS_LESS_THAN_OR_EQUAL_TO";

    public const string IsAnyOf = "IS_ANY_OF";
    public const string IsNoneOf = "IS_NONE_OF";
    public const string IsExactly = "IS_EXACTLY";
    public const string IsNotExactly = "IS_NOT_EXACTLY";
    public const string ContainsAll = "CONTAINS_ALL";
    public const string DoesNotContainAll = "DOES_NOT_CONTAIN_ALL";

    public const string IsAfter = "IS_AFTER";
    public const string IsBefore = "IS_BEFORE";
    public const string IsBetween = "IS_BETWEEN";
    public const string IsNotBetween = "IS_NOT_BETWEEN";
}
