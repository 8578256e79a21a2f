using Drover.Api;

namespace Drover.ControlPlane.Controllers.CronJobs.Tests;

public sealed class CronJobPlannerTests
{
    private static readonly DateTimeOffset T0 = Controllers.Tests.Workloads.T0;    // 12:00:00

    [Fact]
    public void Plan_BeforeTheFirstTime_NothingAndLooksAgainThen()
    {
        var plan = CronJobPlanner.Plan(CronJob("*/5 * * * *"), [], T0.AddMinutes(2));

        Assert.Null(plan.Start);
        Assert.Equal(T0.AddMinutes(5), plan.RequeueAt);
    }

    [Fact]
    public void Plan_TimeDue_StartsItNamedByMinute()
    {
        var cronJob = CronJob("*/5 * * * *");

        var plan = CronJobPlanner.Plan(cronJob, [], T0.AddMinutes(5).AddSeconds(3));

        Assert.Equal(T0.AddMinutes(5), plan.Start);
        Assert.Equal(T0.AddMinutes(5), plan.Status.LastScheduleTime);
        Assert.Equal(T0.AddMinutes(10), plan.RequeueAt);
        var job = CronJobPlanner.JobFor(cronJob, plan.Start!.Value, ControllerRefs.For(ResourceTypes.CronJobs, cronJob));
        Assert.Equal("upload-" + (T0.AddMinutes(5).ToUnixTimeSeconds() / 60), job.Metadata.Name);
        Assert.Equal("2026-01-01T12:05:00Z", job.Metadata.Annotations![CronJobPlanner.ScheduledTimestampAnnotation]);
        Assert.Equal("upload", job.Metadata.Labels!["app"]);
    }

    [Fact]
    public void Plan_ForbidWithOneRunning_SkippedWithEvent()
    {
        var cronJob = CronJob("*/5 * * * *", policy: "Forbid");

        var plan = CronJobPlanner.Plan(cronJob, [Job("upload-1", finished: null)], T0.AddMinutes(5));

        Assert.Null(plan.Start);
        Assert.Contains(plan.Events, e => e.Reason == "JobAlreadyActive");
        Assert.Equal("upload-1", Assert.Single(plan.Status.Active!).Name);
    }

    [Fact]
    public void Plan_ReplaceWithOneRunning_DeletesItAndStarts()
    {
        var plan = CronJobPlanner.Plan(CronJob("*/5 * * * *", policy: "Replace"), [Job("upload-1", finished: null)], T0.AddMinutes(5));

        Assert.Equal(T0.AddMinutes(5), plan.Start);
        Assert.Equal("upload-1", Assert.Single(plan.Delete).Metadata.Name);
    }

    [Fact]
    public void Plan_StartingDeadlinePassed_MissedTimeNotStarted()
    {
        var cronJob = CronJob("0 * * * *", startingDeadlineSeconds: 60);

        // 12:00 was due, but it is 12:05 and the deadline was one minute.
        var plan = CronJobPlanner.Plan(cronJob with { Metadata = cronJob.Metadata with { CreationTimestamp = T0.AddMinutes(-1) } }, [], T0.AddMinutes(5));

        Assert.Null(plan.Start);
        Assert.Equal(T0.AddHours(1), plan.RequeueAt);
    }

    [Fact]
    public void Plan_Suspended_NothingStarts()
    {
        var cronJob = CronJob("*/5 * * * *");

        Assert.Null(CronJobPlanner.Plan(cronJob with { Spec = cronJob.Spec with { Suspend = true } }, [], T0.AddMinutes(30)).Start);
    }

    [Fact]
    public void Plan_HistoryLimits_OldestFinishedDeletedAndLastSuccessfulTime()
    {
        var cronJob = CronJob("*/5 * * * *");
        cronJob = cronJob with { Spec = cronJob.Spec with { SuccessfulJobsHistoryLimit = 1, FailedJobsHistoryLimit = 0 } };
        Job[] jobs = [Job("a", "Complete", T0.AddMinutes(-20)), Job("b", "Complete", T0.AddMinutes(-10)), Job("c", "Failed", T0.AddMinutes(-5))];

        var plan = CronJobPlanner.Plan(cronJob, jobs, T0.AddMinutes(1));

        Assert.Equal(new[] { "a", "c" }, plan.Delete.Select(j => j.Metadata.Name).Order());
        Assert.Equal(T0.AddMinutes(-10), plan.Status.LastSuccessfulTime);
    }

    [Fact]
    public void MostRecent_DaysBehindEveryMinute_BoundedAndTheLatest()
    {
        var schedule = CronSchedule.Parse("* * * * *");

        var (latest, count) = CronJobPlanner.MostRecent(schedule, TimeZoneInfo.Utc, T0.AddDays(-30), T0);

        Assert.Equal(T0, latest);
        Assert.True(count > CronJobPlanner.TooManyMissed);
    }

    private static CronJob CronJob(string schedule, string policy = "Allow", long? startingDeadlineSeconds = null) => new()
    {
        Metadata = new ObjectMeta { Name = "upload", Namespace = "ns", Uid = "cj-uid", CreationTimestamp = T0 },
        Spec = new CronJobSpec
        {
            Schedule = schedule,
            ConcurrencyPolicy = policy,
            StartingDeadlineSeconds = startingDeadlineSeconds,
            JobTemplate = new JobTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new() { ["app"] = "upload" } },
                Spec = new JobSpec { Template = new PodTemplateSpec { Spec = new PodSpec { RestartPolicy = "OnFailure", Containers = [new Container { Name = "c", Image = "i" }] } } },
            },
        },
    };

    private static Job Job(string name, string? finished, DateTimeOffset? at = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "ns", CreationTimestamp = (at ?? T0).AddMinutes(-1) },
        Status = finished is null ? new JobStatus { Active = 1 } : new JobStatus
        {
            CompletionTime = finished == "Complete" ? at : null,
            Conditions = [new JobCondition { Type = finished, Status = "True", LastTransitionTime = at }],
        },
    };
}
