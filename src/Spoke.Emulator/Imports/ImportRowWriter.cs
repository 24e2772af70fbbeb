using System.Globalization;
using Spoke.Emulator.Associations;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;
using Spoke.Emulator.Properties;

namespace Spoke.Emulator.Imports;

/// <summary>
/// Writes one import row through the same <see cref="RecordWriter"/> the objects API uses (validation, unique values,
/// webhooks), so a bad value is a row error with HubSpot's import <c>errorType</c>, not a failed import.
/// Callers hold the portal's write scope.
/// </summary>
internal sealed class ImportRowWriter(PortalState portal, ImportJob job)
{
    public const string ObjectIdColumn = "HUBSPOT_OBJECT_ID";
    public const string AlternateIdColumn = "HUBSPOT_ALTERNATE_ID";

    private readonly RecordWriter _writer = new(portal);

    public void Write(ImportFile file, CsvRow row)
    {
        job.Count(ImportCounters.TotalRows);
        if (row.Cells.Count != file.HeaderColumns)
        {
            Fail(file, row, "INCORRECT_NUMBER_OF_COLUMNS", (file.Columns.Count > 0 ? file.Columns[0].ObjectTypeId : ""),
                string.Create(CultureInfo.InvariantCulture, $"The row has {row.Cells.Count} columns; the header has {file.HeaderColumns}."));
            return;
        }

        var written = new List<(ObjectType Type, CrmRecord Record)>();
        foreach (var group in file.Columns.GroupBy(c => c.ObjectTypeId))
        {
            var type = portal.FindType(group.Key);
            if (type is null)
            {
                Fail(file, row, "MISSING_OBJECT_DEFINITION", group.Key, $"The object type {group.Key} does not exist in this portal.");
                continue;
            }

            if (WriteObject(file, row, type, [.. group]) is { } record)
            {
                written.Add((type, record));
            }
        }

        Associate(file, row, written);
    }

    private CrmRecord? WriteObject(ImportFile file, CsvRow row, ObjectType type, IReadOnlyList<ImportColumn> columns)
    {
        var store = portal.Store(type);
        var catalog = portal.Catalog(type);
        var operation = job.Operations.GetValueOrDefault(type.TypeId, "UPSERT");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        CrmRecord? existing = null;
        string? idProblem = null;
        foreach (var column in columns)
        {
            var cell = row.Cells[column.Index].Trim();
            if (cell.Length == 0)
            {
                // An empty cell leaves the value as it is (HubSpot's import does not clear with blanks).
                continue;
            }

            if (column.ColumnType == ObjectIdColumn || column.PropertyName == "hs_object_id")
            {
                existing = long.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? store.Lookup(cell, null, archived: false) : null;
                if (existing is null || id <= 0)
                {
                    idProblem = $"{cell} is not the record id of a {type.Singular} in this portal.";
                }

                continue;
            }

            if (column.PropertyName is not { } name)
            {
                continue;
            }

            values[name] = Convert(catalog.Find(name), cell);
            if (existing is null && (column.ColumnType == AlternateIdColumn || (type.TypeId == "0-1" && name == "email")) && store.IsUnique(name))
            {
                existing = store.FindByUnique(name, values[name]);
            }
        }

        if (idProblem is not null)
        {
            Fail(file, row, "INVALID_OBJECT_ID", type.TypeId, idProblem);
            return null;
        }

        if (values.Count == 0)
        {
            Fail(file, row, "FAILED_TO_PROCESS_OBJECT_WITH_EMPTY_PROPERTY_VALUES", type.TypeId, $"The row holds no values for the {type.Singular}.");
            return null;
        }

        if (operation == "CREATE" && existing is not null)
        {
            Fail(file, row, "CREATE_ONLY_IMPORT", type.TypeId,
                $"{RecordJson.Id(existing.Id)} already exists and this import only creates {type.Name}.");
            return null;
        }

        if (operation == "UPDATE" && existing is null)
        {
            Fail(file, row, "UPDATE_ONLY_IMPORT", type.TypeId, $"No existing {type.Singular} matches the row and this import only updates {type.Name}.");
            return null;
        }

        try
        {
            CrmRecord record;
            if (existing is null)
            {
                record = _writer.CommitCreate(type, _writer.PrepareCreate(type, values));
                job.Count(ImportCounters.CreatedObjects);
            }
            else
            {
                record = existing;
                _writer.CommitUpdate(type, existing, _writer.PrepareUpdate(type, existing, values));
                job.Count(ImportCounters.UpdatedObjects);
            }

            job.Count(ImportCounters.PropertyValuesEmitted, values.Count);
            if (job.Written.Add((type.TypeId, record.Id)))
            {
                job.Count(ImportCounters.UniqueObjectsWritten);
            }

            return record;
        }
        catch (ApiError error)
        {
            var (errorType, property) = ErrorType(error, catalog);
            Fail(file, row, errorType, type.TypeId, error.Message, property is null ? null : values.GetValueOrDefault(property), property);
            return null;
        }
    }

    /// <summary>Records of several object types from one row are associated with their default type (HubSpot's multi-object import).</summary>
    private void Associate(ImportFile file, CsvRow row, List<(ObjectType Type, CrmRecord Record)> written)
    {
        if (written.Count < 2)
        {
            return;
        }

        var associator = new Associator(portal);
        var (fromType, from) = written[0];
        foreach (var (toType, to) in written.Skip(1))
        {
            try
            {
                associator.Add(fromType, from, toType, to, [associator.RequireDefault(fromType, toType)]);
                job.Count(ImportCounters.AssociationsCreated);
            }
            catch (ApiError error)
            {
                Fail(file, row, "FAILED_TO_CREATE_ASSOCIATION", toType.TypeId, error.Message);
            }
        }
    }

    /// <summary>Import cells are what people type: dates in the import's dateFormat, enumeration labels as well as values.</summary>
    private string Convert(PropertyDefinition? def, string cell)
    {
        switch (def?.Type)
        {
            case "date" or "datetime" when ParseDate(cell, job.DateFormat) is { } date:
                return def.Type == "date"
                    ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : date.ToString("yyyy-MM-dd'T'00:00:00.000'Z'", CultureInfo.InvariantCulture);
            case "enumeration" when def.Options.Count > 0:
                var parts = cell.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return string.Join(';', parts.Select(p =>
                    def.Options.Find(o => o.Value == p)?.Value
                    ?? def.Options.Find(o => string.Equals(o.Value, p, StringComparison.OrdinalIgnoreCase) || string.Equals(o.Label, p, StringComparison.OrdinalIgnoreCase))?.Value
                    ?? p));
            case "bool":
                return cell.ToUpperInvariant() switch
                {
                    "YES" or "Y" or "1" or "TRUE" => "true",
                    "NO" or "N" or "0" or "FALSE" => "false",
                    _ => cell,
                };
            default:
                return cell;
        }
    }

    /// <summary>A date typed as day, month and year in some order (separators / - .); null when the cell is not one.</summary>
    internal static DateOnly? ParseDate(string cell, string dateFormat)
    {
        var parts = cell.Split(['/', '-', '.']);
        if (parts.Length != 3 || !parts.All(p => p.Length is > 0 and <= 4 && p.All(char.IsAsciiDigit)))
        {
            return null;
        }

        var n = parts.Select(p => int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        var (y, m, d) = parts[0].Length == 4 ? (n[0], n[1], n[2]) : dateFormat switch
        {
            "DAY_MONTH_YEAR" => (n[2], n[1], n[0]),
            "YEAR_MONTH_DAY" => (n[0], n[1], n[2]),
            _ => (n[2], n[0], n[1]),
        };
        if (y < 100)
        {
            y += 2000;
        }

        return y is >= 1 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m) ? new DateOnly(y, m, d) : null;
    }

    /// <summary>The objects API's error codes, as the import errors API names them.</summary>
    private static (string ErrorType, string? Property) ErrorType(ApiError error, PropertyCatalog catalog)
    {
        if (error.StatusCode == 409)
        {
            return ("DUPLICATE_UNIQUE_PROPERTY_VALUE", "email");
        }

        var detail = error.Errors.Count > 0 ? error.Errors[0] : null;
        var property = detail?.Context?.GetValueOrDefault("propertyName") is { Count: > 0 } names ? names[0] : null;
        if (error.Errors.Count > 1)
        {
            return ("MANY_ERRORS_IN_ROW", property);
        }

        var type = detail?.Code switch
        {
            "INVALID_EMAIL" => "INVALID_EMAIL",
            "INVALID_OPTION" when property is not null && catalog.Find(property)?.ReferencedObjectType == "OWNER" => "COULD_NOT_FIND_OWNER",
            "INVALID_OPTION" => "INVALID_ENUMERATION_OPTION",
            "INVALID_INTEGER" => "COULD_NOT_PARSE_NUMBER",
            "INVALID_DATE" or "INVALID_DATETIME" => "COULD_NOT_PARSE_DATE",
            "DUPLICATE_UNIQUE_PROPERTY_VALUE" => "DUPLICATE_UNIQUE_PROPERTY_VALUE",
            "REQUIRED_PROPERTY" => "MISSING_REQUIRED_PROPERTY",
            "BLOCKED_EMAIL" => "GDPR_BLACKLISTED_EMAIL",
            "PROPERTY_DOESNT_EXIST" => "PROPERTY_DEFINITION_NOT_FOUND",
            _ => "FAILED_VALIDATION",
        };
        return (type, property);
    }

    private void Fail(ImportFile file, CsvRow row, string errorType, string objectTypeId, string message, string? invalidValue = null, string? property = null)
    {
        job.Count(ImportCounters.Errors);
        var id = string.Create(CultureInfo.InvariantCulture, $"{job.Id}{job.Errors.Count + 1:D6}");
        job.Errors.Add(new ImportRowError(id, errorType, message, objectTypeId, portal.Now, file.FileId, row, invalidValue, property));
    }
}
