using Drover.Api;

namespace Drover.Cli.Drain;

/// <summary>
/// kubectl's drain filters (pkg/drain/filters.go), in its order: DaemonSet pods, mirror pods, then pods
/// that no controller would recreate. Pure: the pods of the node in, the plan out.
/// </summary>
internal static class DrainPlanner
{
    public const string MirrorPodAnnotation = WellKnownAnnotations.ConfigMirror;
    public const string UnmanagedFatal = "cannot delete Pods declare no controller (use --force to override)";
    public const string UnmanagedWarning = "deleting Pods that declare no controller";
    public const string DaemonSetFatal = "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
    public const string DaemonSetWarning = "ignoring DaemonSet-managed Pods";

    public static DrainPlan Plan(IEnumerable<Pod> pods, bool force, bool ignoreDaemonSets)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var evict = new List<Pod>();
        // Insertion-ordered groups, so messages come out in the order the pods were listed.
        var errors = new List<(string Reason, List<string> Pods)>();
        var warnings = new List<(string Reason, List<string> Pods)>();
        foreach (var pod in pods)
        {
            var id = $"{pod.Metadata.Namespace}/{pod.Metadata.Name}";
            var controller = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (controller?.Kind == "DaemonSet")
            {
                // Its controller ignores cordons and would put it straight back, so evicting it achieves nothing.
                if (ignoreDaemonSets)
                    Add(warnings, DaemonSetWarning, id);
                else
                    Add(errors, DaemonSetFatal, id);
                continue;
            }
            // A static pod's mirror cannot be removed through the API; its node runs it regardless.
            if (pod.Metadata.Annotations?.ContainsKey(MirrorPodAnnotation) == true)
                continue;
            // A finished pod loses nothing by going; one without a controller is gone for good.
            var finished = pod.Status?.Phase is PodPhases.Succeeded or PodPhases.Failed;
            if (!finished && controller is null)
            {
                if (!force)
                {
                    Add(errors, UnmanagedFatal, id);
                    continue;
                }
                Add(warnings, UnmanagedWarning, id);
            }
            evict.Add(pod);
        }
        return new DrainPlan(evict, Messages(errors), Messages(warnings));
    }

    private static void Add(List<(string Reason, List<string> Pods)> groups, string reason, string pod)
    {
        var group = groups.FindIndex(g => g.Reason == reason);
        if (group < 0)
            groups.Add((reason, [pod]));
        else
            groups[group].Pods.Add(pod);
    }

    private static List<string> Messages(List<(string Reason, List<string> Pods)> groups) =>
        [.. groups.Select(g => g.Reason + ": " + string.Join(", ", g.Pods))];
}
