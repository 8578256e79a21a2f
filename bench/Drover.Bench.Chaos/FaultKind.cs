namespace Drover.Bench.Chaos;

/// <summary>What the soak does to the cluster every 20 s, one of them chosen by the seeded random.</summary>
internal enum FaultKind
{
    /// <summary>kill -9 of droverd, started again after the unit's RestartSec.</summary>
    DroverdKill,

    /// <summary>kill -9 of one node's agent (its pods run on), started again after RestartSec.</summary>
    AgentKill,

    /// <summary>kill -9 of one node's containerd (shims and containers run on), started again after RestartSec.</summary>
    ContainerdKill,

    /// <summary>kill -9 of drover-ingress, started again on the same ports after RestartSec.</summary>
    IngressKill,

    /// <summary>kill -9 of one app pod's container process (through containerd): the agent restarts it.</summary>
    PodKill,

    /// <summary>One node's pod network cut for a while (its bridge's ports down): its pods unreachable from the ingress and from their probes.</summary>
    NetworkCut,
}

internal static class FaultKinds
{
    public static IReadOnlyList<FaultKind> All { get; } = Enum.GetValues<FaultKind>();

    public static string Name(FaultKind kind) => kind switch
    {
        FaultKind.DroverdKill => "kill -9 droverd",
        FaultKind.AgentKill => "kill -9 an agent",
        FaultKind.ContainerdKill => "kill -9 a containerd",
        FaultKind.IngressKill => "kill -9 the ingress",
        FaultKind.PodKill => "kill -9 a pod's process",
        FaultKind.NetworkCut => "a node's network cut",
        _ => kind.ToString(),
    };
}
