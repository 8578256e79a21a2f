using Drover.Api;

namespace Drover.ControlPlane.Controllers.Jobs;

/// <summary>What a Job's pods say: which run, how many finished and how, and when the last failure was (for the backoff).</summary>
public sealed record JobPodCounts
{
    public List<Pod> Active { get; init; } = [];
    public int Succeeded { get; init; }
    public int Failed { get; init; }
    public int Ready { get; init; }
    /// <summary>Pods being deleted but not finished: not active, and no replacement for them yet when the policy is Failed.</summary>
    public int Terminating { get; init; }
    /// <summary>Container restarts of the active pods (restartPolicy OnFailure counts these against backoffLimit).</summary>
    public int Restarts { get; init; }
    /// <summary>Failed pods that finished after the last success: the exponent of the pod failure backoff.</summary>
    public int FailuresAfterLastSuccess { get; init; }
    public DateTimeOffset? LastFailure { get; init; }

    public static JobPodCounts Of(IEnumerable<Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var active = new List<Pod>();
        int succeeded = 0, ready = 0, terminating = 0, restarts = 0;
        DateTimeOffset? lastSuccess = null;
        var failures = new List<DateTimeOffset>();
        foreach (var pod in pods)
        {
            switch (pod.Status?.Phase)
            {
                case PodPhases.Succeeded:
                    succeeded++;
                    lastSuccess = Later(lastSuccess, FinishedAt(pod));
                    continue;
                case PodPhases.Failed:
                    failures.Add(FinishedAt(pod));
                    continue;
            }
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                terminating++;
                continue;
            }
            active.Add(pod);
            if (PodStates.IsReady(pod))
                ready++;
            foreach (var status in (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? []))
                restarts += status.RestartCount;
        }
        return new JobPodCounts
        {
            Active = active,
            Succeeded = succeeded,
            Failed = failures.Count,
            Ready = ready,
            Terminating = terminating,
            Restarts = restarts,
            FailuresAfterLastSuccess = failures.Count(f => lastSuccess is null || f > lastSuccess),
            LastFailure = failures.Count == 0 ? null : failures.Max(),
        };
    }

    /// <summary>When the pod finished: its last container's end, else its last condition change, else its creation.</summary>
    public static DateTimeOffset FinishedAt(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        DateTimeOffset? at = null;
        foreach (var status in pod.Status?.ContainerStatuses ?? [])
            at = Later(at, status.State?.Terminated?.FinishedAt);
        foreach (var condition in at is null ? pod.Status?.Conditions ?? [] : [])
            at = Later(at, condition.LastTransitionTime);
        return at ?? pod.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
