namespace Drover.Scheduling;

/// <summary>The taint effects of the Kubernetes API, as the strings it spells them with.</summary>
public static class TaintEffects
{
    public const string NoSchedule = "NoSchedule";
    public const string PreferNoSchedule = "PreferNoSchedule";
    public const string NoExecute = "NoExecute";

    /// <summary>The taint cordoning adds; a pod that tolerates it (a DaemonSet's) may land on a cordoned node.</summary>
    public const string UnschedulableTaintKey = Drover.Api.WellKnownTaints.Unschedulable;
}
