using System.Runtime.Serialization;
using Spoke.Crm;
using Spoke.Mapping;

namespace Spoke.Tests.Mapping;

public enum Tier
{
    [HubSpotEnumValue("gold_tier")] Gold,
    [EnumMember(Value = "silver_tier")] Silver,
    bronze,
}

public enum Interest
{
    [HubSpotEnumValue("product_a")] ProductA,
    [HubSpotEnumValue("product_b")] ProductB,
    [HubSpotEnumValue("product_c")] ProductC,
}

[HubSpotObject("contacts")]
public sealed class Member
{
    public string? Id { get; set; }
    public string? Email { get; set; }
    public string? FirstName { get; set; }
    [HubSpotProperty("loyalty_points")] public decimal? Points { get; set; }
    [HubSpotProperty("visit_count")] public int Visits { get; set; }
    [HubSpotProperty("lifetime_orders")] public long? Orders { get; set; }
    [HubSpotProperty("score")] public double? Score { get; set; }
    [HubSpotProperty("vip")] public bool? Vip { get; set; }
    [HubSpotProperty("last_visit")] public DateTimeOffset? LastVisit { get; set; }
    [HubSpotProperty("member_since")] public DateOnly? MemberSince { get; set; }
    [HubSpotProperty("tier")] public Tier? Tier { get; set; }
    [HubSpotProperty("interests")] public IReadOnlyList<Interest> Interests { get; set; } = [];
    [HubSpotProperty("tags")] public string[]? Tags { get; set; }
    [HubSpotProperty("createdate", ReadOnly = true)] public DateTimeOffset? CreateDate { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Archived { get; set; }
    [HubSpotIgnore] public string? Scratch { get; set; }
    public string Display => $"{FirstName} <{Email}>";
}

/// <summary>A positional record: built through its constructor.</summary>
public sealed record Deal(long Id, string DealName, decimal? Amount, List<Interest> Lines, DateOnly? CloseDate);

public sealed class WithUnsupported
{
    public string? Name { get; set; }
    public Guid Token { get; set; }
}

public sealed class WrongMetadata
{
    public string? CreatedAt { get; set; }
}

public sealed class Clash
{
    public string? Email { get; set; }
    [HubSpotProperty("email")] public string? Other { get; set; }
}

public sealed class HubSpotMapperTests
{
    private static Member Full() => new()
    {
        Email = "ada@example.com",
        FirstName = "Ada",
        Points = -12345678901234.5678m,
        Visits = 7,
        Orders = 9_000_000_000,
        Score = 0.1,
        Vip = false,
        LastVisit = new DateTimeOffset(2024, 3, 9, 23, 45, 1, 250, TimeSpan.FromHours(-8)),
        MemberSince = new DateOnly(2020, 2, 29),
        Tier = Tier.Silver,
        Interests = [Interest.ProductB, Interest.ProductA],
        Tags = ["x", "y"],
        CreateDate = DateTimeOffset.UnixEpoch,
        Scratch = "not sent",
    };

    [Fact]
    public void Members_become_wire_values_by_attribute_or_lower_cased_name()
    {
        var bag = HubSpotMapper.ToProperties(Full());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["email"] = "ada@example.com",
            ["firstname"] = "Ada",
            ["loyalty_points"] = "-12345678901234.5678",
            ["visit_count"] = "7",
            ["lifetime_orders"] = "9000000000",
            ["score"] = "0.1",
            ["vip"] = "false",
            ["last_visit"] = "2024-03-10T07:45:01.250Z",
            ["member_since"] = "2020-02-29",
            ["tier"] = "silver_tier",
            ["interests"] = "product_b;product_a",
            ["tags"] = "x;y",
        }, bag.OrderBy(kv => kv.Key).ToDictionary());
    }

    [Fact]
    public void Members_without_a_value_are_left_out_unless_asked_to_clear()
    {
        var sparse = new Member { Email = "", FirstName = "Ada" };
        Assert.Equal(["firstname", "visit_count"], HubSpotMapper.ToProperties(sparse).Keys.Order());

        var cleared = HubSpotMapper.ToProperties(sparse, new MappingOptions { ClearUnsetValues = true });
        Assert.Equal("Ada", cleared["firstname"]);
        Assert.Equal("0", cleared["visit_count"]);
        foreach (var name in new[] { "email", "loyalty_points", "lifetime_orders", "score", "vip", "last_visit", "member_since", "tier", "interests", "tags" })
        {
            Assert.Equal("", cleared[name]);
        }

        Assert.False(cleared.ContainsKey("createdate"));
    }

    [Fact]
    public void Records_read_back_into_equal_objects()
    {
        var original = Full();
        var record = new CrmObject
        {
            Id = "501",
            Properties = new PropertyBag(HubSpotMapper.ToProperties(original)) { ["createdate"] = "1705521304281" },
            CreatedAt = new DateTimeOffset(2024, 1, 17, 19, 55, 4, 281, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero),
            Archived = true,
        };

        var read = HubSpotMapper.FromObject<Member>(record);
        Assert.Equal("501", read.Id);
        Assert.Equal(original.Email, read.Email);
        Assert.Equal(original.Points, read.Points);
        Assert.Equal(original.Visits, read.Visits);
        Assert.Equal(original.Orders, read.Orders);
        Assert.Equal(original.Score, read.Score);
        Assert.Equal(original.Vip, read.Vip);
        Assert.Equal(original.LastVisit, read.LastVisit);
        Assert.Equal(TimeSpan.Zero, read.LastVisit!.Value.Offset);
        Assert.Equal(original.MemberSince, read.MemberSince);
        Assert.Equal(original.Tier, read.Tier);
        Assert.Equal(original.Interests, read.Interests);
        Assert.Equal(original.Tags, read.Tags);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1705521304281), read.CreateDate);
        Assert.Equal(record.CreatedAt, read.CreatedAt);
        Assert.Equal(record.UpdatedAt, read.UpdatedAt);
        Assert.True(read.Archived);
        Assert.Null(read.Scratch);
    }

    [Fact]
    public void Missing_values_read_as_null_default_or_empty()
    {
        var read = HubSpotMapper.FromObject<Member>(new CrmObject
        {
            Id = "1",
            Properties = new PropertyBag { ["email"] = "", ["vip"] = null, ["interests"] = "" },
        });
        Assert.Null(read.Email);
        Assert.Null(read.Vip);
        Assert.Null(read.Points);
        Assert.Equal(0, read.Visits);
        Assert.Empty(read.Interests);
        Assert.Empty(read.Tags!);
    }

    [Fact]
    public void Positional_records_are_built_through_their_constructor_with_long_ids()
    {
        var deal = new Deal(0, "Big one", 1_000_000.50m, [Interest.ProductC], new DateOnly(2026, 6, 30));
        var bag = HubSpotMapper.ToProperties(deal);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["amount"] = "1000000.5", ["closedate"] = "2026-06-30", ["dealname"] = "Big one", ["lines"] = "product_c",
        }, bag.OrderBy(kv => kv.Key).ToDictionary());

        var read = HubSpotMapper.FromObject<Deal>(new CrmObject { Id = "9007199254740993", Properties = bag });
        Assert.Equal(deal with { Id = 9007199254740993 }, read with { Lines = deal.Lines });
        Assert.Equal(deal.Lines, read.Lines);
        Assert.Equal(["dealname", "amount", "lines", "closedate"], HubSpotMapper.GetPropertyNames<Deal>());
        Assert.Null(HubSpotMapper.GetObjectType<Deal>());
        Assert.Equal("9", HubSpotMapper.GetId(deal with { Id = 9 }));
    }

    [Fact]
    public void Mapped_property_names_are_what_reads_ask_for()
    {
        Assert.Equal("contacts", HubSpotMapper.GetObjectType<Member>());
        Assert.Equal(
            ["email", "firstname", "loyalty_points", "visit_count", "lifetime_orders", "score", "vip", "last_visit", "member_since", "tier", "interests", "tags", "createdate"],
            HubSpotMapper.GetPropertyNames<Member>());
    }

    [Fact]
    public void Unsupported_members_fail_on_first_use_naming_the_member()
    {
        var error = Assert.Throws<HubSpotMappingException>(() => HubSpotMapper.ToProperties(new WithUnsupported()));
        Assert.Contains("WithUnsupported.Token", error.Message, StringComparison.Ordinal);
        Assert.Contains("Guid", error.Message, StringComparison.Ordinal);
        Assert.Contains("[HubSpotIgnore]", error.Message, StringComparison.Ordinal);

        Assert.Contains("WrongMetadata.CreatedAt", Assert.Throws<HubSpotMappingException>(() => HubSpotMapper.GetPropertyNames<WrongMetadata>()).Message, StringComparison.Ordinal);
        Assert.Contains("'email'", Assert.Throws<HubSpotMappingException>(() => HubSpotMapper.GetPropertyNames<Clash>()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_values_fail_naming_member_and_property_but_not_the_value()
    {
        var record = new CrmObject { Id = "1", Properties = new PropertyBag { ["loyalty_points"] = "lots", ["tier"] = "GOLD_TIER" } };
        var error = Assert.Throws<HubSpotMappingException>(() => HubSpotMapper.FromObject<Member>(record));
        Assert.Contains("Member.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lots", error.Message, StringComparison.Ordinal);

        var idError = Assert.Throws<HubSpotMappingException>(() => HubSpotMapper.FromObject<Deal>(new CrmObject { Id = "abc" }));
        Assert.Contains("Id", idError.Message, StringComparison.Ordinal);
    }
}
