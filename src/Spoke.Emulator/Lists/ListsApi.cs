using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Objects;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Lists;

/// <summary>
/// CRM lists v3 (docs/hubspot-api.md §3.7): MANUAL, SNAPSHOT and DYNAMIC lists, their memberships, and a record's memberships.
/// DYNAMIC lists follow their filters: membership is re-derived from live records whenever a list is read.
/// </summary>
internal static class ListsApi
{
    public const string ReadScope = "crm.lists.read";
    public const string WriteScope = "crm.lists.write";

    /// <summary>Membership pages: default and ceiling (docs/hubspot-api.md §3.7, §14).</summary>
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 250;

    /// <summary>List search: default and ceiling of <c>count</c>.</summary>
    public const int DefaultSearchCount = 20;
    public const int MaxSearchCount = 500;

    public static readonly IReadOnlyList<string> Prefixes = ["/crm/v3/lists", "/crm/lists/2026-03", "/crm/lists/2026-09"];

    public static void MapListsApi(this IEndpointRouteBuilder app, string prefix)
    {
        var g = app.MapGroup(prefix);
        g.MapPost("", (Delegate)Create);
        g.MapGet("", GetMany);
        g.MapPost("/search", (Delegate)Search);
        g.MapGet("/object-type-id/{objectTypeId}/name/{listName}", GetByName);
        g.MapGet("/records/{objectTypeId}/{recordId}/memberships", RecordMemberships);
        g.MapPost("/records/memberships/batch/read", (Delegate)BatchReadRecordMemberships);
        g.MapGet("/{listId}", Get);
        g.MapDelete("/{listId}", Delete);
        g.MapPut("/{listId}/restore", Restore);
        g.MapPut("/{listId}/update-list-name", Rename);
        g.MapPut("/{listId}/update-list-filters", UpdateFilters);
        g.MapPut("/{listId}/memberships/add", AddMembers);
        g.MapPut("/{listId}/memberships/remove", RemoveMembers);
        g.MapPut("/{listId}/memberships/add-and-remove", AddAndRemoveMembers);
        g.MapPut("/{listId}/memberships/add-from/{sourceListId}", AddFrom);
        g.MapDelete("/{listId}/memberships", RemoveAllMembers);
        g.MapGet("/{listId}/memberships", (HttpContext ctx, PortalState portal, TokenGrant grant, string listId) => MembershipPage(ctx, portal, grant, listId, joinOrder: false));
        g.MapGet("/{listId}/memberships/join-order", (HttpContext ctx, PortalState portal, TokenGrant grant, string listId) => MembershipPage(ctx, portal, grant, listId, joinOrder: true));
    }

    private static bool IncludeFilters(HttpContext ctx) => Query.Bool(ctx.Request.Query, "includeFilters") ?? false;

    private static async Task<IResult> Create(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var name = body.String("name");
        var objectTypeId = body.String("objectTypeId");
        var processingType = body.String("processingType");
        var filterBranch = body.Field("filterBranch");
        var hasFilters = filterBranch.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        using var _ = portal.Write();
        grant.Require(WriteScope);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ApiError.Validation("A list needs a \"name\".", context: ApiError.Ctx("field", "name"));
        }

        if (string.IsNullOrEmpty(objectTypeId))
        {
            throw ApiError.Validation("A list needs an \"objectTypeId\" (e.g. 0-1 for contacts).", context: ApiError.Ctx("field", "objectTypeId"));
        }

        if (processingType is null || !ListProcessingTypes.All.Contains(processingType))
        {
            throw ApiError.Validation($"processingType must be one of {string.Join(", ", ListProcessingTypes.All)}; got \"{processingType}\".",
                context: ApiError.Ctx("processingType", processingType ?? ""));
        }

        var type = portal.ResolveType(objectTypeId);
        RequireUniqueName(portal, type.TypeId, name, null);
        FilterBranch? compiled = null;
        switch (processingType)
        {
            case ListProcessingTypes.Dynamic when !hasFilters:
                throw ApiError.Validation("A DYNAMIC list needs a filterBranch.", context: ApiError.Ctx("field", "filterBranch"));
            case ListProcessingTypes.Manual when hasFilters:
                throw ApiError.Validation("A MANUAL list takes no filterBranch: add members with PUT /{listId}/memberships/add, or create a DYNAMIC or SNAPSHOT list.",
                    context: ApiError.Ctx("field", "filterBranch"));
        }

        if (hasFilters)
        {
            compiled = ListFilters.Parse(filterBranch, portal.Catalog(type));
        }

        var now = portal.Now;
        var list = new ObjectList
        {
            Id = portal.Lists.NextListId,
            Name = name.Trim(),
            ObjectTypeId = type.TypeId,
            ProcessingType = processingType,
            CreatedAt = now,
            UpdatedAt = now,
            FiltersUpdatedAt = hasFilters ? now : null,
            FilterBranchJson = hasFilters ? Compact(filterBranch) : null,
            CompiledFilter = compiled,
        };
        portal.Lists.Add(list);
        if (processingType == ListProcessingTypes.Snapshot && compiled is not null)
        {
            // A snapshot evaluates its filters once, now; afterwards it is edited by hand like a MANUAL list.
            ListStore.Evaluate(portal, list, portal.Store(type), compiled);
        }

        return JsonIO.Json(ListJson.Envelope("list", portal, list, includeFilters: true));
    }

    private static IResult GetMany(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        var ids = ctx.Request.Query["listIds"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var includeFilters = IncludeFilters(ctx);
        using var _ = portal.Read();
        grant.Require(ReadScope);
        var lists = ids.Select(id => TryParseId(id) is { } n ? portal.Lists.Find(n) : null).OfType<ObjectList>().Distinct().ToList();
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("lists");
            foreach (var list in lists)
            {
                ListJson.Write(w, portal, list, includeFilters);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static IResult Get(HttpContext ctx, PortalState portal, TokenGrant grant, string listId)
    {
        var includeFilters = IncludeFilters(ctx);
        using var _ = portal.Read();
        grant.Require(ReadScope);
        // A deleted list still answers, with deletedAt, until it is restored (UNVERIFIED; see report).
        var list = Find(portal, listId, allowDeleted: true);
        return JsonIO.Json(ListJson.Envelope("list", portal, list, includeFilters));
    }

    private static IResult GetByName(HttpContext ctx, PortalState portal, TokenGrant grant, string objectTypeId, string listName)
    {
        var includeFilters = IncludeFilters(ctx);
        using var _ = portal.Read();
        grant.Require(ReadScope);
        var type = portal.ResolveType(objectTypeId);
        var list = portal.Lists.FindByName(type.TypeId, listName)
                   ?? throw ApiError.NotFound($"List with name {listName} does not exist for object type {type.TypeId}.");
        return JsonIO.Json(ListJson.Envelope("list", portal, list, includeFilters));
    }

    private static async Task<IResult> Search(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var body = doc.RootElement;
        var query = body.String("query") ?? "";
        var listIds = Batch.Strings(body.Field("listIds")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var processingTypes = Batch.Strings(body.Field("processingTypes")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var objectTypeId = body.String("objectTypeId");
        var offset = Math.Max(0, Int(body, "offset") ?? 0);
        var count = Math.Clamp(Int(body, "count") ?? DefaultSearchCount, 1, MaxSearchCount);
        using var _ = portal.Read();
        grant.Require(ReadScope);
        var typeId = string.IsNullOrEmpty(objectTypeId) ? null : portal.ResolveType(objectTypeId).TypeId;
        var matching = portal.Lists.All
            .Where(l => !l.Deleted)
            .Where(l => query.Length == 0 || l.Name.Contains(query, StringComparison.OrdinalIgnoreCase))
            .Where(l => listIds.Count == 0 || listIds.Contains(ListJson.Id(l.Id)))
            .Where(l => processingTypes.Count == 0 || processingTypes.Contains(l.ProcessingType))
            .Where(l => typeId is null || l.ObjectTypeId == typeId)
            .ToList();
        var page = matching.Skip(offset).Take(count).ToList();
        var nextOffset = offset + page.Count;
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("lists");
            foreach (var list in page)
            {
                ListJson.Write(w, portal, list, includeFilters: false, search: true);
            }

            w.WriteEndArray();
            w.WriteNumber("total", matching.Count);
            w.WriteNumber("offset", nextOffset);
            w.WriteBoolean("hasMore", nextOffset < matching.Count);
            w.WriteEndObject();
        });
    }

    private static IResult Delete(HttpContext ctx, PortalState portal, TokenGrant grant, string listId)
    {
        using var _ = portal.Write();
        grant.Require(WriteScope);
        var list = Find(portal, listId);
        list.DeletedAt = portal.Now;
        portal.Lists.Changed(list, portal.Now);
        return JsonIO.NoContent();
    }

    private static IResult Restore(HttpContext ctx, PortalState portal, TokenGrant grant, string listId)
    {
        using var _ = portal.Write();
        grant.Require(WriteScope);
        var list = Find(portal, listId, allowDeleted: true);
        if (!list.Deleted)
        {
            throw ApiError.Validation($"List {list.Id} is not deleted; only deleted lists can be restored.", context: ApiError.Ctx("listId", ListJson.Id(list.Id)));
        }

        RequireUniqueName(portal, list.ObjectTypeId, list.Name, list);
        list.DeletedAt = null;
        portal.Lists.Changed(list, portal.Now);
        return JsonIO.NoContent();
    }

    private static IResult Rename(HttpContext ctx, PortalState portal, TokenGrant grant, string listId)
    {
        var name = ctx.Request.Query["listName"].ToString();
        var includeFilters = IncludeFilters(ctx);
        using var _ = portal.Write();
        grant.Require(WriteScope);
        var list = Find(portal, listId);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ApiError.Validation("Query parameter \"listName\" is required.", context: ApiError.Ctx("field", "listName"));
        }

        RequireUniqueName(portal, list.ObjectTypeId, name, list);
        list.Name = name.Trim();
        Changed(portal, list);
        return JsonIO.Json(ListJson.Envelope("updatedList", portal, list, includeFilters));
    }

    private static async Task<IResult> UpdateFilters(HttpContext ctx, PortalState portal, TokenGrant grant, string listId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var filterBranch = doc.RootElement.Field("filterBranch");
        using var _ = portal.Write();
        grant.Require(WriteScope);
        var list = Find(portal, listId);
        if (!list.IsDynamic)
        {
            throw ApiError.Validation($"List {list.Id} is a {list.ProcessingType} list; only DYNAMIC lists have filters that can be updated.",
                context: ApiError.Ctx("processingType", list.ProcessingType));
        }

        if (filterBranch.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.Validation("The body needs a \"filterBranch\" object.", context: ApiError.Ctx("field", "filterBranch"));
        }

        var type = portal.ResolveType(list.ObjectTypeId);
        list.CompiledFilter = ListFilters.Parse(filterBranch, portal.Catalog(type));
        list.FilterBranchJson = Compact(filterBranch);
        list.FiltersUpdatedAt = portal.Now;
        Changed(portal, list);
        return JsonIO.Json(ListJson.Envelope("updatedList", portal, list, includeFilters: true));
    }

    private static async Task<IResult> AddMembers(HttpContext ctx, PortalState portal, TokenGrant grant, string listId)
    {
        var ids = await ReadIdArray(ctx).ConfigureAwait(false);
        return ChangeMembers(ctx, portal, grant, listId, ids, []);
    }

    private static async Task<IResult> RemoveMembers(HttpContext ctx, PortalState portal, TokenGrant grant, string listId)
    {
        var ids = await ReadIdArray(ctx).ConfigureAwait(false);
        return ChangeMembers(ctx, portal, grant, listId, [], ids);
    }

    private static async Task<IResult> AddAndRemoveMembers(HttpContext ctx, PortalState portal, TokenGrant grant, string listId)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var add = IdArray(doc.RootElement.Field("recordIdsToAdd"), "recordIdsToAdd", optional: true);
        var remove = IdArray(doc.RootElement.Field("recordIdsToRemove"), "recordIdsToRemove", optional: true);
        return ChangeMembers(ctx, portal, grant, listId, add, remove);
    }

    /// <summary>Adds then removes; ids of records that don't exist (or are archived) are reported missing, not errors.</summary>
    private static IResult ChangeMembers(HttpContext ctx, PortalState portal, TokenGrant grant, string listId, List<string> add, List<string> remove)
    {
        using var _ = portal.Write();
        grant.Require(WriteScope);
        var list = Find(portal, listId);
        RequireHandEdited(list);
        var store = ListStore.StoreOf(portal, list);
        var now = portal.Now;
        var added = new List<string>();
        var removed = new List<string>();
        var missing = new List<string>();
        foreach (var id in add)
        {
            if (LiveRecordId(store, id) is not { } recordId)
            {
                missing.Add(id);
            }
            else if (list.Join(recordId, now))
            {
                added.Add(id);
            }
        }

        foreach (var id in remove)
        {
            var recordId = TryParseId(id);
            if (recordId is { } n && list.Leave(n))
            {
                removed.Add(id);
            }
            else if (LiveRecordId(store, id) is null)
            {
                missing.Add(id);
            }
        }

        if (added.Count + removed.Count > 0)
        {
            portal.Lists.Changed(list, now);
        }

        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            // HubSpot's own spelling (SPEC MembershipsUpdateResponse).
            WriteStrings(w, "recordsIdsAdded", added);
            WriteStrings(w, "recordIdsRemoved", removed);
            WriteStrings(w, "recordIdsMissing", missing.Distinct().ToList());
            w.WriteEndObject();
        });
    }

    private static IResult AddFrom(HttpContext ctx, PortalState portal, TokenGrant grant, string listId, string sourceListId)
    {
        using var _ = portal.Write();
        grant.Require(WriteScope);
        var list = Find(portal, listId);
        RequireHandEdited(list);
        var source = Find(portal, sourceListId);
        if (source.ObjectTypeId != list.ObjectTypeId)
        {
            throw ApiError.Validation($"List {source.Id} holds {source.ObjectTypeId} records and list {list.Id} holds {list.ObjectTypeId} records; both must hold the same object type.");
        }

        var now = portal.Now;
        var changed = false;
        foreach (var m in ListStore.CurrentMembers(portal, source))
        {
            changed |= list.Join(m.RecordId, now);
        }

        if (changed)
        {
            portal.Lists.Changed(list, now);
        }

        return JsonIO.NoContent();
    }

    private static IResult RemoveAllMembers(HttpContext ctx, PortalState portal, TokenGrant grant, string listId)
    {
        using var _ = portal.Write();
        grant.Require(WriteScope);
        var list = Find(portal, listId);
        RequireHandEdited(list);
        foreach (var m in list.Memberships.Values)
        {
            list.Leave(m.RecordId);
        }

        portal.Lists.Changed(list, portal.Now);
        return JsonIO.NoContent();
    }

    /// <summary>Pages of members in record id order, or in the order they joined; cursors are <c>after</c> / <c>before</c>.</summary>
    private static IResult MembershipPage(HttpContext ctx, PortalState portal, TokenGrant grant, string listId, bool joinOrder)
    {
        var q = ctx.Request.Query;
        var limit = Math.Clamp(Query.Int(q, "limit") ?? DefaultPageSize, 1, MaxPageSize);
        var after = Cursor(q, "after");
        var before = Cursor(q, "before");
        using var _ = portal.Read();
        grant.Require(ReadScope);
        var list = Find(portal, listId);
        var members = ListStore.CurrentMembers(portal, list);
        Func<ListMembership, long> key = joinOrder ? m => m.JoinSequence : m => m.RecordId;
        var ordered = members.OrderBy(key).ToList();
        List<ListMembership> page;
        ListMembership? next = null;
        ListMembership? previous = null;
        if (before is { } b && after is null)
        {
            var preceding = ordered.Where(m => key(m) < b).ToList();
            page = preceding.Skip(Math.Max(0, preceding.Count - limit)).ToList();
            previous = preceding.Count > page.Count ? page[0] : null;
            next = ordered.FirstOrDefault(m => key(m) >= b);
        }
        else
        {
            var start = after is { } a ? ordered.FindIndex(m => key(m) >= a) : 0;
            start = start < 0 ? ordered.Count : start;
            page = ordered.Skip(start).Take(limit).ToList();
            next = start + limit < ordered.Count ? ordered[start + limit] : null;
            previous = start > 0 && page.Count > 0 ? page[0] : null;
        }

        var url = Query.BaseUrl(ctx);
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var m in page)
            {
                w.WriteStartObject();
                w.WriteString("recordId", RecordJson.Id(m.RecordId));
                w.WriteString("membershipTimestamp", RecordJson.Time(m.LastAddedAt));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (next is not null || previous is not null)
            {
                w.WriteStartObject("paging");
                if (next is not null)
                {
                    WriteCursor(w, ctx, url, "next", "after", key(next));
                }

                if (previous is not null)
                {
                    WriteCursor(w, ctx, url, "prev", "before", key(previous));
                }

                w.WriteEndObject();
            }

            w.WriteNumber("total", ordered.Count);
            w.WriteEndObject();
        });
    }

    private static IResult RecordMemberships(HttpContext ctx, PortalState portal, TokenGrant grant, string objectTypeId, string recordId)
    {
        using var _ = portal.Read();
        grant.Require(ReadScope);
        var type = portal.ResolveType(objectTypeId);
        var memberships = MembershipsOf(portal, type, recordId);
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var (list, m) in memberships)
            {
                ListJson.WriteRecordMembership(w, list, m);
            }

            w.WriteEndArray();
            w.WriteNumber("total", memberships.Count);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> BatchReadRecordMemberships(HttpContext ctx, PortalState portal, TokenGrant grant)
    {
        using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
        var inputs = Batch.Inputs(doc.RootElement, portal)
            .Select(i => (
                ObjectTypeId: i.String("objectTypeId") ?? throw ApiError.Validation("Each input needs an \"objectTypeId\"."),
                RecordId: i.Field("recordId").IdString() ?? throw ApiError.Validation("Each input needs a \"recordId\".")))
            .ToList();
        var started = portal.Now;
        using var _ = portal.Read();
        grant.Require(ReadScope);
        var results = inputs.Select(i =>
        {
            var type = portal.ResolveType(i.ObjectTypeId);
            return (TypeId: type.TypeId, i.RecordId, Memberships: MembershipsOf(portal, type, i.RecordId));
        }).ToList();
        return Batch.Result(ctx, started, portal.Now, 200, results, [], (w, r) =>
        {
            w.WriteStartObject();
            w.WriteString("objectTypeId", r.TypeId);
            w.WriteString("recordId", r.RecordId);
            w.WriteStartArray("recordListMemberships");
            foreach (var (list, m) in r.Memberships)
            {
                ListJson.WriteRecordMembership(w, list, m);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The live lists a live record belongs to, in list id order.</summary>
    private static List<(ObjectList List, ListMembership Membership)> MembershipsOf(PortalState portal, ObjectType type, string recordId)
    {
        var result = new List<(ObjectList, ListMembership)>();
        if (LiveRecordId(portal.Store(type), recordId) is not { } id)
        {
            return result;
        }

        foreach (var list in portal.Lists.All.Where(l => !l.Deleted && l.ObjectTypeId == type.TypeId))
        {
            ListStore.Refresh(portal, list);
            if (list.Memberships.TryGetValue(id, out var m) && m.IsMember)
            {
                result.Add((list, m));
            }
        }

        return result;
    }

    private static ObjectList Find(PortalState portal, string listId, bool allowDeleted = false)
    {
        var list = TryParseId(listId) is { } id ? portal.Lists.Find(id) : null;
        if (list is null || (list.Deleted && !allowDeleted))
        {
            throw new ApiError(404, "OBJECT_NOT_FOUND", $"List with id {listId} does not exist.") { Context = ApiError.Ctx("listId", listId) };
        }

        return list;
    }

    private static void RequireHandEdited(ObjectList list)
    {
        if (list.IsDynamic)
        {
            throw ApiError.Validation($"List {list.Id} is a DYNAMIC list: its memberships follow its filters and can't be changed by hand. Only MANUAL and SNAPSHOT lists take membership changes.",
                context: ApiError.Ctx("processingType", list.ProcessingType));
        }
    }

    /// <summary>List names are unique per object type among live lists, ignoring case (a duplicate answers 400; UNVERIFIED status).</summary>
    private static void RequireUniqueName(PortalState portal, string objectTypeId, string name, ObjectList? self)
    {
        if (portal.Lists.FindByName(objectTypeId, name.Trim()) is { } other && other != self)
        {
            throw ApiError.Validation($"A list named \"{other.Name}\" already exists for object type {objectTypeId} (list {other.Id}). List names must be unique per object type.",
                context: ApiError.Ctx("listName", name));
        }
    }

    private static void Changed(PortalState portal, ObjectList list)
    {
        list.Version++;
        portal.Lists.Changed(list, portal.Now);
    }

    private static long? LiveRecordId(ObjectStore? store, string id) =>
        store is not null && TryParseId(id) is { } n && store.Find(n) is { Archived: false, Deleted: false } ? n : null;

    private static long? TryParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static long? Cursor(IQueryCollection q, string name)
    {
        var raw = q[name].ToString();
        if (raw.Length == 0)
        {
            return null;
        }

        return TryParseId(raw) ?? throw ApiError.Validation($"The \"{name}\" cursor \"{raw}\" is not valid; pass back the paging cursor unchanged.",
            context: ApiError.Ctx(name, raw));
    }

    private static void WriteCursor(Utf8JsonWriter w, HttpContext ctx, string url, string direction, string name, long value)
    {
        var cursor = value.ToString(CultureInfo.InvariantCulture);
        var query = string.Join('&', ctx.Request.Query
            .Where(kv => kv.Key is not ("after" or "before"))
            .SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"{name}={cursor}"));
        w.WriteStartObject(direction);
        w.WriteString(name, cursor);
        w.WriteString("link", $"{url}?{query}");
        w.WriteEndObject();
    }

    private static async Task<List<string>> ReadIdArray(HttpContext ctx)
    {
        using var doc = await JsonIO.ReadAsync(ctx).ConfigureAwait(false);
        return IdArray(doc.RootElement, "body", optional: false);
    }

    private static List<string> IdArray(JsonElement array, string name, bool optional)
    {
        if (optional && array.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.InvalidJson($"{name} must be an array of record ids.");
        }

        return [.. array.EnumerateArray().Select(e => e.IdString() ?? throw ApiError.InvalidJson($"{name} must hold record ids (strings or numbers)."))];
    }

    private static int? Int(JsonElement body, string name)
    {
        var v = body.Field(name);
        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            _ => throw ApiError.Validation($"\"{name}\" must be an integer.", context: ApiError.Ctx("field", name)),
        };
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static string Compact(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(w);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
