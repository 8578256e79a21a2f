using Drover.Api;
using Drover.Scheduling;

namespace Drover.Bench.Scheduler;

/// <summary>
/// A cluster shaped like a real one rather than a best case: nodes of three sizes, some not ready,
/// cordoned, tainted or already full, most partly used by pods of many owners; and a stream of pending
/// pods from Deployments of several sizes, some with a node selector or a toleration.
/// </summary>
internal sealed class BenchCluster
{
    private const int ExistingOwners = 200;
    private const int PendingOwners = 100;

    private BenchCluster(ClusterSnapshot snapshot, Pod[] pending)
    {
        Snapshot = snapshot;
        Pending = pending;
    }

    public ClusterSnapshot Snapshot { get; }

    /// <summary>Pods to schedule, used round-robin; more of them than the churn window, so a reused one was forgotten already.</summary>
    public Pod[] Pending { get; }

    public static BenchCluster Create(int nodeCount, int pendingCount, int seed)
    {
        var random = new Random(seed);
        var snapshot = new ClusterSnapshot();
        string[] zones = ["z0", "z1", "z2"];
        (string Cpu, string Memory)[] sizes = [("2", "4Gi"), ("4", "8Gi"), ("8", "16Gi")];
        for (var i = 0; i < nodeCount; i++)
        {
            var roll = random.NextDouble();
            var (cpu, memory) = sizes[random.Next(sizes.Length)];
            List<Taint>? taints = roll switch
            {
                < 0.08 => [new Taint { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" }],
                < 0.13 => [new Taint { Key = "spot", Value = "true", Effect = "PreferNoSchedule" }],
                _ => null,
            };
            var node = new Node
            {
                Metadata = new ObjectMeta
                {
                    Name = $"node-{i:00000}",
                    Labels = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["kubernetes.io/hostname"] = $"node-{i:00000}",
                        ["topology.kubernetes.io/zone"] = zones[i % zones.Length],
                        ["kubernetes.io/arch"] = random.NextDouble() < 0.1 ? "arm64" : "amd64",
                    },
                },
                Spec = new NodeSpec { Unschedulable = random.NextDouble() < 0.02 ? true : null, Taints = taints },
                Status = new NodeStatus
                {
                    Allocatable = new Dictionary<string, Quantity>(StringComparer.Ordinal)
                    {
                        ["cpu"] = Quantity.Parse(cpu),
                        ["memory"] = Quantity.Parse(memory),
                        ["pods"] = Quantity.FromInt64(110, QuantityFormat.DecimalSI),
                    },
                    Conditions = [new NodeCondition { Type = "Ready", Status = random.NextDouble() < 0.05 ? "False" : "True" }],
                },
            };
            snapshot.UpsertNode(node);

            // Existing load: 10% of nodes full to the brim, the rest 0–60% used.
            var cpuMilli = Quantity.Parse(cpu).MilliValue;
            var target = random.NextDouble() < 0.10 ? cpuMilli : (long)(cpuMilli * random.NextDouble() * 0.6);
            for (var used = 0L; used + 250 <= target; used += 250)
            {
                var owner = random.Next(ExistingOwners);
                snapshot.UpsertPod(MakePod($"running-{i}-{used}", $"existing-{owner}", "250m", "256Mi", node.Metadata.Name, null, null));
            }
        }

        var pending = new Pod[pendingCount];
        string[] cpus = ["100m", "250m", "500m"];
        string[] memories = ["128Mi", "256Mi", "512Mi"];
        for (var i = 0; i < pendingCount; i++)
        {
            var owner = i % PendingOwners;
            // The template decides the shape: every replica of one owner looks the same, as in a ReplicaSet.
            var selector = (owner % 10) switch
            {
                0 => new Dictionary<string, string>(StringComparer.Ordinal) { ["kubernetes.io/arch"] = "arm64" },
                1 => new Dictionary<string, string>(StringComparer.Ordinal) { ["topology.kubernetes.io/zone"] = "z1" },
                _ => null,
            };
            List<Toleration>? tolerations = owner % 20 == 2 ? [new Toleration { Key = "dedicated", Operator = "Equal", Value = "gpu", Effect = "NoSchedule" }] : null;
            pending[i] = MakePod($"pending-{i}", $"app-{owner}", cpus[owner % 3], memories[owner / 3 % 3], null, selector, tolerations);
        }
        return new BenchCluster(snapshot, pending);
    }

    private static Pod MakePod(string name, string owner, string cpu, string memory, string? nodeName, Dictionary<string, string>? selector, List<Toleration>? tolerations) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "default",
            Uid = "uid-" + name,
            OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = owner, Uid = "rs-" + owner, Controller = true }],
        },
        Spec = new PodSpec
        {
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "registry.local/app:v1",
                    Resources = new ResourceRequirements
                    {
                        Requests = new Dictionary<string, Quantity>(StringComparer.Ordinal) { ["cpu"] = Quantity.Parse(cpu), ["memory"] = Quantity.Parse(memory) },
                        Limits = new Dictionary<string, Quantity>(StringComparer.Ordinal) { ["cpu"] = Quantity.Parse(cpu), ["memory"] = Quantity.Parse(memory) },
                    },
                },
            ],
            NodeName = nodeName,
            NodeSelector = selector,
            Tolerations = tolerations,
        },
        Status = nodeName is null ? null : new PodStatus { Phase = "Running" },
    };
}
