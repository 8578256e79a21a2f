using Drover.Api;

namespace Drover.Agent.Node;

/// <summary>
/// Node conditions as kubelet sets them, from a <see cref="NodeHealth"/> observation: every condition's
/// lastHeartbeatTime is the time of the observation; lastTransitionTime moves only when its status flips.
/// Pure apart from the injected clock.
/// </summary>
internal sealed class NodeConditions
{
    public const string Ready = "Ready";
    public const string MemoryPressure = "MemoryPressure";
    public const string DiskPressure = "DiskPressure";
    public const string PidPressure = "PIDPressure";

    /// <summary>Drover's own: the container runtime's systemd unit (containerd.service), as systemd sees it.</summary>
    public const string ContainerRuntimeUnit = "ContainerRuntimeUnit";

    private readonly TimeProvider _time;

    public NodeConditions(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>The conditions for <paramref name="health"/>, carrying transition times over from <paramref name="previous"/>.</summary>
    public List<NodeCondition> Compute(NodeHealth health, IReadOnlyList<NodeCondition>? previous)
    {
        ArgumentNullException.ThrowIfNull(health);
        var now = TruncateToSeconds(_time.GetUtcNow());
        var memoryPressure = health.MemoryAvailableBytes < health.MemoryThresholdBytes;
        var diskPressure = health.DiskFreeFraction < health.DiskThresholdFraction;
        var pidPressure = health.PidMax > 0 && health.TasksInUse > health.PidThresholdFraction * health.PidMax;
        var notReady = health.RuntimeProblem is not null || health.NetworkProblem is not null;
        // kubelet's order and reasons, so that tools reading Kubernetes nodes read ours.
        List<NodeCondition> conditions =
        [
            Condition(previous, now, MemoryPressure, memoryPressure,
                memoryPressure ? ("KubeletHasInsufficientMemory", "node has insufficient memory available") : ("KubeletHasSufficientMemory", "node has sufficient memory available")),
            Condition(previous, now, DiskPressure, diskPressure,
                diskPressure ? ("KubeletHasDiskPressure", "node has disk pressure") : ("KubeletHasNoDiskPressure", "node has no disk pressure")),
            Condition(previous, now, PidPressure, pidPressure,
                pidPressure ? ("KubeletHasInsufficientPID", "node has insufficient PID available") : ("KubeletHasSufficientPID", "node has sufficient PID available")),
            Condition(previous, now, Ready, !notReady,
                notReady ? ("KubeletNotReady", string.Join("; ", new[] { health.RuntimeProblem, health.NetworkProblem }.Where(p => p is not null))) : ("KubeletReady", "drover-agent is posting ready status")),
        ];
        if (health.RuntimeUnit is { } unit)
            conditions.Add(RuntimeUnitCondition(previous, now, unit));
        return conditions;
    }

    /// <summary>True when the unit is active; Unknown when systemd could not be asked. The reason names the state (UnitActive, UnitFailed…).</summary>
    private static NodeCondition RuntimeUnitCondition(IReadOnlyList<NodeCondition>? previous, DateTimeOffset now, Systemd.UnitState unit)
    {
        var (status, reason, message) = unit switch
        {
            { Problem: { } problem } => ("Unknown", "SystemdUnavailable", $"{unit.Unit}: state unknown ({problem})"),
            { LoadState: "not-found" } => ("False", "UnitNotFound", $"{unit.Unit} is not installed"),
            _ => (unit.IsActive ? "True" : "False", "Unit" + Pascal(unit.ActiveState), $"{unit.Unit} is {unit.ActiveState} ({unit.SubState})"),
        };
        var before = previous?.FirstOrDefault(c => c.Type == ContainerRuntimeUnit);
        return new NodeCondition
        {
            Type = ContainerRuntimeUnit,
            Status = status,
            Reason = reason,
            Message = message,
            LastHeartbeatTime = now,
            LastTransitionTime = before is { LastTransitionTime: { } since } && before.Status == status ? since : now,
        };
    }

    /// <summary>systemd's active states are lower-case words, some with dashes ("deactivating", "reloading", "refreshing").</summary>
    private static string Pascal(string state)
    {
        if (state.Length == 0)
            return "Unknown";
        var parts = state.Split('-', StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(parts.Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>The condition types the agent writes; any other type on the Node belongs to someone else.</summary>
    public static readonly IReadOnlySet<string> Owned = new HashSet<string>(StringComparer.Ordinal) { MemoryPressure, DiskPressure, PidPressure, Ready, ContainerRuntimeUnit };

    /// <summary><paramref name="ours"/> followed by the conditions in <paramref name="stored"/> that the agent does not own.</summary>
    public static List<NodeCondition> WithOthers(IReadOnlyList<NodeCondition>? ours, IReadOnlyList<NodeCondition>? stored)
    {
        var result = new List<NodeCondition>(ours ?? []);
        foreach (var condition in stored ?? [])
        {
            if (condition is not null && !Owned.Contains(condition.Type) && !result.Exists(c => c.Type == condition.Type))
                result.Add(condition);
        }
        return result;
    }

    /// <summary>True when the two lists differ in anything but heartbeat times (what makes a status write necessary).</summary>
    public static bool Differ(IReadOnlyList<NodeCondition>? left, IReadOnlyList<NodeCondition>? right)
    {
        if (left is null || right is null)
            return !ReferenceEquals(left, right);
        if (left.Count != right.Count)
            return true;
        for (var i = 0; i < left.Count; i++)
        {
            if (left[i] with { LastHeartbeatTime = null } != right[i] with { LastHeartbeatTime = null })
                return true;
        }
        return false;
    }

    private static NodeCondition Condition(IReadOnlyList<NodeCondition>? previous, DateTimeOffset now, string type, bool isTrue, (string Reason, string Message) why)
    {
        var status = isTrue ? "True" : "False";
        var before = previous?.FirstOrDefault(c => c.Type == type);
        return new NodeCondition
        {
            Type = type,
            Status = status,
            Reason = why.Reason,
            Message = why.Message,
            LastHeartbeatTime = now,
            LastTransitionTime = before is { LastTransitionTime: { } since } && before.Status == status ? since : now,
        };
    }

    internal static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
