using Drover.Api;
using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class RejectionListTests
{
    [Fact]
    public void Decide_FilterRejectsANodeTwiceApart_ReasonsGroupedPerNode()
    {
        var cluster = Snapshot(Node("a"), Node("b"));
        var scheduler = new Scheduler([new TwoPassFilter()], [], new Random(1));

        var none = Assert.IsType<Unschedulable>(scheduler.Decide(cluster, Info("p")));

        Assert.Equal(
            [("a", "first, second"), ("b", "first")],
            none.Rejections.Select(r => (r.NodeName, string.Join(", ", r.Reasons))));
        Assert.Equal("0/2 nodes are available: 1 second, 2 first.", none.Message);
        Assert.Equal(["TwoPass"], none.RejectingFilters);
    }

    [Fact]
    public void Decide_ManyNodesWithTheSameTaint_CountedTogether()
    {
        // Each node's taint reason is its own string instance: more of them than the short tally holds.
        var nodes = Enumerable.Range(0, 40).Select(i => Node($"n{i:00}", taints: Taint("dedicated", "db", "NoSchedule"))).ToArray();

        var none = Assert.IsType<Unschedulable>(new Scheduler(new Random(1)).Decide(Snapshot(nodes), Info("p")));

        Assert.Equal("0/40 nodes are available: 40 node(s) had untolerated taint {dedicated: db}.", none.Message);
        Assert.Equal(40, none.Rejections.Count);
        Assert.Equal(["TaintToleration"], none.RejectingFilters);
    }

    [Fact]
    public void Decide_NoRoom_NodeResourcesFitAmongRejectingFilters()
    {
        var cluster = Snapshot(Node("small", cpu: "1"), Node("down", ready: "False"));

        var none = Assert.IsType<Unschedulable>(new Scheduler(new Random(1)).Decide(cluster, Info("p", "2")));

        Assert.Equal([Unschedulable.NodeResourcesFit, "NodeSchedulable"], none.RejectingFilters.Order(StringComparer.Ordinal));
    }

    private sealed class TwoPassFilter : INodeFilter
    {
        public string Name => "TwoPass";

        public int Filter(ClusterSnapshot snapshot, PodInfo pod, Span<int> candidates, RejectionLog rejections)
        {
            foreach (var id in candidates)
                rejections.Reject(id, Name, "first");
            rejections.Reject(candidates[0], Name, "second");
            return 0;
        }
    }
}
