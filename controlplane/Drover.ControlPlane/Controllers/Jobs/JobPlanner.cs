using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Controllers.ReplicaSets;

namespace Drover.ControlPlane.Controllers.Jobs;

/// <summary>
/// The Job controller's decisions, free of I/O (Kubernetes' syncJob and manageJob, counting through
/// <see cref="JobTracking"/>'s finalizers): a Job fails when its pods failed more than backoffLimit times or it ran past activeDeadlineSeconds,
/// completes when completions pods succeeded (or, without completions, when one did and none runs), and otherwise
/// keeps min(parallelism, completions − succeeded) pods running, waiting out an exponential backoff after failures.
/// An Indexed Job runs each index 0 … completions−1 until it succeeds once, the lowest missing indexes first.
/// </summary>
public static class JobPlanner
{
    /// <summary>Kubernetes' DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff.</summary>
    public static readonly TimeSpan BaseBackoff = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    public const string Complete = "Complete";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";

    public static bool IsFinished(Job job) => FinishedCondition(job) is not null;

    /// <summary>The Complete or Failed condition that is True, if any.</summary>
    public static JobCondition? FinishedCondition(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Status?.Conditions?.FirstOrDefault(c => c.Type is Complete or Failed && c.Status == "True");
    }

    /// <summary>When a finished Job with ttlSecondsAfterFinished is to be deleted; null when it is kept.</summary>
    public static DateTimeOffset? ExpiresAt(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Spec.TtlSecondsAfterFinished is not { } ttl || FinishedCondition(job) is not { } finished)
            return null;
        var at = job.Status?.CompletionTime ?? finished.LastTransitionTime;
        return at?.AddSeconds(ttl);
    }

    /// <summary>The pod failure backoff after <paramref name="failures"/> failures since the last success: 10 s, 20 s, 40 s, … ≤ 10 min.</summary>
    public static TimeSpan Backoff(int failures)
    {
        if (failures <= 0)
            return TimeSpan.Zero;
        var exponent = Math.Min(failures - 1, 16);
        var delay = BaseBackoff * (1L << exponent);
        return delay > MaxBackoff ? MaxBackoff : delay;
    }

    public static JobPlan Plan(Job job, IReadOnlyList<Pod> pods, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(pods);
        now = Seconds(now);
        var spec = job.Spec;
        var previous = job.Status ?? new JobStatus();
        var counts = JobPodCounts.Of(pods);
        var indexed = spec.CompletionMode == JobIndexes.Indexed;
        var tracking = JobTracking.Of(job, pods, finished: FinishedCondition(job) is not null);
        var succeeded = tracking.Succeeded;
        var failed = tracking.Failed;
        var conditions = previous.Conditions is { } existing ? new List<JobCondition>(existing) : [];
        var suspended = spec.Suspend == true;

        if (FinishedCondition(job) is not null)
        {
            // Nothing more to run: whatever is still active goes (a Failed Job's pods, or a racing create).
            return new JobPlan
            {
                Delete = [.. counts.Active],
                Tracking = tracking,
                Status = tracking.ApplyTo(Status(previous, counts, active: 0, conditions, previous.StartTime, previous.CompletionTime), indexed),
            };
        }

        var start = previous.StartTime;
        SetSuspended(conditions, suspended, now, ref start);
        start ??= suspended ? null : now;

        var backoffLimit = spec.BackoffLimit ?? 6;
        // As Kubernetes' jobHasNewFailure: failures not yet in status.failed are new, the recorded-but-uncounted ones too,
        // so a sync whose condition write did not land after the UIDs were recorded still fails the Job on the next one.
        var newFailure = failed > (previous.Failed ?? 0);
        var failure = (newFailure && failed > backoffLimit) || PastBackoffLimitOnFailure(spec, counts, backoffLimit)
            ? ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
            : PastDeadline(spec, start, now) && !suspended
                ? ("DeadlineExceeded", "Job was active longer than specified deadline")
                : default((string Reason, string Message)?);
        if (failure is { } why)
        {
            var condition = NewCondition(Failed, why.Reason, why.Message, now);
            conditions.Add(condition);
            var final = JobTracking.Of(job, pods, finished: true);
            return new JobPlan
            {
                Delete = [.. counts.Active],
                Finished = condition,
                Tracking = final,
                Status = final.ApplyTo(Status(previous, counts, active: 0, conditions, start, completionTime: null), indexed),
            };
        }

        var complete = indexed ? tracking.CompletedIndexes.Count >= (spec.Completions ?? 0)
            : spec.Completions is { } completions ? succeeded >= completions : succeeded > 0 && counts.Active.Count == 0;
        if (complete)
        {
            var condition = NewCondition(Complete, "CompletionsReached", "Reached expected number of succeeded pods", now);
            conditions.Add(condition);
            var final = JobTracking.Of(job, pods, finished: true);
            return new JobPlan
            {
                Delete = [.. counts.Active],
                Finished = condition,
                Tracking = final,
                Status = final.ApplyTo(Status(previous, counts, active: 0, conditions, start, completionTime: now), indexed),
            };
        }

        var delete = new List<Pod>();
        var active = counts.Active;
        var activeIndexes = new HashSet<int>();
        if (indexed)
        {
            // One running pod per index still to succeed; a duplicate, a finished index or a pod without a valid index goes.
            foreach (var pod in active.OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
            {
                if (JobIndexes.Of(pod) is { } index && index < spec.Completions && !tracking.CompletedIndexes.Contains(index) && activeIndexes.Add(index))
                    continue;
                delete.Add(pod);
            }
            active = [.. active.Except(delete)];
            if (spec.PodReplacementPolicy == "Failed")
            {
                // A terminating pod's index is not started again until that pod has failed.
                foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is not null && p.Status?.Phase is not (PodPhases.Succeeded or PodPhases.Failed)))
                {
                    if (JobIndexes.Of(pod) is { } index)
                        activeIndexes.Add(index);
                }
            }
        }

        var want = WantActive(spec, indexed ? tracking.CompletedIndexes.Count : succeeded, active.Count, suspended);
        // With podReplacementPolicy Failed a pod being deleted is replaced only once it has actually failed.
        var room = spec.PodReplacementPolicy == "Failed" ? want - active.Count - counts.Terminating : want - active.Count;
        var create = 0;
        List<int>? createIndexes = null;
        DateTimeOffset? requeue = DeadlineAt(spec, start, suspended);
        var backingOff = false;
        if (active.Count > want)
        {
            delete.AddRange(ReplicaSetPlanner.PodsToDelete(active, active, active.Count - want));
        }
        else if (room > 0)
        {
            var readyAt = counts.LastFailure is { } last ? last + Backoff(counts.FailuresAfterLastSuccess) : now;
            if (readyAt > now)
            {
                backingOff = true;
                requeue = Earlier(requeue, readyAt);
            }
            else
            {
                create = Math.Min(room, ReplicaSetPlanner.BurstReplicas);
                if (indexed)
                {
                    createIndexes = JobIndexes.FirstMissing(spec.Completions ?? 0, tracking.CompletedIndexes, activeIndexes, create);
                    create = createIndexes.Count;
                }
            }
        }

        return new JobPlan
        {
            Create = create,
            CreateIndexes = createIndexes,
            Delete = delete,
            RequeueAt = requeue,
            BackingOff = backingOff,
            Tracking = tracking,
            Status = tracking.ApplyTo(Status(previous, counts, counts.Active.Count - delete.Count + create, conditions, start, completionTime: null), indexed),
        };
    }

    /// <summary>How many pods should run now.</summary>
    public static int WantActive(JobSpec spec, int succeeded, int active, bool suspended)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (suspended)
            return 0;
        var parallelism = spec.Parallelism ?? 1;
        if (spec.Completions is not { } completions)
            // A work queue: once one pod succeeded the work is done; those still running finish, none is added.
            return succeeded > 0 ? Math.Min(active, parallelism) : parallelism;
        return Math.Max(0, Math.Min(parallelism, completions - succeeded));
    }

    public static bool StatusEquals(JobStatus? a, JobStatus? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        var info = ApiJsonContext.Default.JobStatus;
        return JsonSerializer.SerializeToUtf8Bytes(a, info).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, info));
    }

    /// <summary>restartPolicy OnFailure: the kubelet restarts containers in place, so their restarts are the failures (pastBackoffLimitOnFailure).</summary>
    private static bool PastBackoffLimitOnFailure(JobSpec spec, JobPodCounts counts, int backoffLimit)
    {
        if (spec.Template.Spec?.RestartPolicy != "OnFailure")
            return false;
        return backoffLimit == 0 ? counts.Restarts > 0 : counts.Restarts >= backoffLimit;
    }

    private static bool PastDeadline(JobSpec spec, DateTimeOffset? start, DateTimeOffset now) =>
        spec.ActiveDeadlineSeconds is { } deadline && start is { } started && now >= started.AddSeconds(deadline);

    private static DateTimeOffset? DeadlineAt(JobSpec spec, DateTimeOffset? start, bool suspended) =>
        !suspended && spec.ActiveDeadlineSeconds is { } deadline && start is { } started ? started.AddSeconds(deadline) : null;

    /// <summary>Suspended True while spec.suspend; False (JobResumed) after, with startTime starting over as Kubernetes does.</summary>
    private static void SetSuspended(List<JobCondition> conditions, bool suspended, DateTimeOffset now, ref DateTimeOffset? start)
    {
        var index = conditions.FindIndex(c => c.Type == Suspended);
        var current = index >= 0 ? conditions[index] : null;
        if (suspended)
        {
            if (current?.Status != "True")
                Put(conditions, index, NewCondition(Suspended, "JobSuspended", "Job suspended", now));
            return;
        }
        if (current?.Status == "True")
        {
            Put(conditions, index, NewCondition(Suspended, "JobResumed", "Job resumed", now) with { Status = "False" });
            // The deadline counts from the resumption, not from the first start.
            start = now;
        }
    }

    private static void Put(List<JobCondition> conditions, int index, JobCondition condition)
    {
        if (index >= 0)
            conditions[index] = condition;
        else
            conditions.Add(condition);
    }

    private static JobCondition NewCondition(string type, string reason, string message, DateTimeOffset now) => new()
    {
        Type = type,
        Status = "True",
        Reason = reason,
        Message = message,
        LastProbeTime = now,
        LastTransitionTime = now,
    };

    /// <summary>The status but for the counts, which <see cref="JobTracking.ApplyTo"/> fills in.</summary>
    private static JobStatus Status(JobStatus previous, JobPodCounts counts, int active, List<JobCondition> conditions,
        DateTimeOffset? start, DateTimeOffset? completionTime) => previous with
        {
            Active = NullIfZero(active),
            Ready = counts.Ready,
            Terminating = NullIfZero(counts.Terminating),
            StartTime = start,
            CompletionTime = completionTime,
            Conditions = conditions.Count > 0 ? conditions : null,
        };

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    private static int? NullIfZero(int value) => value == 0 ? null : value;

    private static DateTimeOffset Seconds(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
