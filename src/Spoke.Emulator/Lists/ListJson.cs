using System.Globalization;
using System.Text.Json;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Lists;

/// <summary>Writes lists and memberships in HubSpot's shapes (<c>PublicObjectList</c>, <c>JoinTimeAndRecordId</c>, ...).</summary>
internal static class ListJson
{
    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>PublicObjectList</c>; <paramref name="search"/> writes the search result variant with <c>additionalProperties</c>.</summary>
    public static void Write(Utf8JsonWriter w, PortalState portal, ObjectList list, bool includeFilters, bool search = false)
    {
        var members = ListStore.CurrentMembers(portal, list);
        w.WriteStartObject();
        w.WriteString("listId", Id(list.Id));
        w.WriteNumber("listVersion", list.Version);
        w.WriteString("name", list.Name);
        w.WriteString("objectTypeId", list.ObjectTypeId);
        w.WriteString("processingType", list.ProcessingType);
        w.WriteString("processingStatus", "COMPLETE");
        if (!search)
        {
            w.WriteNumber("size", members.Count);
        }

        w.WriteString("createdAt", RecordJson.Time(list.CreatedAt));
        w.WriteString("updatedAt", RecordJson.Time(list.UpdatedAt));
        if (list.FiltersUpdatedAt is { } filtersUpdatedAt)
        {
            w.WriteString("filtersUpdatedAt", RecordJson.Time(filtersUpdatedAt));
        }

        if (list.DeletedAt is { } deletedAt)
        {
            w.WriteString("deletedAt", RecordJson.Time(deletedAt));
        }

        if (search)
        {
            w.WriteStartObject("additionalProperties");
            w.WriteString("hs_list_size", members.Count.ToString(CultureInfo.InvariantCulture));
            if (members.Count > 0)
            {
                var last = members.Max(m => m.LastAddedAt);
                w.WriteString("hs_last_record_added_at", last.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            }

            w.WriteEndObject();
        }

        if (includeFilters && list.FilterBranchJson is { } filters)
        {
            w.WritePropertyName("filterBranch");
            w.WriteRawValue(filters);
        }

        w.WriteEndObject();
    }

    /// <summary>Writes <c>{"list": ...}</c> or another single-list envelope.</summary>
    public static Action<Utf8JsonWriter> Envelope(string name, PortalState portal, ObjectList list, bool includeFilters) => w =>
    {
        w.WriteStartObject();
        w.WritePropertyName(name);
        Write(w, portal, list, includeFilters);
        w.WriteEndObject();
    };

    /// <summary>A record's membership of one list (<c>RecordListMembership</c>).</summary>
    public static void WriteRecordMembership(Utf8JsonWriter w, ObjectList list, ListMembership m)
    {
        w.WriteStartObject();
        w.WriteString("listId", Id(list.Id));
        w.WriteNumber("listVersion", list.Version);
        w.WriteString("firstAddedTimestamp", RecordJson.Time(m.FirstAddedAt));
        w.WriteString("lastAddedTimestamp", RecordJson.Time(m.LastAddedAt));
        w.WriteEndObject();
    }
}
