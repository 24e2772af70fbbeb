using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Spoke.Crm;

namespace Spoke.Mapping;

/// <summary>
/// How one class maps to HubSpot: its properties, id and metadata members, and how to construct it. Built once per
/// type on first use (so a bad member throws then, naming itself); afterwards every call goes through cached
/// invokers, never through a fresh reflection lookup.
/// </summary>
internal sealed class ObjectMap
{
    internal const DynamicallyAccessedMemberTypes Members =
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicConstructors |
        DynamicallyAccessedMemberTypes.PublicParameterlessConstructor;

    private enum Meta { None, Id, CreatedAt, UpdatedAt, Archived, ArchivedAt }

    private sealed class Member(string name, Type type, MethodInvoker? getter, MethodInvoker? setter)
    {
        public string Name { get; } = name;
        public Type Type { get; } = type;
        public MethodInvoker? Getter { get; } = getter;
        public MethodInvoker? Setter { get; } = setter;
        public Meta Meta { get; init; }
        public string? Property { get; init; }
        public ValueConverter? Converter { get; init; }
        public bool ReadOnly { get; init; }
        public int ConstructorIndex { get; set; } = -1;
        public bool Readable => Setter is not null || ConstructorIndex >= 0;
        public bool Writable => Getter is not null && Property is not null && !ReadOnly;
    }

    [DynamicallyAccessedMembers(Members)]
    private readonly Type _type;
    private readonly List<Member> _members;
    private readonly ConstructorInvoker? _constructor;
    private readonly int _constructorArity;

    private ObjectMap([DynamicallyAccessedMembers(Members)] Type type, List<Member> members, ConstructorInvoker? constructor, int arity, string? objectType)
    {
        _type = type;
        _members = members;
        _constructor = constructor;
        _constructorArity = arity;
        ObjectType = objectType;
        PropertyNames = [.. members.Where(m => m.Property is not null && m.Readable).Select(m => m.Property!)];
    }

    /// <summary>From <see cref="HubSpotObjectAttribute"/>, if the class has one.</summary>
    public string? ObjectType { get; }

    /// <summary>The HubSpot properties the class reads: what to ask HubSpot for.</summary>
    public IReadOnlyList<string> PropertyNames { get; }

    public static ObjectMap Build([DynamicallyAccessedMembers(Members)] Type type)
    {
        var members = new List<Member>();
        var byProperty = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.IsDefined(typeof(HubSpotIgnoreAttribute), inherit: true))
            {
                continue;
            }

            var attribute = p.GetCustomAttribute<HubSpotPropertyAttribute>(inherit: true);
            var getter = p.GetMethod is { IsPublic: true } g ? MethodInvoker.Create(g) : null;
            var setter = p.SetMethod is { IsPublic: true } s ? MethodInvoker.Create(s) : null;
            var meta = attribute is null ? MetaFor(p.Name) : Meta.None;
            if (meta != Meta.None)
            {
                CheckMetaType(type, p, meta);
                members.Add(new Member(p.Name, p.PropertyType, getter, setter) { Meta = meta });
                continue;
            }

            // By convention only read-write properties map: a computed get-only property is not data to send.
            if (attribute is null && (getter is null || setter is null))
            {
                continue;
            }

            var property = attribute?.Name ?? p.Name.ToLowerInvariant();
            if (string.IsNullOrWhiteSpace(property))
            {
                throw new HubSpotMappingException($"{type.Name}.{p.Name}: [HubSpotProperty] needs a property name.");
            }

            var converter = ValueConverter.For(p.PropertyType)
                ?? throw new HubSpotMappingException(
                    $"{type.Name}.{p.Name} is a {TypeName(p.PropertyType)}, which HubSpot mapping can't convert. " +
                    $"Supported: {ValueConverter.Supported}. Mark the member [HubSpotIgnore] to leave it out.");
            if (!byProperty.TryAdd(property, p.Name))
            {
                throw new HubSpotMappingException($"{type.Name}.{p.Name} and {type.Name}.{byProperty[property]} both map to the HubSpot property '{property}'.");
            }

            members.Add(new Member(p.Name, p.PropertyType, getter, setter)
            {
                Property = property,
                Converter = converter,
                ReadOnly = attribute?.ReadOnly ?? false,
            });
        }

        var (constructor, arity) = FindConstructor(type, members);
        return new ObjectMap(type, members, constructor, arity, type.GetCustomAttribute<HubSpotObjectAttribute>(inherit: true)?.ObjectType);
    }

    /// <summary>The values of the mapped members, in wire form.</summary>
    public PropertyBag ToProperties(object value, MappingOptions? options)
    {
        var bag = new PropertyBag();
        foreach (var m in _members)
        {
            if (!m.Writable)
            {
                continue;
            }

            string? wire;
            try
            {
                wire = m.Converter!.ToWire(m.Getter!.Invoke(value), m.Property!);
            }
            catch (ArgumentException e)
            {
                throw new HubSpotMappingException($"{_type.Name}.{m.Name} can't be written to HubSpot property '{m.Property}': {e.Message}", e);
            }

            if (wire is not null)
            {
                bag[m.Property!] = wire;
            }
            else if (options?.ClearUnsetValues == true)
            {
                bag[m.Property!] = "";
            }
        }

        return bag;
    }

    /// <summary>A new instance holding <paramref name="record"/>'s values.</summary>
    public object FromObject(CrmObject record)
    {
        var values = new object?[_members.Count];
        for (var i = 0; i < _members.Count; i++)
        {
            var m = _members[i];
            if (m.Readable)
            {
                values[i] = Read(m, record);
            }
        }

        object instance;
        if (_constructorArity == 0)
        {
            instance = _constructor is null ? Activator.CreateInstance(_type)! : _constructor.Invoke();
        }
        else
        {
            var args = new object?[_constructorArity];
            for (var i = 0; i < _members.Count; i++)
            {
                if (_members[i].ConstructorIndex >= 0)
                {
                    args[_members[i].ConstructorIndex] = values[i];
                }
            }

            instance = _constructor!.Invoke(args.AsSpan());
        }

        for (var i = 0; i < _members.Count; i++)
        {
            var m = _members[i];
            if (m.ConstructorIndex < 0 && m.Setter is not null)
            {
                m.Setter.Invoke(instance, values[i]);
            }
        }

        return instance;
    }

    /// <summary>The record id held by the object's <c>Id</c> member, if it has one and it is set.</summary>
    public string? GetId(object value)
    {
        var id = _members.Find(m => m.Meta == Meta.Id);
        return id?.Getter?.Invoke(value) switch
        {
            string { Length: > 0 } s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    private object? Read(Member m, CrmObject record)
    {
        switch (m.Meta)
        {
            case Meta.Id:
                if (m.Type == typeof(string))
                {
                    return record.Id;
                }

                return long.TryParse(record.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    ? id
                    : throw new HubSpotMappingException($"{_type.Name}.Id is a {TypeName(m.Type)}, but the record id is not a whole number; map it as a string.");
            case Meta.CreatedAt:
                return record.CreatedAt;
            case Meta.UpdatedAt:
                return record.UpdatedAt;
            case Meta.ArchivedAt:
                return record.ArchivedAt;
            case Meta.Archived:
                return record.Archived;
        }

        record.Properties.TryGetValue(m.Property!, out var wire);
        try
        {
            return m.Converter!.FromWire(wire, m.Property!);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new HubSpotMappingException($"{_type.Name}.{m.Name} can't be read from HubSpot property '{m.Property}': {e.Message}", e);
        }
    }

    private static Meta MetaFor(string name) => name switch
    {
        "Id" => Meta.Id,
        "CreatedAt" => Meta.CreatedAt,
        "UpdatedAt" => Meta.UpdatedAt,
        "Archived" => Meta.Archived,
        "ArchivedAt" => Meta.ArchivedAt,
        _ => Meta.None,
    };

    private static void CheckMetaType(Type type, PropertyInfo p, Meta meta)
    {
        var t = p.PropertyType;
        var ok = meta switch
        {
            Meta.Id => t == typeof(string) || t == typeof(long) || t == typeof(long?),
            Meta.Archived => t == typeof(bool) || t == typeof(bool?),
            Meta.ArchivedAt => t == typeof(DateTimeOffset?),
            _ => t == typeof(DateTimeOffset) || t == typeof(DateTimeOffset?),
        };
        if (!ok)
        {
            var expected = meta switch
            {
                Meta.Id => "string or long",
                Meta.Archived => "bool",
                Meta.ArchivedAt => "DateTimeOffset?",
                _ => "DateTimeOffset",
            };
            throw new HubSpotMappingException(
                $"{type.Name}.{p.Name} maps to the record's {p.Name} by convention and must be a {expected}, not a {TypeName(t)}. " +
                $"Give it [HubSpotProperty(\"…\")] to map a HubSpot property instead, or [HubSpotIgnore].");
        }
    }

    /// <summary>
    /// A public parameterless constructor, else the public constructor whose parameters all match members by name
    /// (a positional record); the members it covers are passed to it.
    /// </summary>
    private static (ConstructorInvoker? Constructor, int Arity) FindConstructor([DynamicallyAccessedMembers(Members)] Type type, List<Member> members)
    {
        if (type.IsValueType)
        {
            return (null, 0);
        }

        if (type.IsAbstract || type.IsInterface)
        {
            throw new HubSpotMappingException($"{type.Name} is abstract; map a concrete class.");
        }

        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (Array.Find(constructors, c => c.GetParameters().Length == 0) is { } parameterless)
        {
            return (ConstructorInvoker.Create(parameterless), 0);
        }

        foreach (var c in constructors.OrderByDescending(c => c.GetParameters().Length))
        {
            var parameters = c.GetParameters();
            var matched = parameters.Select(p => members.Find(m => string.Equals(m.Name, p.Name, StringComparison.OrdinalIgnoreCase) && m.Type == p.ParameterType)).ToList();
            if (matched.TrueForAll(m => m is not null && (m.Meta != Meta.None || m.Converter is not null)))
            {
                for (var i = 0; i < matched.Count; i++)
                {
                    matched[i]!.ConstructorIndex = i;
                }

                return (ConstructorInvoker.Create(c), parameters.Length);
            }
        }

        throw new HubSpotMappingException(
            $"{type.Name} needs a public parameterless constructor, or a public constructor whose parameters all match mapped members by name and type.");
    }

    private static string TypeName(Type t) =>
        Nullable.GetUnderlyingType(t) is { } u ? u.Name + "?" :
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", t.GetGenericArguments().Select(TypeName))}>" :
        t.Name;
}

/// <summary>The map of <typeparamref name="T"/>, built on first use.</summary>
internal static class ObjectMap<[DynamicallyAccessedMembers(ObjectMap.Members)] T>
{
    private static ObjectMap? s_map;

    public static ObjectMap Instance => s_map ??= ObjectMap.Build(typeof(T));
}
