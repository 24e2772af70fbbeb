using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Spoke.Crm;

namespace Spoke.Mapping;

/// <summary>Converts one member type to and from HubSpot's wire text, using <see cref="WireFormat"/>.</summary>
internal sealed class ValueConverter
{
    private enum Kind { String, Decimal, Int32, Int64, Double, Boolean, DateTime, Date, Enum }

    private enum Shape { Single, Array, List, ReadOnlyList }

    private readonly Kind _kind;
    private readonly Shape _shape;
    private readonly Type _memberType;
    private readonly Type? _collectionArrayType;
    private readonly EnumWireValues? _enum;

    private ValueConverter(Kind kind, Shape shape, Type memberType, Type? arrayType, EnumWireValues? enumValues, object? defaultValue)
    {
        _kind = kind;
        _shape = shape;
        _memberType = memberType;
        _collectionArrayType = arrayType;
        _enum = enumValues;
        DefaultValue = defaultValue;
    }

    /// <summary>What a member holds when HubSpot has no value: null, or the default of a non-nullable value type.</summary>
    public object? DefaultValue { get; }

    public const string Supported =
        "string, decimal, int, long, double, bool, DateTimeOffset, DateOnly (each also nullable), enums, and string or enum " +
        "arrays, List<>, IReadOnlyList<>, IList<>, ICollection<>, IReadOnlyCollection<> or IEnumerable<> for multi-value enumerations";

    /// <summary>The converter for <paramref name="type"/>, or null when HubSpot mapping doesn't support it.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2067:UnrecognizedReflectionPattern",
        Justification = "Enum fields survive trimming whenever the enum does (the runtime needs them for ToString and parsing).")]
    [UnconditionalSuppressMessage("Trimming", "IL2072:UnrecognizedReflectionPattern",
        Justification = "Enum fields survive trimming whenever the enum does (the runtime needs them for ToString and parsing).")]
    public static ValueConverter? For(Type type)
    {
        if (type == typeof(string))
        {
            return new(Kind.String, Shape.Single, type, null, null, null);
        }

        var element = CollectionElement(type, out var shape);
        if (element is not null)
        {
            if (element == typeof(string))
            {
                return new(Kind.String, shape, type, null, null, null);
            }

            if (element.IsEnum)
            {
                return new(Kind.Enum, shape, type, shape == Shape.Array ? type : EnumArrayType(type, element), EnumWireValues.For(element), null);
            }

            return null;
        }

        var underlying = Nullable.GetUnderlyingType(type);
        var nullable = underlying is not null;
        var scalar = underlying ?? type;
        if (scalar.IsEnum)
        {
            return new(Kind.Enum, Shape.Single, type, null, EnumWireValues.For(scalar), nullable ? null : Enum.ToObject(scalar, 0));
        }

        (Kind Kind, object Default)? known =
            scalar == typeof(decimal) ? (Kind.Decimal, 0m) :
            scalar == typeof(int) ? (Kind.Int32, 0) :
            scalar == typeof(long) ? (Kind.Int64, 0L) :
            scalar == typeof(double) ? (Kind.Double, 0d) :
            scalar == typeof(bool) ? (Kind.Boolean, false) :
            scalar == typeof(DateTimeOffset) ? (Kind.DateTime, default(DateTimeOffset)) :
            scalar == typeof(DateOnly) ? (Kind.Date, default(DateOnly)) :
            null;
        return known is { } k ? new(k.Kind, Shape.Single, type, null, null, nullable ? null : k.Default) : null;
    }

    /// <summary>The <c>TEnum[]</c> that fills an interface-typed member; Native AOT can't make new array types, so there it asks for a concrete one.</summary>
    private static Type? EnumArrayType(Type memberType, Type element)
    {
        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            return element.MakeArrayType();
        }

        return memberType.GetGenericTypeDefinition() == typeof(List<>)
            ? null
            : throw new HubSpotMappingException($"Under Native AOT map a multi-value enumeration of {element.Name} as {element.Name}[] or List<{element.Name}>.");
    }

    private static Type? CollectionElement(Type type, out Shape shape)
    {
        shape = Shape.Single;
        if (type.IsArray)
        {
            shape = Shape.Array;
            return type.GetArrayRank() == 1 ? type.GetElementType() : null;
        }

        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(List<>))
        {
            shape = Shape.List;
        }
        else if (definition == typeof(IReadOnlyList<>) || definition == typeof(IEnumerable<>) || definition == typeof(IList<>) ||
                 definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>))
        {
            shape = Shape.ReadOnlyList;
        }
        else
        {
            return null;
        }

        return type.GetGenericArguments()[0];
    }

    /// <summary>The wire text, or null when the value means "no value" (null, <c>""</c>, an empty collection).</summary>
    public string? ToWire(object? value, string property)
    {
        if (value is null)
        {
            return null;
        }

        if (_shape != Shape.Single)
        {
            var texts = new List<string>();
            foreach (var item in (IEnumerable)value)
            {
                texts.Add(item is null ? "" : _kind == Kind.Enum ? _enum!.ToWire(item, property) : (string)item);
            }

            var joined = WireFormat.JoinValues(texts, property);
            return joined.Length == 0 ? null : joined;
        }

        var text = _kind switch
        {
            Kind.String => (string)value,
            Kind.Decimal => WireFormat.FormatDecimal((decimal)value),
            Kind.Int32 => WireFormat.FormatDecimal((int)value),
            Kind.Int64 => WireFormat.FormatDecimal((long)value),
            Kind.Double => WireFormat.FormatDouble((double)value, property),
            Kind.Boolean => WireFormat.FormatBoolean((bool)value),
            Kind.DateTime => WireFormat.FormatDateTime((DateTimeOffset)value),
            Kind.Date => WireFormat.FormatDate((DateOnly)value),
            _ => _enum!.ToWire(value, property),
        };
        return text.Length == 0 ? null : text;
    }

    /// <summary>The member value for <paramref name="wire"/>: <see cref="DefaultValue"/> when there is no value; an empty collection for collections.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2077:UnrecognizedReflectionPattern",
        Justification = "List<TEnum> members: the getter's declared return type keeps the list type and its constructor in use.")]
    public object? FromWire(string? wire, string property)
    {
        if (_shape != Shape.Single)
        {
            var parts = WireFormat.SplitValues(wire);
            if (_kind == Kind.String)
            {
                return _shape == Shape.Array ? parts.ToArray() : new List<string>(parts);
            }

            if (_shape == Shape.List)
            {
                var list = (IList)Activator.CreateInstance(_memberType)!;
                foreach (var part in parts)
                {
                    list.Add(_enum!.FromWire(part, property));
                }

                return list;
            }

            var array = Array.CreateInstanceFromArrayType(_collectionArrayType!, parts.Count);
            for (var i = 0; i < parts.Count; i++)
            {
                array.SetValue(_enum!.FromWire(parts[i], property), i);
            }

            return array;
        }

        if (string.IsNullOrEmpty(wire))
        {
            return DefaultValue;
        }

        return _kind switch
        {
            Kind.String => wire,
            Kind.Decimal => WireFormat.ParseDecimal(wire, property),
            Kind.Int32 => WireFormat.ParseInt32(wire, property),
            Kind.Int64 => WireFormat.ParseInt64(wire, property),
            Kind.Double => WireFormat.ParseDouble(wire, property),
            Kind.Boolean => WireFormat.ParseBoolean(wire, property),
            Kind.DateTime => WireFormat.ParseDateTime(wire, property),
            Kind.Date => WireFormat.ParseDate(wire, property),
            _ => _enum!.FromWire(wire, property),
        };
    }
}
