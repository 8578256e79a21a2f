using System.Text.Json;
using Drover.Api;

namespace Drover.ControlPlane.Controllers.ReplicaSets;

/// <summary>The ReplicaSet controller's decisions, free of I/O: how many pods to add or which to remove, and the status.</summary>
public static class ReplicaSetPlanner
{
    /// <summary>Most pods created or deleted in one sync, as Kubernetes' burstReplicas.</summary>
    public const int BurstReplicas = 500;

    public const string ReplicaFailure = "ReplicaFailure";

    /// <summary>
    /// Batch sizes for creating <paramref name="count"/> pods: 1, 2, 4, … (Kubernetes slowStartBatch), so a
    /// template that cannot be created (quota, invalid) fails once rather than hundreds of times.
    /// </summary>
    public static IReadOnlyList<int> SlowStartBatches(int count, int initial = 1)
    {
        var batches = new List<int>();
        var remaining = count;
        for (var size = Math.Max(initial, 1); remaining > 0; size *= 2)
        {
            var batch = Math.Min(size, remaining);
            batches.Add(batch);
            remaining -= batch;
        }
        return batches;
    }

    /// <summary>The <paramref name="count"/> pods to delete first, ranked against the pods of the same workload.</summary>
    public static List<Pod> PodsToDelete(IReadOnlyList<Pod> pods, IEnumerable<Pod> related, int count)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(related);
        if (count >= pods.Count)
            return [.. pods];
        var sorted = pods.ToList();
        sorted.Sort(new ActivePodOrder(ActivePodOrder.CountPodsOnNodes(related)));
        return sorted.GetRange(0, count);
    }

    /// <summary>A pod for <paramref name="replicaSet"/>: its template's labels, annotations and spec, the ReplicaSet as controller.</summary>
    public static Pod PodFromTemplate(ReplicaSet replicaSet, OwnerReference controller)
    {
        ArgumentNullException.ThrowIfNull(replicaSet);
        ArgumentNullException.ThrowIfNull(controller);
        var template = replicaSet.Spec.Template;
        return new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta
            {
                GenerateName = replicaSet.Metadata.Name + "-",
                Namespace = replicaSet.Metadata.Namespace,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
                Finalizers = template.Metadata?.Finalizers is { } finalizers ? [.. finalizers] : null,
                OwnerReferences = [controller],
            },
            Spec = template.Spec,
        };
    }

    /// <summary>
    /// The status for <paramref name="pods"/> (the active pods the ReplicaSet owns) at <paramref name="now"/>;
    /// <paramref name="manageError"/> is why the last create/delete failed, shown as the ReplicaFailure condition.
    /// Counts that are zero are left out, as Kubernetes' omitempty fields are.
    /// </summary>
    public static ReplicaSetStatus CalculateStatus(ReplicaSet replicaSet, IReadOnlyList<Pod> pods, string? manageError, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(replicaSet);
        ArgumentNullException.ThrowIfNull(pods);
        var templateLabels = replicaSet.Spec.Template.Metadata?.Labels;
        var minReady = replicaSet.Spec.MinReadySeconds ?? 0;
        int fullyLabeled = 0, ready = 0, available = 0;
        foreach (var pod in pods)
        {
            if (HasAllLabels(pod.Metadata.Labels, templateLabels))
                fullyLabeled++;
            if (PodStates.IsReady(pod))
            {
                ready++;
                if (PodStates.IsAvailable(pod, minReady, now))
                    available++;
            }
        }

        var conditions = replicaSet.Status?.Conditions is { } existing ? new List<ReplicaSetCondition>(existing) : [];
        var failure = conditions.FindIndex(c => c.Type == ReplicaFailure);
        if (manageError is not null && failure < 0)
        {
            var diff = pods.Count - (replicaSet.Spec.Replicas ?? 1);
            conditions.Add(new ReplicaSetCondition
            {
                Type = ReplicaFailure,
                Status = "True",
                Reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : null,
                Message = manageError,
                LastTransitionTime = Seconds(now),
            });
        }
        else if (manageError is null && failure >= 0)
        {
            conditions.RemoveAt(failure);
        }

        return new ReplicaSetStatus
        {
            Replicas = pods.Count,
            FullyLabeledReplicas = NullIfZero(fullyLabeled),
            ReadyReplicas = NullIfZero(ready),
            AvailableReplicas = NullIfZero(available),
            ObservedGeneration = replicaSet.Metadata.Generation,
            Conditions = conditions.Count > 0 ? conditions : null,
        };
    }

    /// <summary>When the earliest ready-but-not-yet-available pod becomes available (the next time the status changes by itself).</summary>
    public static DateTimeOffset? NextAvailableAt(ReplicaSet replicaSet, IReadOnlyList<Pod> pods, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(replicaSet);
        ArgumentNullException.ThrowIfNull(pods);
        DateTimeOffset? next = null;
        foreach (var pod in pods)
        {
            if (PodStates.AvailableAt(pod, replicaSet.Spec.MinReadySeconds ?? 0, now) is { } at && (next is null || at < next))
                next = at;
        }
        return next;
    }

    public static bool StatusEquals(ReplicaSetStatus? a, ReplicaSetStatus? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        var info = Drover.Api.ApiJsonContext.Default.ReplicaSetStatus;
        return JsonSerializer.SerializeToUtf8Bytes(a, info).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, info));
    }

    private static bool HasAllLabels(Dictionary<string, string>? labels, Dictionary<string, string>? required)
    {
        if (required is null)
            return true;
        foreach (var (key, value) in required)
        {
            if (labels is null || !labels.TryGetValue(key, out var actual) || actual != value)
                return false;
        }
        return true;
    }

    private static int? NullIfZero(int value) => value == 0 ? null : value;

    private static DateTimeOffset Seconds(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
