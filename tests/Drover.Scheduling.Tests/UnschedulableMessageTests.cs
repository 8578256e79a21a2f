namespace Drover.Scheduling.Tests;

public sealed class UnschedulableMessageTests
{
    private static NodeRejection Rejection(string node, params string[] reasons) => new(node, "f", reasons);

    [Fact]
    public void Format_OneReason_CountAndFullStop()
    {
        var message = UnschedulableMessage.Format(3, [Rejection("a", "Insufficient cpu"), Rejection("b", "Insufficient cpu"), Rejection("c", "Insufficient cpu")]);

        Assert.Equal("0/3 nodes are available: 3 Insufficient cpu.", message);
    }

    [Fact]
    public void Format_SeveralReasons_SortedLikeGoSortStringsOnCountAndReason()
    {
        // kube-scheduler sorts the "count reason" strings themselves, so the count leads the order.
        var message = UnschedulableMessage.Format(3, [Rejection("a", "Insufficient cpu"), Rejection("b", "Insufficient cpu"), Rejection("c", "node(s) were not ready")]);

        Assert.Equal("0/3 nodes are available: 1 node(s) were not ready, 2 Insufficient cpu.", message);
    }

    [Fact]
    public void Format_SameCount_OrdinalByReason_UppercaseFirst()
    {
        var message = UnschedulableMessage.Format(4,
        [
            Rejection("a", "node(s) were unschedulable"),
            Rejection("b", "Too many pods", "Insufficient memory"),
            Rejection("c", "node(s) had untolerated taint {k: v}"),
            Rejection("d", "Insufficient cpu"),
        ]);

        Assert.Equal(
            "0/4 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods, " +
            "1 node(s) had untolerated taint {k: v}, 1 node(s) were unschedulable.",
            message);
    }

    [Fact]
    public void Format_TenOrMore_SortsAsStringsNotNumbers()
    {
        var rejections = Enumerable.Range(0, 10).Select(i => Rejection($"n{i}", "Insufficient cpu"))
            .Append(Rejection("x", "node(s) were not ready")).Append(Rejection("y", "node(s) were not ready"))
            .ToList();

        Assert.Equal(
            "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were not ready.",
            UnschedulableMessage.Format(12, rejections));
    }

    [Fact]
    public void Format_NoReasons_KubernetesPrefixOnly()
    {
        Assert.Equal("0/2 nodes are available:", UnschedulableMessage.Format(2, []));
    }
}
