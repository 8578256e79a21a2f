using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Controllers.Tests;

public sealed class ExpectationsTests
{
    private readonly ManualTimeProvider _time = new(Workloads.T0);

    [Fact]
    public void Satisfied_NothingExpected_True()
    {
        Assert.True(new Expectations(_time).Satisfied("ns/rs"));
    }

    [Fact]
    public void ExpectCreations_UntilEveryCreateObserved_NotSatisfied()
    {
        var expectations = new Expectations(_time);
        expectations.ExpectCreations("ns/rs", 2);

        expectations.CreationObserved("ns/rs");
        Assert.False(expectations.Satisfied("ns/rs"));
        expectations.CreationObserved("ns/rs");
        Assert.True(expectations.Satisfied("ns/rs"));
    }

    [Fact]
    public void ExpectDeletions_OtherPodsGone_StillWaitsForTheNamedOnes()
    {
        var expectations = new Expectations(_time);
        expectations.ExpectDeletions("ns/rs", ["ns/a", "ns/b"]);

        expectations.DeletionObserved("ns/rs", "ns/unrelated");
        expectations.DeletionObserved("ns/rs", "ns/a");
        expectations.DeletionObserved("ns/rs", "ns/a");
        Assert.False(expectations.Satisfied("ns/rs"));
        Assert.Equal((0, 1), expectations.Pending("ns/rs"));
        expectations.DeletionObserved("ns/rs", "ns/b");
        Assert.True(expectations.Satisfied("ns/rs"));
    }

    [Fact]
    public void Satisfied_PendingLongerThanTimeout_True()
    {
        var expectations = new Expectations(_time);
        expectations.ExpectCreations("ns/rs", 1);

        _time.Advance(Expectations.Timeout);
        Assert.False(expectations.Satisfied("ns/rs"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(expectations.Satisfied("ns/rs"));
    }

    [Fact]
    public void Delete_Pending_Satisfied()
    {
        var expectations = new Expectations(_time);
        expectations.ExpectCreations("ns/rs", 3);

        expectations.Delete("ns/rs");

        Assert.True(expectations.Satisfied("ns/rs"));
    }
}
