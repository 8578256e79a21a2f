using Drover.Api;

namespace Drover.ControlPlane.Controllers.Jobs;

/// <summary>
/// Job tracking with finalizers (Kubernetes 1.26+, trackJobStatusAndRemoveFinalizers), free of I/O: every Job pod is
/// created with <see cref="JobLabels.TrackingFinalizer"/>, so a finished pod stays in the store until it is counted,
/// even when someone deletes it. A finished pod that still has the finalizer goes into
/// status.uncountedTerminatedPods (written first), then its finalizer is removed, and only then does it move into
/// succeeded/failed. A pod without the finalizer is counted already and never again, so the counts neither miss a pod
/// nor count one twice, whatever crashes in between.
/// </summary>
public sealed record JobTracking
{
    /// <summary>status.succeeded/failed: pods whose finalizer is gone.</summary>
    public int CountedSucceeded { get; init; }
    public int CountedFailed { get; init; }
    public HashSet<string> UncountedSucceeded { get; init; } = new(StringComparer.Ordinal);
    public HashSet<string> UncountedFailed { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Indexed Jobs: the indexes that succeeded, counted or on their way.</summary>
    public SortedSet<int> CompletedIndexes { get; init; } = [];
    /// <summary>Pods (finished, or any left once the Job finished) whose finalizer is to go; each is in an uncounted list or needs no count.</summary>
    public List<Pod> RemoveFinalizer { get; init; } = [];

    /// <summary>Succeeded pods so far, counted or not yet: what completion is judged by.</summary>
    public int Succeeded => CountedSucceeded + UncountedSucceeded.Count;
    public int Failed => CountedFailed + UncountedFailed.Count;

    /// <summary>
    /// Where the counts stand for <paramref name="job"/> given its <paramref name="pods"/>. <paramref name="finished"/>: the
    /// Job has (or is reaching) a final condition, so every pod it still holds is released, a running one counted as failed.
    /// </summary>
    public static JobTracking Of(Job job, IReadOnlyList<Pod> pods, bool finished)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(pods);
        var status = job.Status ?? new JobStatus();
        var uncountedSucceeded = new HashSet<string>(status.UncountedTerminatedPods?.Succeeded ?? [], StringComparer.Ordinal);
        var uncountedFailed = new HashSet<string>(status.UncountedTerminatedPods?.Failed ?? [], StringComparer.Ordinal);
        int countedSucceeded = status.Succeeded ?? 0, countedFailed = status.Failed ?? 0;
        var indexed = job.Spec.CompletionMode == JobIndexes.Indexed;
        var completions = job.Spec.Completions ?? 0;
        var completed = indexed ? JobIndexes.Parse(status.CompletedIndexes, completions) : [];

        var held = new HashSet<string>(StringComparer.Ordinal);
        var remove = new List<Pod>();
        foreach (var pod in pods)
        {
            var uid = pod.Metadata.Uid ?? "";
            if (!HasFinalizer(pod) || uid.Length == 0)
                continue;
            held.Add(uid);
            if (uncountedSucceeded.Contains(uid) || uncountedFailed.Contains(uid))
            {
                // Recorded by an earlier sync whose finalizer removal did not get through.
                remove.Add(pod);
                continue;
            }
            if (pod.Status?.Phase == PodPhases.Succeeded)
            {
                remove.Add(pod);
                if (!indexed)
                {
                    uncountedSucceeded.Add(uid);
                }
                else if (JobIndexes.Of(pod) is { } index && index < completions && completed.Add(index))
                {
                    // An index succeeds once; a second pod of the same index (or a bad index) is released uncounted.
                    uncountedSucceeded.Add(uid);
                }
                continue;
            }
            if (IsFailed(pod, job.Spec) || finished)
            {
                remove.Add(pod);
                uncountedFailed.Add(uid);
            }
        }

        // Recorded pods whose finalizer is gone (or that are gone): into the counts.
        countedSucceeded += uncountedSucceeded.RemoveWhere(uid => !held.Contains(uid));
        countedFailed += uncountedFailed.RemoveWhere(uid => !held.Contains(uid));
        return new JobTracking
        {
            CountedSucceeded = countedSucceeded,
            CountedFailed = countedFailed,
            UncountedSucceeded = uncountedSucceeded,
            UncountedFailed = uncountedFailed,
            CompletedIndexes = completed,
            RemoveFinalizer = remove,
        };
    }

    /// <summary>
    /// Kubernetes' isPodFailed: Failed, or deleted before it succeeded (an orphan or evicted pod may never reach Failed),
    /// except under podReplacementPolicy Failed, where only the phase counts.
    /// </summary>
    public static bool IsFailed(Pod pod, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(spec);
        if (pod.Status?.Phase == PodPhases.Failed)
            return true;
        if (spec.PodReplacementPolicy == "Failed")
            return false;
        return pod.Metadata.DeletionTimestamp is not null && pod.Status?.Phase != PodPhases.Succeeded;
    }

    public static bool HasFinalizer(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Metadata.Finalizers?.Contains(JobLabels.TrackingFinalizer) == true;
    }

    /// <summary>The status fields this tracking owns: the counted numbers, the uncounted UIDs (sorted, stable) and the completed indexes.</summary>
    public JobStatus ApplyTo(JobStatus status, bool indexed)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status with
        {
            Succeeded = CountedSucceeded == 0 ? null : CountedSucceeded,
            Failed = CountedFailed == 0 ? null : CountedFailed,
            UncountedTerminatedPods = new UncountedTerminatedPods
            {
                Succeeded = UncountedSucceeded.Count == 0 ? null : [.. UncountedSucceeded.Order(StringComparer.Ordinal)],
                Failed = UncountedFailed.Count == 0 ? null : [.. UncountedFailed.Order(StringComparer.Ordinal)],
            },
            CompletedIndexes = indexed ? JobIndexes.Format(CompletedIndexes) : null,
        };
    }

    /// <summary>After the finalizers of <paramref name="released"/> (UIDs) were removed: those pods move into the counts.</summary>
    public JobTracking Released(IReadOnlyCollection<string> released)
    {
        ArgumentNullException.ThrowIfNull(released);
        var succeeded = new HashSet<string>(UncountedSucceeded, StringComparer.Ordinal);
        var failed = new HashSet<string>(UncountedFailed, StringComparer.Ordinal);
        var movedSucceeded = succeeded.RemoveWhere(released.Contains);
        var movedFailed = failed.RemoveWhere(released.Contains);
        return this with
        {
            CountedSucceeded = CountedSucceeded + movedSucceeded,
            CountedFailed = CountedFailed + movedFailed,
            UncountedSucceeded = succeeded,
            UncountedFailed = failed,
            RemoveFinalizer = [],
        };
    }
}
