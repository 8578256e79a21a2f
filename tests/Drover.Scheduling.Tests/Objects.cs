using Drover.Api;

namespace Drover.Scheduling.Tests;

/// <summary>Nodes and pods as the API would hold them, with only the fields a test cares about spelled out.</summary>
internal static class Objects
{
    public static Node Node(
        string name,
        string cpu = "4",
        string memory = "8Gi",
        int pods = 110,
        string ready = "True",
        bool unschedulable = false,
        Dictionary<string, string>? labels = null,
        params Taint[] taints) => new()
        {
            Metadata = new ObjectMeta { Name = name, Uid = "node-" + name, Labels = labels },
            Spec = new NodeSpec { Unschedulable = unschedulable ? true : null, Taints = taints.Length == 0 ? null : [.. taints] },
            Status = new NodeStatus
            {
                Allocatable = new Dictionary<string, Quantity>(StringComparer.Ordinal)
                {
                    ["cpu"] = Quantity.Parse(cpu),
                    ["memory"] = Quantity.Parse(memory),
                    ["pods"] = Quantity.FromInt64(pods, QuantityFormat.DecimalSI),
                },
                Conditions = [new NodeCondition { Type = "Ready", Status = ready }],
            },
        };

    public static Pod Pod(
        string name,
        string? cpu = null,
        string? memory = null,
        string? owner = null,
        string? nodeName = null,
        string? phase = null,
        Dictionary<string, string>? nodeSelector = null,
        params Toleration[] tolerations)
    {
        var requests = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        if (cpu is not null)
            requests["cpu"] = Quantity.Parse(cpu);
        if (memory is not null)
            requests["memory"] = Quantity.Parse(memory);
        return new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = "default",
                Uid = "uid-" + name,
                OwnerReferences = owner is null ? null :
                [
                    new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = owner, Uid = "rs-" + owner, Controller = true },
                ],
            },
            Spec = new PodSpec
            {
                Containers = [new Container { Name = "app", Image = "app:v1", Resources = new ResourceRequirements { Requests = requests } }],
                NodeName = nodeName,
                NodeSelector = nodeSelector,
                Tolerations = tolerations.Length == 0 ? null : [.. tolerations],
            },
            Status = phase is null ? null : new PodStatus { Phase = phase },
        };
    }

    public static PodInfo Info(string name, string? cpu = null, string? memory = null, string? owner = null) =>
        PodInfo.From(Pod(name, cpu, memory, owner));

    public static Taint Taint(string key, string? value, string effect) => new() { Key = key, Value = value, Effect = effect };

    public static Toleration Toleration(string? key, string? op, string? value, string? effect) =>
        new() { Key = key, Operator = op, Value = value, Effect = effect };

    public static ClusterSnapshot Snapshot(params Node[] nodes) => ClusterSnapshot.Build(nodes, []);
}
