using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class TolerationMatchingTests
{
    // Kubernetes' Toleration.ToleratesTaint cases, against the taint dedicated=gpu:NoSchedule.
    [Theory]
    [InlineData(null, "Exists", null, null, true)] // empty key with Exists: every taint
    [InlineData("", "Exists", null, "", true)]
    [InlineData("dedicated", "Exists", null, null, true)] // any value, any effect
    [InlineData("dedicated", "Exists", null, "NoSchedule", true)]
    [InlineData("dedicated", "Exists", null, "NoExecute", false)] // effect differs
    [InlineData("dedicated", "Exists", null, "PreferNoSchedule", false)]
    [InlineData("dedicated", "Equal", "gpu", "NoSchedule", true)]
    [InlineData("dedicated", "Equal", "gpu", null, true)] // empty effect: every effect
    [InlineData("dedicated", "Equal", "cpu", "NoSchedule", false)] // value differs
    [InlineData("dedicated", "Equal", null, "NoSchedule", false)]
    [InlineData("dedicated", null, "gpu", "NoSchedule", true)] // empty operator means Equal
    [InlineData("dedicated", "", "gpu", null, true)]
    [InlineData("dedicated", null, "cpu", null, false)]
    [InlineData("other", "Exists", null, null, false)] // key differs
    [InlineData("Dedicated", "Exists", null, null, false)] // keys are case-sensitive
    [InlineData("dedicated", "exists", null, null, false)] // so are operators: unknown never matches
    [InlineData("dedicated", "Gt", "gpu", null, false)]
    [InlineData(null, "Equal", "gpu", null, true)] // not valid API input, but Kubernetes' code matches it
    public void Tolerates_KubernetesTable_MatchesLikeKubernetes(string? key, string? op, string? value, string? effect, bool expected)
    {
        Assert.Equal(expected, TolerationMatching.Tolerates(Toleration(key, op, value, effect), "dedicated", "gpu", "NoSchedule"));
    }

    [Theory]
    [InlineData("Equal", "", true)]
    [InlineData(null, null, true)] // a null value is the empty string
    [InlineData("Equal", "x", false)]
    [InlineData("Exists", null, true)]
    public void Tolerates_TaintWithoutValue_EmptyValueMatches(string? op, string? value, bool expected)
    {
        Assert.Equal(expected, TolerationMatching.Tolerates(Toleration("k", op, value, null), "k", "", "NoExecute"));
    }

    [Fact]
    public void AnyTolerates_NoTolerations_False()
    {
        var node = Snapshot(Node("a", taints: Taint("k", "v", "NoSchedule"))).Nodes[0];

        Assert.False(TolerationMatching.AnyTolerates([], node.Taints[0]));
    }

    [Fact]
    public void AnyTolerates_OneOfSeveralMatches_True()
    {
        var node = Snapshot(Node("a", taints: Taint("k", "v", "NoSchedule"))).Nodes[0];

        Assert.True(TolerationMatching.AnyTolerates(
            [Toleration("x", "Exists", null, null), Toleration("k", "Equal", "v", "NoSchedule")], node.Taints[0]));
    }
}
