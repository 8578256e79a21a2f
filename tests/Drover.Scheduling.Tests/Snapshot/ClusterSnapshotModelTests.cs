using CsCheck;
using Drover.Api;
using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

/// <summary>
/// Random event sequences applied one at a time must leave the same accounting as a snapshot built from
/// the resulting nodes and pods in one go, and as plain sums over those pods.
/// </summary>
public sealed class ClusterSnapshotModelTests
{
    private enum Kind
    {
        UpsertNode,
        RemoveNode,
        Assume,
        Forget,
        Bind,
        UpdateUnbound,
        Finish,
        Delete,
    }

    private static readonly string?[] Cpus = [null, "0", "100m", "1500m"];
    private static readonly string?[] Memories = [null, "0", "64Mi", "1Gi"];
    private static readonly string?[] Owners = [null, "o1", "o2", "o3"];

    private static readonly Gen<(Kind Kind, int Node, int Pod, int Cpu, int Memory, int Owner)> Operation =
        Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 4], Gen.Int[0, 9], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 3]);

    [Fact]
    public void Snapshot_RandomEventSequence_IncrementalEqualsFromScratch()
    {
        Operation.Array[0, 80].Sample(operations =>
        {
            var snapshot = new ClusterSnapshot();
            var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
            var counted = new Dictionary<string, Pod>(StringComparer.Ordinal);

            foreach (var (kind, nodeIndex, podIndex, cpu, memory, owner) in operations)
            {
                var nodeName = $"n{nodeIndex}";
                var pod = Pod($"p{podIndex}", Cpus[cpu], Memories[memory], Owners[owner]);
                var key = PodInfo.KeyOf(pod);
                switch (kind)
                {
                    case Kind.UpsertNode:
                        var node = Node(nodeName, cpu: $"{cpu + 1}", ready: owner == 0 ? "False" : "True");
                        snapshot.UpsertNode(node);
                        nodes[nodeName] = node;
                        break;
                    case Kind.RemoveNode:
                        Assert.Equal(nodes.Remove(nodeName), snapshot.RemoveNode(nodeName));
                        break;
                    case Kind.Assume:
                        snapshot.Assume(PodInfo.From(pod), nodeName);
                        counted[key] = pod with { Spec = pod.Spec with { NodeName = nodeName } };
                        break;
                    case Kind.Forget:
                        Assert.Equal(counted.Remove(key), snapshot.Forget(key));
                        break;
                    case Kind.Bind:
                        var bound = pod with { Spec = pod.Spec with { NodeName = nodeName } };
                        snapshot.UpsertPod(bound);
                        counted[key] = bound;
                        break;
                    case Kind.UpdateUnbound:
                        snapshot.UpsertPod(pod);
                        break;
                    case Kind.Finish:
                        snapshot.UpsertPod(pod with { Spec = pod.Spec with { NodeName = nodeName }, Status = new PodStatus { Phase = "Succeeded" } });
                        counted.Remove(key);
                        break;
                    default:
                        Assert.Equal(counted.Remove(key), snapshot.RemovePod(pod));
                        break;
                }
            }

            var rebuilt = ClusterSnapshot.Build(nodes.Values, counted.Values);
            AssertSameAccounting(rebuilt, snapshot);
            AssertMatchesSums(snapshot, nodes, counted);
        }, iter: 500);
    }

    private static void AssertSameAccounting(ClusterSnapshot expected, ClusterSnapshot actual)
    {
        Assert.Equal(Names(expected.Nodes), Names(actual.Nodes));
        // Gone nodes that pods still name are kept on both sides, and forgotten on both once empty.
        Assert.Equal(Names(expected.AllNodes), Names(actual.AllNodes));
        Assert.Equal(expected.PodCount, actual.PodCount);
        foreach (var node in expected.AllNodes)
        {
            var other = actual.AllNodes.Single(n => n.Name == node.Name);
            Assert.Equal(Accounting(node), Accounting(other));
        }
    }

    private static void AssertMatchesSums(ClusterSnapshot snapshot, Dictionary<string, Node> nodes, Dictionary<string, Pod> counted)
    {
        foreach (var node in snapshot.AllNodes)
        {
            var pods = counted.Values.Where(p => p.Spec.NodeName == node.Name).Select(PodInfo.From).ToList();
            Assert.Equal(
                (pods.Sum(p => p.MilliCpu), pods.Sum(p => p.MemoryBytes), pods.Sum(p => p.NonZeroMilliCpu), pods.Sum(p => p.NonZeroMemoryBytes), pods.Count),
                (node.RequestedMilliCpu, node.RequestedMemoryBytes, node.NonZeroRequestedMilliCpu, node.NonZeroRequestedMemoryBytes, node.PodCount));
            Assert.Equal(nodes.ContainsKey(node.Name), node.Node is not null);
            foreach (var owner in Owners.OfType<string>())
            {
                var replicas = pods.Count(p => p.OwnerUid == "rs-" + owner);
                Assert.Equal(replicas, snapshot.ReplicasOn("rs-" + owner, node.Name));
            }
        }
        Assert.Equal(counted.Count, snapshot.PodCount);
        Assert.All(counted, pair => Assert.Equal(pair.Value.Spec.NodeName, snapshot.NodeNameOf(pair.Key)));
    }

    private static List<string> Names(IEnumerable<NodeInfo> nodes) => nodes.Select(n => n.Name).Order(StringComparer.Ordinal).ToList();

    private static object Accounting(NodeInfo node) => (
        node.RequestedMilliCpu, node.RequestedMemoryBytes, node.NonZeroRequestedMilliCpu, node.NonZeroRequestedMemoryBytes,
        node.PodCount, node.AllocatableMilliCpu, node.AllocatableMemoryBytes, node.AllocatablePods, node.Ready, node.Node is null);
}
