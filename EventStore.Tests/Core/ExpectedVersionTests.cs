namespace EventStore.Tests.Core;

public sealed class ExpectedVersionTests
{
    [Test]
    public void Exact_with_a_negative_version_throws()
    {
        var exception = Should.Throw<ArgumentOutOfRangeException>(() => ExpectedVersion.Exact(-1));

        exception.ParamName.ShouldBe("version");
        exception.ActualValue.ShouldBe(-1L);
        exception.Message.ShouldContain("-1");
    }

    [Test]
    public void Exact_zero_equals_NoStream()
    {
        var exactZero = ExpectedVersion.Exact(0);

        exactZero.Equals(ExpectedVersion.NoStream).ShouldBeTrue();
        (exactZero == ExpectedVersion.NoStream).ShouldBeTrue();
        (exactZero != ExpectedVersion.NoStream).ShouldBeFalse();
        exactZero.GetHashCode().ShouldBe(ExpectedVersion.NoStream.GetHashCode());
    }

    [Test]
    public void Default_equals_NoStream()
    {
        var unset = default(ExpectedVersion);

        (unset == ExpectedVersion.NoStream).ShouldBeTrue();
        unset.GetHashCode().ShouldBe(ExpectedVersion.NoStream.GetHashCode());
        unset.IsNoStream.ShouldBeTrue();
        unset.IsAny.ShouldBeFalse();
    }

    [Test]
    public void Exact_versions_with_the_same_number_are_equal()
    {
        (ExpectedVersion.Exact(7) == ExpectedVersion.Exact(7)).ShouldBeTrue();
        ExpectedVersion.Exact(7).GetHashCode().ShouldBe(ExpectedVersion.Exact(7).GetHashCode());
    }

    [Test]
    public void Different_expected_versions_are_not_equal()
    {
        (ExpectedVersion.Any == ExpectedVersion.NoStream).ShouldBeFalse();
        (ExpectedVersion.Any == ExpectedVersion.Exact(1)).ShouldBeFalse();
        (ExpectedVersion.NoStream == ExpectedVersion.Exact(1)).ShouldBeFalse();
        (ExpectedVersion.Exact(1) == ExpectedVersion.Exact(2)).ShouldBeFalse();
    }

    [Test]
    public void Any_is_only_Any_and_has_value_zero()
    {
        var any = ExpectedVersion.Any;

        any.IsAny.ShouldBeTrue();
        any.IsNoStream.ShouldBeFalse();
        any.IsExact.ShouldBeFalse();
        any.Value.ShouldBe(0);
    }

    [Test]
    public void NoStream_is_not_Exact_and_has_value_zero()
    {
        var noStream = ExpectedVersion.NoStream;

        noStream.IsNoStream.ShouldBeTrue();
        noStream.IsExact.ShouldBeFalse();
        noStream.IsAny.ShouldBeFalse();
        noStream.Value.ShouldBe(0);
    }

    [Test]
    public void Exact_zero_reports_NoStream_rather_than_Exact()
    {
        var exactZero = ExpectedVersion.Exact(0);

        exactZero.IsNoStream.ShouldBeTrue();
        exactZero.IsExact.ShouldBeFalse();
    }

    [Test]
    public void Exact_with_a_positive_version_is_Exact_with_that_value()
    {
        var exact = ExpectedVersion.Exact(5);

        exact.IsExact.ShouldBeTrue();
        exact.IsNoStream.ShouldBeFalse();
        exact.IsAny.ShouldBeFalse();
        exact.Value.ShouldBe(5);
    }

    [Test]
    public void ToString_names_Any()
    {
        ExpectedVersion.Any.ToString().ShouldBe("Any");
    }

    [Test]
    public void ToString_names_NoStream_for_NoStream_Exact_zero_and_default()
    {
        ExpectedVersion.NoStream.ToString().ShouldBe("NoStream");
        ExpectedVersion.Exact(0).ToString().ShouldBe("NoStream");
        default(ExpectedVersion).ToString().ShouldBe("NoStream");
    }

    [Test]
    public void ToString_shows_the_exact_version()
    {
        ExpectedVersion.Exact(5).ToString().ShouldBe("Exact(5)");
    }
}
