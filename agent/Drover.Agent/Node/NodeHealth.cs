namespace Drover.Agent.Node;

/// <summary>One observation of what the node's conditions are computed from (see <see cref="NodeConditions"/>).</summary>
internal sealed record NodeHealth
{
    /// <summary>Why the runtime is not usable (unreachable, RuntimeReady=false); null when it is.</summary>
    public string? RuntimeProblem { get; init; }

    /// <summary>Why pod networking is not usable (no conflist, missing plugins, NetworkReady=false); null when it is.</summary>
    public string? NetworkProblem { get; init; }

    public long MemoryAvailableBytes { get; init; } = long.MaxValue;
    public long MemoryThresholdBytes { get; init; }

    public double DiskFreeFraction { get; init; } = 1;
    public double DiskThresholdFraction { get; init; }

    public long TasksInUse { get; init; }
    public long PidMax { get; init; } = long.MaxValue;
    public double PidThresholdFraction { get; init; } = 0.9;

    /// <summary>The container runtime's systemd unit as systemd reports it; null when the agent does not watch it (--dbus-address off).</summary>
    public Systemd.UnitState? RuntimeUnit { get; init; }
}
