using System.Globalization;
using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Controllers.Jobs;

namespace Drover.ControlPlane.Controllers.CronJobs;

/// <summary>
/// The CronJob controller's decisions, free of I/O (Kubernetes' cronjob controller v2): the most recent scheduled
/// time not yet started (within startingDeadlineSeconds), the concurrency policy (Allow, Forbid: skip while one runs,
/// Replace: delete the running ones first), suspend, the finished Jobs kept to the history limits, and the status.
/// </summary>
public static class CronJobPlanner
{
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    /// <summary>Beyond this many missed start times Kubernetes warns (TooManyMissedTimes) and starts only the latest.</summary>
    public const int TooManyMissed = 100;

    public static CronJobPlan Plan(CronJob cronJob, IReadOnlyList<Job> jobs, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        ArgumentNullException.ThrowIfNull(jobs);
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var spec = cronJob.Spec;
        var previous = cronJob.Status ?? new CronJobStatus();
        var events = new List<(string, string, string)>();
        var active = jobs.Where(j => !JobPlanner.IsFinished(j) && j.Metadata.DeletionTimestamp is null).OrderBy(j => j.Metadata.Name, StringComparer.Ordinal).ToList();
        var lastSuccess = previous.LastSuccessfulTime;
        foreach (var job in jobs)
        {
            if (JobPlanner.FinishedCondition(job) is { Type: JobPlanner.Complete } && job.Status?.CompletionTime is { } done && (lastSuccess is null || done > lastSuccess))
                lastSuccess = done;
        }
        var delete = History(jobs, spec.SuccessfulJobsHistoryLimit, spec.FailedJobsHistoryLimit);
        var status = previous with { LastSuccessfulTime = lastSuccess };

        if (!CronSchedule.TryParse(spec.Schedule, out var schedule, out _) || !CronTimeZones.TryFind(spec.TimeZone, out var zone))
            // Validation keeps these out; one that got in anyway has nothing to run on.
            return new CronJobPlan { Delete = delete, Status = WithActive(status, active), Events = events };
        if (spec.Suspend == true || cronJob.Metadata.DeletionTimestamp is not null)
            return new CronJobPlan { Delete = delete, Status = WithActive(status, active), Events = events };

        var earliest = previous.LastScheduleTime ?? cronJob.Metadata.CreationTimestamp ?? now;
        if (spec.StartingDeadlineSeconds is { } deadline && earliest < now.AddSeconds(-deadline))
            earliest = now.AddSeconds(-deadline);
        var (scheduled, missed) = MostRecent(schedule, zone, earliest, now);
        var next = schedule.Next(now, zone);
        if (scheduled is not { } at)
            return new CronJobPlan { Delete = delete, Status = WithActive(status, active), RequeueAt = next, Events = events };
        if (missed > TooManyMissed)
            events.Add(("Warning", "TooManyMissedTimes", $"too many missed start times: {missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew"));
        if (jobs.Any(j => j.Metadata.Name == JobName(cronJob, at)))
            // Started already (our status write may have been lost): only the status catches up.
            return new CronJobPlan { Delete = delete, Status = WithActive(status with { LastScheduleTime = Later(previous.LastScheduleTime, at) }, active), RequeueAt = next, Events = events };

        switch (spec.ConcurrencyPolicy)
        {
            case "Forbid" when active.Count > 0:
                events.Add(("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid"));
                // The missed time is still due when the running Job finishes (its change wakes this CronJob).
                return new CronJobPlan { Delete = delete, Status = WithActive(status, active), RequeueAt = next, Events = events };
            case "Replace" when active.Count > 0:
                delete.AddRange(active);
                active = [];
                break;
        }
        return new CronJobPlan
        {
            Start = at,
            Delete = delete,
            Status = WithActive(status with { LastScheduleTime = at }, active),
            RequeueAt = next,
            Events = events,
        };
    }

    /// <summary>The Job for the time <paramref name="scheduled"/>: NAME-&lt;minutes since the epoch&gt;, so one time makes one Job however often the controller syncs.</summary>
    public static string JobName(CronJob cronJob, DateTimeOffset scheduled)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        return cronJob.Metadata.Name + "-" + (scheduled.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture);
    }

    public static Job JobFor(CronJob cronJob, DateTimeOffset scheduled, OwnerReference controller)
    {
        ArgumentNullException.ThrowIfNull(cronJob);
        ArgumentNullException.ThrowIfNull(controller);
        var template = cronJob.Spec.JobTemplate ?? new JobTemplateSpec();
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? [], StringComparer.Ordinal);
        CronTimeZones.TryFind(cronJob.Spec.TimeZone, out var zone);
        var local = TimeZoneInfo.ConvertTime(scheduled, zone ?? TimeZoneInfo.Utc);
        // RFC 3339 as Go writes it: "Z" for UTC, else the offset.
        annotations[ScheduledTimestampAnnotation] = local.ToString(local.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return new Job
        {
            ApiVersion = ResourceTypes.Jobs.ApiVersion,
            Kind = ResourceTypes.Jobs.Kind,
            Metadata = new ObjectMeta
            {
                Name = JobName(cronJob, scheduled),
                Namespace = cronJob.Metadata.Namespace,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                Annotations = annotations,
                OwnerReferences = [controller],
            },
            Spec = template.Spec ?? new JobSpec(),
        };
    }

    public static bool StatusEquals(CronJobStatus? a, CronJobStatus? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        var info = ApiJsonContext.Default.CronJobStatus;
        return JsonSerializer.SerializeToUtf8Bytes(a, info).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, info));
    }

    /// <summary>
    /// The latest scheduled time in (earliest, now] and how many there were. Bounded: a calendar schedule is walked
    /// at most a few thousand steps (far enough back that every minute of the last day is seen); @every is arithmetic.
    /// </summary>
    public static (DateTimeOffset? Latest, int Count) MostRecent(CronSchedule schedule, TimeZoneInfo zone, DateTimeOffset earliest, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(zone);
        if (schedule.Interval is { } interval)
        {
            var first = schedule.Next(earliest, zone)!.Value;
            if (first > now)
                return (null, 0);
            var steps = (now - first).Ticks / interval.Ticks;
            return (first + TimeSpan.FromTicks(steps * interval.Ticks), (int)Math.Min(int.MaxValue, steps + 1));
        }
        const int walk = 2000;
        var count = 0;
        DateTimeOffset? latest = null;
        var t = earliest;
        // Far behind: count as "many" and start walking from a day back (the latest time is all that will run).
        if (now - earliest > TimeSpan.FromDays(1))
        {
            var probe = earliest;
            for (var i = 0; i <= TooManyMissed; i++)
            {
                if (schedule.Next(probe, zone) is not { } n || n > now)
                    break;
                probe = n;
                count++;
            }
            if (count > TooManyMissed)
                t = now - TimeSpan.FromDays(1);
            else
                count = 0;
        }
        for (var i = 0; i < walk; i++)
        {
            if (schedule.Next(t, zone) is not { } n || n > now)
                break;
            latest = n;
            t = n;
            count++;
        }
        return (latest, count);
    }

    /// <summary>Finished Jobs beyond the history limits, oldest first (a null limit keeps all).</summary>
    private static List<Job> History(IReadOnlyList<Job> jobs, int? successfulLimit, int? failedLimit)
    {
        var delete = new List<Job>();
        foreach (var (type, limit) in new[] { (JobPlanner.Complete, successfulLimit), (JobPlanner.Failed, failedLimit) })
        {
            if (limit is not { } keep)
                continue;
            var finished = jobs.Where(j => j.Metadata.DeletionTimestamp is null && JobPlanner.FinishedCondition(j)?.Type == type)
                .OrderBy(j => j.Status?.CompletionTime ?? JobPlanner.FinishedCondition(j)?.LastTransitionTime ?? j.Metadata.CreationTimestamp)
                .ThenBy(j => j.Metadata.Name, StringComparer.Ordinal).ToList();
            delete.AddRange(finished.Take(Math.Max(0, finished.Count - keep)));
        }
        return delete;
    }

    private static CronJobStatus WithActive(CronJobStatus status, List<Job> active) => status with
    {
        Active = active.Count == 0 ? null : [.. active.Select(j => new ObjectReference
        {
            ApiVersion = ResourceTypes.Jobs.ApiVersion,
            Kind = ResourceTypes.Jobs.Kind,
            Namespace = j.Metadata.Namespace,
            Name = j.Metadata.Name,
            Uid = j.Metadata.Uid,
        })],
    };

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}
