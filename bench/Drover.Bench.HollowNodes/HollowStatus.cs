using Drover.Api;

namespace Drover.Bench.HollowNodes;

/// <summary>
/// The statuses a hollow node writes, shaped as drover-agent's (NodeStatusReporter, PodStatusBuilder) so droverd
/// stores and sends objects of the real size. Times at second precision, as the agent writes them.
/// </summary>
internal static class HollowStatus
{
    // A small edge box: 4 cores, 8 GiB, the kubelet's default of 110 pods.
    private static readonly Dictionary<string, Quantity> Capacity = new(StringComparer.Ordinal)
    {
        ["cpu"] = Quantity.Parse("4"),
        ["memory"] = Quantity.Parse("8Gi"),
        ["pods"] = Quantity.Parse("110"),
        ["ephemeral-storage"] = Quantity.Parse("64Gi"),
    };

    private static readonly NodeSystemInfo Info = new()
    {
        OperatingSystem = "linux",
        Architecture = "amd64",
        OsImage = "Debian GNU/Linux 12 (bookworm)",
        KernelVersion = "6.1.0-hollow",
        ContainerRuntimeVersion = "hollow://0",
        KubeletVersion = "drover-agent (hollow)",
    };

    public static NodeStatus ReadyNode(string name, string hostIp, DateTimeOffset now, NodeStatus? previous)
    {
        now = Seconds(now);
        NodeCondition Condition(string type, string status, string reason, string message) => new()
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastHeartbeatTime = now,
            // A condition's transition time stays while its status does (as the agent's NodeConditions keeps it).
            LastTransitionTime = previous?.Conditions?.FirstOrDefault(c => c.Type == type && c.Status == status)?.LastTransitionTime ?? now,
        };
        return new NodeStatus
        {
            Capacity = Capacity,
            Allocatable = Capacity,
            Conditions =
            [
                Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "drover-agent has sufficient memory available"),
                Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "drover-agent has no disk pressure"),
                Condition("PIDPressure", "False", "KubeletHasSufficientPID", "drover-agent has sufficient PID available"),
                Condition("Ready", "True", "KubeletReady", "drover-agent is posting ready status"),
            ],
            Addresses = [new NodeAddress { Type = "InternalIP", Address = hostIp }, new NodeAddress { Type = "Hostname", Address = name }],
            NodeInfo = Info,
            DaemonEndpoints = new NodeDaemonEndpoints { KubeletEndpoint = new DaemonEndpoint { Port = 10250 } },
        };
    }

    /// <summary>Every container running and ready: what the agent reports once its readiness probes pass.</summary>
    public static PodStatus Running(Pod pod, string hostIp, string podIp, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pod);
        now = Seconds(now);
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled")?.LastTransitionTime ?? now;
        PodCondition Condition(string type, DateTimeOffset since) => new() { Type = type, Status = "True", LastTransitionTime = since };
        return new PodStatus
        {
            Phase = "Running",
            Conditions = [Condition("Initialized", now), Condition("Ready", now), Condition("ContainersReady", now), Condition("PodScheduled", scheduled)],
            HostIP = hostIp,
            PodIP = podIp,
            PodIPs = [new PodIP { Ip = podIp }],
            StartTime = now,
            ContainerStatuses = [.. pod.Spec.Containers.Select(c => new ContainerStatus
            {
                Name = c.Name,
                Image = c.Image,
                ImageID = "hollow://" + c.Image,
                ContainerID = "hollow://" + pod.Metadata.Uid + "/" + c.Name,
                Ready = true,
                Started = true,
                State = new ContainerState { Running = new ContainerStateRunning { StartedAt = now } },
            })],
            QosClass = "Burstable",
        };
    }

    private static DateTimeOffset Seconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
