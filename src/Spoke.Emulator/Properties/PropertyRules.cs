using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Properties;

/// <summary>
/// HubSpot's rules for property definitions: required fields, name format, type/fieldType pairs, enumeration
/// options, groups, unique-value limits (docs/hubspot-api.md §3.3, §12, §13). Shared by the properties and schemas APIs.
/// </summary>
internal static partial class PropertyRules
{
    /// <summary>"You can have up to ten unique ID properties per object" (docs/hubspot-api.md §3.3).</summary>
    public const int MaxUniqueProperties = 10;

    /// <summary>The fieldTypes each creatable type accepts (docs/hubspot-api.md §3.3 enums, §12 table).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> FieldTypesByType = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["string"] = ["text", "textarea", "html", "phonenumber", "file", "calculation_equation"],
        ["number"] = ["number", "calculation_equation"],
        ["bool"] = ["booleancheckbox", "calculation_equation"],
        ["enumeration"] = ["select", "radio", "checkbox", "booleancheckbox"],
        ["date"] = ["date"],
        ["datetime"] = ["date"],
        ["phone_number"] = ["phonenumber", "text"],
    };

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyName();

    /// <summary>Reads and validates a <c>PropertyCreate</c> (or a schema's <c>ObjectTypePropertyCreate</c>, whose group may default).</summary>
    public static PropertyDefinition ReadCreate(JsonElement input, PropertyCatalog catalog, DateTimeOffset now, string? defaultGroup = null)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.InvalidJson("each property definition must be a JSON object.");
        }

        var problems = new List<ErrorDetail>();
        var name = RequiredString(input, "name", problems);
        var label = RequiredString(input, "label", problems);
        var type = RequiredString(input, "type", problems);
        var fieldType = RequiredString(input, "fieldType", problems);
        var groupName = input.String("groupName") ?? defaultGroup;
        if (string.IsNullOrEmpty(groupName))
        {
            problems.Add(Missing("groupName"));
        }

        if (name is not null)
        {
            CheckName(name, problems);
        }

        if (type is not null && fieldType is not null)
        {
            CheckTypes(type, fieldType, problems);
        }

        var options = ReadOptions(input.Field("options"), problems);
        var hasUniqueValue = Bool(input, "hasUniqueValue", problems) ?? false;
        if (hasUniqueValue && type is not null && !CanBeUnique(type))
        {
            problems.Add(new ErrorDetail($"Only string and number properties can have unique values; {name} is of type {type}.", "INVALID_UNIQUE_PROPERTY", "hasUniqueValue"));
        }

        var displayOrder = Int(input, "displayOrder", problems) ?? -1;
        var hidden = Bool(input, "hidden", problems) ?? false;
        var formField = Bool(input, "formField", problems) ?? false;
        var externalOptions = Bool(input, "externalOptions", problems) ?? false;
        Throw(problems, name);

        if (catalog.Properties.TryGetValue(name!, out var existing))
        {
            throw ApiError.Conflict(existing.Archived
                ? $"A property named '{name}' already exists. It is archived; pick another name."
                : $"A property named '{name}' already exists.");
        }

        if (!catalog.Groups.TryGetValue(groupName!, out var group) || group.Archived)
        {
            throw ApiError.Validation($"Property group {groupName} does not exist. Create it first with POST .../groups.",
                [new ErrorDetail($"Property group {groupName} does not exist.", "INVALID_PROPERTY_GROUP", "groupName")],
                ApiError.Ctx("groupName", groupName!));
        }

        var calculated = fieldType!.StartsWith("calculation_", StringComparison.Ordinal);
        return new PropertyDefinition
        {
            Name = name!,
            Label = label!,
            Type = type!,
            FieldType = fieldType,
            GroupName = groupName!,
            Description = input.String("description") ?? "",
            Options = type switch
            {
                "enumeration" => options,
                // A checkbox needs its two options; HubSpot fills them in when none are given.
                "bool" when options.Count == 0 => [new("Yes", "true", null, 0), new("No", "false", null, 1)],
                "bool" => options,
                _ => [],
            },
            DisplayOrder = displayOrder,
            Hidden = hidden,
            FormField = formField,
            HasUniqueValue = hasUniqueValue,
            HubspotDefined = false,
            Calculated = calculated,
            ReadOnlyValue = calculated,
            ReadOnlyDefinition = false,
            Archivable = true,
            ExternalOptions = externalOptions,
            ReferencedObjectType = input.String("referencedObjectType"),
            CalculationFormula = input.String("calculationFormula"),
            DataSensitivity = input.String("dataSensitivity") ?? "non_sensitive",
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// Validates a <c>PropertyUpdate</c> against <paramref name="def"/> and applies it, all or nothing.
    /// Turning on <c>hasUniqueValue</c> starts the store's unique index and fails when records already share a value.
    /// </summary>
    public static void ApplyUpdate(PropertyDefinition def, JsonElement input, PropertyCatalog catalog, ObjectStore store, DateTimeOffset now,
        bool canEnableUniqueValue = true)
    {
        if (def.ReadOnlyDefinition)
        {
            throw ApiError.Validation($"{def.Name} is a HubSpot-defined property with a read-only definition; it can't be changed.",
                [new ErrorDetail($"The definition of {def.Name} is read-only.", "READ_ONLY_DEFINITION", "name")],
                ApiError.Ctx("propertyName", def.Name));
        }

        var problems = new List<ErrorDetail>();
        var label = OptionalString(input, "label", problems) ?? def.Label;
        var description = OptionalString(input, "description", problems) ?? def.Description;
        var groupName = OptionalString(input, "groupName", problems) ?? def.GroupName;
        var type = OptionalString(input, "type", problems) ?? def.Type;
        var fieldType = OptionalString(input, "fieldType", problems) ?? def.FieldType;
        var typeChanged = type != def.Type || fieldType != def.FieldType;
        if (typeChanged)
        {
            CheckTypes(type, fieldType, problems);
        }

        var optionsGiven = input.Field("options").ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null;
        var options = optionsGiven ? ReadOptions(input.Field("options"), problems) : def.Options;
        if (optionsGiven && type is not ("enumeration" or "bool"))
        {
            problems.Add(new ErrorDetail($"Only enumeration properties have options; {def.Name} is of type {type}.", "INVALID_OPTIONS", "options"));
        }

        var displayOrder = Int(input, "displayOrder", problems) ?? def.DisplayOrder;
        var hidden = Bool(input, "hidden", problems) ?? def.Hidden;
        var formField = Bool(input, "formField", problems) ?? def.FormField;
        var hasUniqueValue = (canEnableUniqueValue ? Bool(input, "hasUniqueValue", problems) : null) ?? def.HasUniqueValue;
        if (def.HasUniqueValue && !hasUniqueValue)
        {
            problems.Add(new ErrorDetail($"hasUniqueValue can't be turned off once set ({def.Name}).", "INVALID_UNIQUE_PROPERTY", "hasUniqueValue"));
        }

        if (hasUniqueValue && !CanBeUnique(type))
        {
            problems.Add(new ErrorDetail($"Only string and number properties can have unique values; {def.Name} is of type {type}.", "INVALID_UNIQUE_PROPERTY", "hasUniqueValue"));
        }

        Throw(problems, def.Name);
        if (!catalog.Groups.TryGetValue(groupName, out var group) || group.Archived)
        {
            throw ApiError.Validation($"Property group {groupName} does not exist.",
                [new ErrorDetail($"Property group {groupName} does not exist.", "INVALID_PROPERTY_GROUP", "groupName")],
                ApiError.Ctx("groupName", groupName));
        }

        if (hasUniqueValue && !def.HasUniqueValue)
        {
            CheckUniqueLimit(catalog, 1);
            if (!store.AddUniqueIndex(def.Name, out var collision))
            {
                throw ApiError.Validation(
                    $"Can't make {def.Name} unique: records {RecordJson.Id(collision[0])} and {RecordJson.Id(collision[1])} already share a value.",
                    [new ErrorDetail("Existing records share a value of this property.", "DUPLICATE_UNIQUE_PROPERTY_VALUE", "hasUniqueValue",
                        new Dictionary<string, IReadOnlyList<string>> { ["objectIds"] = [.. collision.Select(RecordJson.Id)] })],
                    ApiError.Ctx("propertyName", def.Name));
            }
        }

        def.Label = label;
        def.Description = description;
        def.GroupName = groupName;
        def.Type = type;
        def.FieldType = fieldType;
        def.Options = type is "enumeration" or "bool" ? options : [];
        def.Calculated = fieldType.StartsWith("calculation_", StringComparison.Ordinal);
        def.ReadOnlyValue = def.Calculated;
        def.DisplayOrder = displayOrder;
        def.Hidden = hidden;
        def.FormField = formField;
        def.HasUniqueValue = hasUniqueValue;
        if (input.String("calculationFormula") is { } formula)
        {
            def.CalculationFormula = formula;
        }

        def.UpdatedAt = now;
    }

    /// <summary>Answers 400 when <paramref name="adding"/> more unique properties would pass the per-object limit.</summary>
    public static void CheckUniqueLimit(PropertyCatalog catalog, int adding)
    {
        var count = catalog.Properties.Values.Count(p => p.HasUniqueValue && !p.Archived);
        if (count + adding > MaxUniqueProperties)
        {
            throw ApiError.Validation(
                $"You can have up to {MaxUniqueProperties} unique ID properties per object; this object already has {count}.",
                [new ErrorDetail("Too many unique properties.", "TOO_MANY_UNIQUE_PROPERTIES", "hasUniqueValue")],
                ApiError.Ctx("maxUniqueProperties", MaxUniqueProperties.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static bool CanBeUnique(string type) => type is "string" or "number" or "phone_number";

    private static void CheckName(string name, List<ErrorDetail> problems)
    {
        if (!PropertyName().IsMatch(name) || name.Length > 100)
        {
            problems.Add(new ErrorDetail(
                $"Property name '{name}' is not valid: use lowercase letters, digits and underscores, starting with a letter (at most 100 characters).",
                "INVALID_PROPERTY_NAME", "name"));
        }
        else if (name.StartsWith("hs_", StringComparison.Ordinal))
        {
            problems.Add(new ErrorDetail($"Property name '{name}' is not valid: the hs_ prefix is reserved for HubSpot-defined properties.",
                "INVALID_PROPERTY_NAME", "name"));
        }
    }

    private static void CheckTypes(string type, string fieldType, List<ErrorDetail> problems)
    {
        if (!FieldTypesByType.TryGetValue(type, out var allowed))
        {
            problems.Add(new ErrorDetail($"{type} is not a valid property type. Use one of: {string.Join(", ", FieldTypesByType.Keys)}.",
                "INVALID_PROPERTY_TYPE", "type"));
            return;
        }

        if (!allowed.Contains(fieldType))
        {
            problems.Add(new ErrorDetail($"fieldType {fieldType} can't be used with type {type}. Use one of: {string.Join(", ", allowed)}.",
                "INVALID_FIELD_TYPE", "fieldType"));
        }
    }

    private static List<PropertyOption> ReadOptions(JsonElement options, List<ErrorDetail> problems)
    {
        var result = new List<PropertyOption>();
        if (options.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return result;
        }

        if (options.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new ErrorDetail("options must be an array of {label, value, displayOrder, hidden}.", "INVALID_OPTIONS", "options"));
            return result;
        }

        var index = 0;
        foreach (var o in options.EnumerateArray())
        {
            var label = o.String("label");
            var value = o.String("value");
            if (string.IsNullOrEmpty(label) || value is null)
            {
                problems.Add(new ErrorDetail($"Option {index} needs a label and a value.", "INVALID_OPTIONS", "options"));
            }
            else
            {
                var order = o.Field("displayOrder") is { ValueKind: JsonValueKind.Number } d && d.TryGetInt32(out var n) ? n : index;
                var hidden = o.Field("hidden").ValueKind == JsonValueKind.True;
                result.Add(new PropertyOption(label, value, o.String("description"), order, hidden));
            }

            index++;
        }

        var duplicates = result.GroupBy(o => o.Value, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            problems.Add(new ErrorDetail($"Option values must be unique; duplicated: [{string.Join(", ", duplicates)}].", "DUPLICATE_OPTION_VALUE", "options",
                new Dictionary<string, IReadOnlyList<string>> { ["values"] = duplicates }));
        }

        return result;
    }

    private static void Throw(List<ErrorDetail> problems, string? name)
    {
        if (problems.Count == 0)
        {
            return;
        }

        var subject = name is null ? "Property definition" : $"Property definition {name}";
        throw ApiError.Validation($"{subject} is not valid: {string.Join(" ", problems.Select(p => p.Message))}", problems);
    }

    private static ErrorDetail Missing(string field) => new($"{field} is required.", "REQUIRED_FIELD", field);

    private static string? RequiredString(JsonElement input, string field, List<ErrorDetail> problems)
    {
        var v = input.Field(field);
        if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s)
        {
            return s;
        }

        problems.Add(v.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String
            ? Missing(field)
            : new ErrorDetail($"{field} must be a string.", "INVALID_FIELD", field));
        return null;
    }

    private static string? OptionalString(JsonElement input, string field, List<ErrorDetail> problems)
    {
        var v = input.Field(field);
        switch (v.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return v.GetString();
            default:
                problems.Add(new ErrorDetail($"{field} must be a string.", "INVALID_FIELD", field));
                return null;
        }
    }

    internal static bool? Bool(JsonElement input, string field, List<ErrorDetail> problems)
    {
        var v = input.Field(field);
        switch (v.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            default:
                problems.Add(new ErrorDetail($"{field} must be true or false.", "INVALID_FIELD", field));
                return null;
        }
    }

    internal static int? Int(JsonElement input, string field, List<ErrorDetail> problems)
    {
        var v = input.Field(field);
        if (v.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n))
        {
            return n;
        }

        problems.Add(new ErrorDetail($"{field} must be an integer.", "INVALID_FIELD", field));
        return null;
    }
}
