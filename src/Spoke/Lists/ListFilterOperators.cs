namespace Spoke.Lists;

/// <summary>The <c>operationType</c> values of a list filter's operation, for <see cref="ListFilterOperation.OperationType"/>.</summary>
public static class ListOperationTypes
{
    /// <summary><c>ALL_PROPERTY</c>: Any property type: only for <see cref="ListFilterOperators.IsKnown"/> / <see cref="ListFilterOperators.IsUnknown"/>.</summary>
    public const string AllProperty = "ALL_PROPERTY";
    /// <summary><c>STRING</c>: A text value (<c>string</c> properties): equality and text operators.</summary>
    public const string String = "STRING";
    /// <summary><c>MULTISTRING</c>: Several text values at once, e.g. any of some domains: the text operators with <see cref="ListFilterOperation.Values"/>.</summary>
    public const string MultiString = "MULTISTRING";
    /// <summary><c>NUMBER</c>: A number: equality and comparisons.</summary>
    public const string Number = "NUMBER";
    /// <summary><c>BOOL</c>: A bool property: <see cref="ListFilterOperators.IsEqualTo"/> / <see cref="ListFilterOperators.IsNotEqualTo"/> <c>"true"</c> or <c>"false"</c>.</summary>
    public const string Bool = "BOOL";
    /// <summary><c>ENUMERATION</c>: An enumeration property's option values: the set operators.</summary>
    public const string Enumeration = "ENUMERATION";
    /// <summary><c>TIME_POINT</c>: A date or datetime compared with one point in time: <see cref="ListFilterOperators.IsAfter"/> / <see cref="ListFilterOperators.IsBefore"/>.</summary>
    public const string TimePoint = "TIME_POINT";
    /// <summary><c>TIME_RANGED</c>: A date or datetime compared with a range: <see cref="ListFilterOperators.IsBetween"/> / <see cref="ListFilterOperators.IsNotBetween"/>.</summary>
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
    /// <summary><c>IS_KNOWN</c>: The record has a value for the property.</summary>
    public const string IsKnown = "IS_KNOWN";
    /// <summary><c>IS_UNKNOWN</c>: The record has no value for the property.</summary>
    public const string IsUnknown = "IS_UNKNOWN";

    /// <summary><c>IS_EQUAL_TO</c>: The value equals the given one.</summary>
    public const string IsEqualTo = "IS_EQUAL_TO";
    /// <summary><c>IS_NOT_EQUAL_TO</c>: The value differs from the given one.</summary>
    public const string IsNotEqualTo = "IS_NOT_EQUAL_TO";
    /// <summary><c>CONTAINS</c>: The text contains the given text.</summary>
    public const string Contains = "CONTAINS";
    /// <summary><c>DOES_NOT_CONTAIN</c>: The text doesn't contain the given text.</summary>
    public const string DoesNotContain = "DOES_NOT_CONTAIN";
    /// <summary><c>STARTS_WITH</c>: The text starts with the given text.</summary>
    public const string StartsWith = "STARTS_WITH";
    /// <summary><c>ENDS_WITH</c>: The text ends with the given text, e.g. an email domain.</summary>
    public const string EndsWith = "ENDS_WITH";

    /// <summary><c>IS_GREATER_THAN</c>: The number is greater than the given one.</summary>
    public const string IsGreaterThan = "IS_GREATER_THAN";
    /// <summary><c>IS_GREATER_THAN_OR_EQUAL_TO</c>: The number is greater than or equal to the given one.</summary>
    public const string IsGreaterThanOrEqualTo = "IS_GREATER_THAN_OR_EQUAL_TO";
    /// <summary><c>IS_LESS_THAN</c>: The number is less than the given one.</summary>
    public const string IsLessThan = "IS_LESS_THAN";
    /// <summary><c>IS_LESS_THAN_OR_EQUAL_TO</c>: The number is less than or equal to the given one.</summary>
    public const string IsLessThanOrEqualTo = "IS_LESS_THAN_OR_EQUAL_TO";

    /// <summary><c>IS_ANY_OF</c>: The value is one of the given values.</summary>
    public const string IsAnyOf = "IS_ANY_OF";
    /// <summary><c>IS_NONE_OF</c>: The value is none of the given values.</summary>
    public const string IsNoneOf = "IS_NONE_OF";
    /// <summary><c>IS_EXACTLY</c>: A multi-value property holds exactly the given values, no more, no fewer.</summary>
    public const string IsExactly = "IS_EXACTLY";
    /// <summary><c>IS_NOT_EXACTLY</c>: A multi-value property doesn't hold exactly the given values.</summary>
    public const string IsNotExactly = "IS_NOT_EXACTLY";
    /// <summary><c>CONTAINS_ALL</c>: A multi-value property holds every one of the given values (others too).</summary>
    public const string ContainsAll = "CONTAINS_ALL";
    /// <summary><c>DOES_NOT_CONTAIN_ALL</c>: A multi-value property lacks at least one of the given values.</summary>
    public const string DoesNotContainAll = "DOES_NOT_CONTAIN_ALL";

    /// <summary><c>IS_AFTER</c>: The date or time is after the given point.</summary>
    public const string IsAfter = "IS_AFTER";
    /// <summary><c>IS_BEFORE</c>: The date or time is before the given point.</summary>
    public const string IsBefore = "IS_BEFORE";
    /// <summary><c>IS_BETWEEN</c>: The date or time lies in the given range.</summary>
    public const string IsBetween = "IS_BETWEEN";
    /// <summary><c>IS_NOT_BETWEEN</c>: The date or time lies outside the given range.</summary>
    public const string IsNotBetween = "IS_NOT_BETWEEN";
}
