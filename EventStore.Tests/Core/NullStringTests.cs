namespace EventStore.Tests.Core;

public sealed class NullStringTests
{
    [Test]
    public void Converting_a_string_keeps_its_value()
    {
        NullString traceId = "trace-1";

        traceId.Value.ShouldBe("trace-1");
        traceId.HasValue.ShouldBeTrue();
    }

    [Test]
    public void Converting_null_gives_Null()
    {
        string? missing = null;

        NullString traceId = missing;

        traceId.ShouldBe(NullString.Null);
        traceId.HasValue.ShouldBeFalse();
        traceId.Value.ShouldBeNull();
    }

    [Test]
    public void Default_equals_Null()
    {
        (default(NullString) == NullString.Null).ShouldBeTrue();
        default(NullString).HasValue.ShouldBeFalse();
    }

    [Test]
    public void An_empty_string_is_a_value_distinct_from_Null()
    {
        NullString empty = string.Empty;

        empty.HasValue.ShouldBeTrue();
        (empty == NullString.Null).ShouldBeFalse();
    }

    [Test]
    public void Equal_strings_give_equal_values_with_equal_hash_codes()
    {
        NullString first = "trace-1";
        NullString second = string.Concat("trace-", "1");

        (first == second).ShouldBeTrue();
        first.GetHashCode().ShouldBe(second.GetHashCode());
    }

    [Test]
    public void Different_strings_give_different_values()
    {
        NullString first = "trace-1";
        NullString second = "trace-2";

        (first == second).ShouldBeFalse();
    }

    [Test]
    public void ToString_returns_the_value()
    {
        NullString traceId = "trace-1";

        traceId.ToString().ShouldBe("trace-1");
    }

    [Test]
    public void ToString_of_Null_returns_an_empty_string()
    {
        NullString.Null.ToString().ShouldBe(string.Empty);
    }
}
