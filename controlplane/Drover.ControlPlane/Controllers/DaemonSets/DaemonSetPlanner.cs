using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Controllers.Deployments;

namespace Drover.ControlPlane.Controllers.DaemonSets;

/// <summary>
/// The DaemonSet controller's decisions, free of I/O (Kubernetes' daemon controller manage + rollingUpdate):
/// one pod of the current template on every node that should run one, none elsewhere; a failed daemon pod
/// is replaced; a template change replaces old pods node by node, at most maxUnavailable nodes without an
/// available daemon at a time (delete, then create), or with maxSurge a new pod started beside the old one,
/// which goes once the new one is available. OnDelete replaces a pod only when someone deletes it.
/// </summary>
public static class DaemonSetPlanner
{
    /// <summary>The label that tells a pod's template revision apart (Kubernetes' DefaultDaemonSetUniqueLabelKey).</summary>
    public const string HashLabel = "controller-revision-hash";

    public static string Hash(DaemonSet daemonSet)
    {
        ArgumentNullException.ThrowIfNull(daemonSet);
        return PodTemplateHash.Compute(daemonSet.Spec.Template, daemonSet.Status?.CollisionCount);
    }

    /// <param name="misfit">
    /// Why a new pod of the current template would not fit on a node, or null when it fits (<see cref="DaemonFit"/>);
    /// asked only for nodes that would get a new pod. Null: every node has room.
    /// </param>
    public static DaemonSetPlan Plan(DaemonSet daemonSet, IReadOnlyList<Node> nodes, IReadOnlyList<Pod> pods, DateTimeOffset now, Func<Node, string?>? misfit = null)
    {
        ArgumentNullException.ThrowIfNull(daemonSet);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(pods);
        var hash = Hash(daemonSet);
        var spec = daemonSet.Spec;
        var rolling = spec.UpdateStrategy?.Type is null or "RollingUpdate";
        var unplaced = new List<(string Node, string Reason)>();
        var noRoom = new HashSet<string>(StringComparer.Ordinal);
        // A node without room gets no new pod (Kubernetes: shouldSchedule false), and one already running there keeps running.
        bool Fits(Node node)
        {
            if (misfit?.Invoke(node) is not { } reason)
                return true;
            var name = node.Metadata.Name ?? "";
            if (noRoom.Add(name))
                unplaced.Add((name, reason));
            return false;
        }
        var minReady = spec.MinReadySeconds ?? 0;
        var byNode = new Dictionary<string, List<Pod>>(StringComparer.Ordinal);
        var delete = new List<Pod>();
        foreach (var pod in pods)
        {
            if (pod.Metadata.DeletionTimestamp is not null)
                continue;
            if (pod.Status?.Phase == PodPhases.Failed)
            {
                // A daemon that failed for good (evicted, say) is replaced, as Kubernetes does.
                delete.Add(pod);
                continue;
            }
            if (pod.Status?.Phase == PodPhases.Succeeded)
                continue;
            var node = pod.Spec.NodeName ?? "";
            if (!byNode.TryGetValue(node, out var list))
                byNode[node] = list = [];
            list.Add(pod);
        }

        var create = new List<string>();
        var shouldRunOn = new List<string>();
        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        int desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
        // Nodes whose old pod may be replaced by the rolling update (available or not), and surge state.
        var oldAvailable = new List<(string Node, Pod Old)>();
        var oldUnavailable = new List<Pod>();
        var surging = 0;
        DateTimeOffset? requeue = null;
        foreach (var node in nodes)
        {
            var name = node.Metadata.Name ?? "";
            nodeNames.Add(name);
            var onNode = byNode.GetValueOrDefault(name) ?? [];
            if (!DaemonPlacement.ShouldRun(node, spec.Template.Spec))
            {
                if (onNode.Count > 0)
                    misscheduled++;
                delete.AddRange(onNode);
                continue;
            }
            desired++;
            shouldRunOn.Add(name);
            var fresh = onNode.Where(p => IsCurrent(p, hash)).OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
            var old = onNode.Where(p => !IsCurrent(p, hash)).OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
            // One of each at most; the oldest of a kind stays.
            delete.AddRange(fresh.Skip(1));
            delete.AddRange(old.Skip(1));
            var newPod = fresh.FirstOrDefault();
            var oldPod = old.FirstOrDefault();
            if (newPod is null && oldPod is null)
            {
                if (Fits(node))
                    create.Add(name);
                continue;
            }
            current++;
            var newAvailable = newPod is not null && PodStates.IsAvailable(newPod, minReady, now);
            var oldIsAvailable = oldPod is not null && PodStates.IsAvailable(oldPod, minReady, now);
            // Per node: a surging node has a daemon as long as either of its two pods serves.
            if ((newPod is not null && PodStates.IsReady(newPod)) || (oldPod is not null && PodStates.IsReady(oldPod)))
                ready++;
            if (newPod is not null)
                updated++;
            if (newAvailable || oldIsAvailable)
                available++;
            foreach (var pod in new[] { newPod, oldPod })
            {
                if (pod is not null && PodStates.AvailableAt(pod, minReady, now) is { } at && (requeue is null || at < requeue))
                    requeue = at;
            }

            if (newPod is not null && oldPod is not null)
            {
                // A surge pod beside the old one: the old one goes once the new one is available.
                if (newAvailable)
                    delete.Add(oldPod);
                else
                    surging++;
                continue;
            }
            // An old pod is replaced only where the new template fits; otherwise it keeps the node's daemon running.
            if (oldPod is not null && (!rolling || Fits(node)))
            {
                if (oldIsAvailable)
                    oldAvailable.Add((name, oldPod));
                else
                    oldUnavailable.Add(oldPod);
            }
        }

        // Pods on nodes that are gone (deleted Node objects) are misscheduled too.
        foreach (var (node, onNode) in byNode)
        {
            if (!nodeNames.Contains(node))
                delete.AddRange(onNode);
        }

        if (rolling)
            RollingUpdate(spec.UpdateStrategy?.RollingUpdate, desired, available, surging, oldAvailable, oldUnavailable, create, delete);

        var unavailable = desired - available;
        return new DaemonSetPlan
        {
            CreateOn = create,
            Unplaced = unplaced,
            Delete = delete,
            RequeueAt = requeue,
            Status = (daemonSet.Status ?? new DaemonSetStatus()) with
            {
                DesiredNumberScheduled = desired,
                CurrentNumberScheduled = current,
                NumberMisscheduled = misscheduled,
                NumberReady = ready,
                UpdatedNumberScheduled = NullIfZero(updated),
                NumberAvailable = NullIfZero(available),
                NumberUnavailable = NullIfZero(unavailable),
                ObservedGeneration = daemonSet.Metadata.Generation,
            },
        };
    }

    /// <summary>
    /// maxUnavailable: old pods that are not available anyway go at once; available ones go while fewer than
    /// maxUnavailable nodes lack an available daemon. maxSurge: a new pod starts beside an available old one on up to
    /// maxSurge nodes at a time; where the old one is not available it is simply replaced.
    /// </summary>
    private static void RollingUpdate(RollingUpdateDaemonSet? rolling, int desired, int available, int surging,
        List<(string Node, Pod Old)> oldAvailable, List<Pod> oldUnavailable, List<string> create, List<Pod> delete)
    {
        var (maxUnavailable, maxSurge) = Limits(rolling, desired);
        delete.AddRange(oldUnavailable);
        if (maxSurge > 0)
        {
            var room = maxSurge - surging;
            foreach (var (node, _) in oldAvailable)
            {
                if (room-- <= 0)
                    break;
                create.Add(node);
            }
            return;
        }
        var budget = maxUnavailable - (desired - available);
        foreach (var (_, old) in oldAvailable)
        {
            if (budget-- <= 0)
                break;
            delete.Add(old);
        }
    }

    /// <summary>maxUnavailable and maxSurge as pod counts over the nodes that should run a daemon (percentages round up); never both 0.</summary>
    public static (int MaxUnavailable, int MaxSurge) Limits(RollingUpdateDaemonSet? rolling, int desired)
    {
        var unavailable = Scaled(rolling?.MaxUnavailable ?? new IntOrString(1), desired);
        var surge = Scaled(rolling?.MaxSurge ?? new IntOrString(0), desired);
        if (unavailable == 0 && surge == 0)
            unavailable = 1;
        return (unavailable, surge);
    }

    /// <summary>A pod <paramref name="node"/> should run, from the template: bound to the node, labelled with the revision, tolerating node trouble.</summary>
    public static Pod PodFor(DaemonSet daemonSet, string node, string hash, OwnerReference controller)
    {
        ArgumentNullException.ThrowIfNull(daemonSet);
        ArgumentNullException.ThrowIfNull(controller);
        var template = daemonSet.Spec.Template;
        return new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta
            {
                GenerateName = daemonSet.Metadata.Name + "-",
                Namespace = daemonSet.Metadata.Namespace,
                Labels = new Dictionary<string, string>(template.Metadata?.Labels ?? [], StringComparer.Ordinal) { [HashLabel] = hash },
                Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
                Finalizers = template.Metadata?.Finalizers is { } finalizers ? [.. finalizers] : null,
                OwnerReferences = [controller],
            },
            // Bound directly: the node is the point of a daemon; the scheduler has nothing to choose.
            Spec = DaemonPlacement.WithDefaultTolerations(template.Spec) with { NodeName = node },
        };
    }

    public static bool StatusEquals(DaemonSetStatus? a, DaemonSetStatus? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        var info = ApiJsonContext.Default.DaemonSetStatus;
        return JsonSerializer.SerializeToUtf8Bytes(a, info).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, info));
    }

    private static bool IsCurrent(Pod pod, string hash) => pod.Metadata.Labels?.GetValueOrDefault(HashLabel) == hash;

    private static int Scaled(IntOrString value, int total) =>
        value.TryGetScaledValue(total, roundUp: true, out var scaled) ? Math.Max(scaled, 0) : 0;

    private static int? NullIfZero(int value) => value == 0 ? null : value;
}
