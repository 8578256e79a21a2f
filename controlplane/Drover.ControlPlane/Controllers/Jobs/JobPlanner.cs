using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Controllers.ReplicaSets;

namespace Drover.ControlPlane.Controllers.Jobs;

/// <summary>
/// The Job controller's decisions, free of I/O (Kubernetes' syncJob and manageJob, without the pod-tracking
/// finalizers): a Job fails when its pods failed more than backoffLimit times or it ran past activeDeadlineSeconds,
/// completes when completions pods succeeded (or, without completions, when one did and none runs), and otherwise
/// keeps min(parallelism, completions − succeeded) pods running, waiting out an exponential backoff after failures.
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
        // Finished pods may be deleted by someone; what was counted stays counted.
        var succeeded = Math.Max(previous.Succeeded ?? 0, counts.Succeeded);
        var failed = Math.Max(previous.Failed ?? 0, counts.Failed);
        var conditions = previous.Conditions is { } existing ? new List<JobCondition>(existing) : [];
        var suspended = spec.Suspend == true;

        if (FinishedCondition(job) is not null)
        {
            // Nothing more to run: whatever is still active goes (a Failed Job's pods, or a racing create).
            return new JobPlan
            {
                Delete = [.. counts.Active],
                Status = Status(previous, counts, succeeded, failed, active: 0, conditions, previous.StartTime, previous.CompletionTime),
            };
        }

        var start = previous.StartTime;
        SetSuspended(conditions, suspended, now, ref start);
        start ??= suspended ? null : now;

        var backoffLimit = spec.BackoffLimit ?? 6;
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
            return new JobPlan
            {
                Delete = [.. counts.Active],
                Finished = condition,
                Status = Status(previous, counts, succeeded, failed, active: 0, conditions, start, completionTime: null),
            };
        }

        var complete = spec.Completions is { } completions ? succeeded >= completions : succeeded > 0 && counts.Active.Count == 0;
        if (complete)
        {
            var condition = NewCondition(Complete, "CompletionsReached", "Reached expected number of succeeded pods", now);
            conditions.Add(condition);
            return new JobPlan
            {
                Delete = [.. counts.Active],
                Finished = condition,
                Status = Status(previous, counts, succeeded, failed, active: 0, conditions, start, completionTime: now),
            };
        }

        var want = WantActive(spec, succeeded, counts.Active.Count, suspended);
        // With podReplacementPolicy Failed a pod being deleted is replaced only once it has actually failed.
        var room = spec.PodReplacementPolicy == "Failed" ? want - counts.Active.Count - counts.Terminating : want - counts.Active.Count;
        var create = 0;
        var delete = new List<Pod>();
        DateTimeOffset? requeue = DeadlineAt(spec, start, suspended);
        var backingOff = false;
        if (counts.Active.Count > want)
        {
            delete = ReplicaSetPlanner.PodsToDelete(counts.Active, counts.Active, counts.Active.Count - want);
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
            }
        }

        return new JobPlan
        {
            Create = create,
            Delete = delete,
            RequeueAt = requeue,
            BackingOff = backingOff,
            Status = Status(previous, counts, succeeded, failed, counts.Active.Count - delete.Count + create, conditions, start, completionTime: null),
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

    private static JobStatus Status(JobStatus previous, JobPodCounts counts, int succeeded, int failed, int active, List<JobCondition> conditions,
        DateTimeOffset? start, DateTimeOffset? completionTime) => previous with
        {
            Active = NullIfZero(active),
            Succeeded = NullIfZero(succeeded),
            Failed = NullIfZero(failed),
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
