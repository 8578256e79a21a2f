using Drover.Api;

namespace Drover.ControlPlane.Controllers.Jobs.Tests;

public sealed class JobPlannerTests
{
    private static readonly DateTimeOffset Now = Controllers.Tests.Workloads.T0;

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(7, 600)]
    [InlineData(1000, 600)]
    public void Backoff_Failures_DoublesFromTenSecondsUpToTenMinutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), JobPlanner.Backoff(failures));

    [Theory]
    [InlineData(null, 1, 0, 0, 1)]      // work queue, nothing done: parallelism
    [InlineData(null, 3, 1, 2, 2)]      // work queue, one done: the running finish, none added
    [InlineData(5, 2, 4, 0, 1)]         // one completion left
    [InlineData(5, 2, 5, 0, 0)]
    [InlineData(10, 3, 0, 0, 3)]
    public void WantActive_Spec_KubernetesArithmetic(int? completions, int parallelism, int succeeded, int active, int expected) =>
        Assert.Equal(expected, JobPlanner.WantActive(new JobSpec { Completions = completions, Parallelism = parallelism }, succeeded, active, suspended: false));

    [Fact]
    public void Plan_OnFailureRestartsReachBackoffLimit_Failed()
    {
        var job = Job("OnFailure", backoffLimit: 2);
        var pod = Pod("p1", "Running", restarts: 2);

        var plan = JobPlanner.Plan(job, [pod], Now);

        Assert.Equal(("Failed", "BackoffLimitExceeded"), (plan.Finished?.Type, plan.Finished?.Reason));
        Assert.Equal("p1", Assert.Single(plan.Delete).Metadata.Name);
    }

    [Fact]
    public void Plan_FailureAfterSuccess_BackoffCountsOnlyFailuresSinceTheSuccess()
    {
        var job = Job("Never", backoffLimit: 10, completions: 5);
        Pod[] pods =
        [
            Pod("f1", "Failed", finished: Now.AddSeconds(-100)),
            Pod("f2", "Failed", finished: Now.AddSeconds(-90)),
            Pod("s1", "Succeeded", finished: Now.AddSeconds(-50)),
            Pod("f3", "Failed", finished: Now.AddSeconds(-5)),
        ];

        var plan = JobPlanner.Plan(job, pods, Now);

        // One failure since the success: 10 s from f3's end, 5 s from now.
        Assert.Equal(0, plan.Create);
        Assert.True(plan.BackingOff);
        Assert.Equal(Now.AddSeconds(5), plan.RequeueAt);
        // Counted once their finalizers are off; until then their UIDs are recorded as uncounted.
        Assert.Equal((1, 3), (plan.Tracking.Succeeded, plan.Tracking.Failed));
        Assert.Equal(["s1-uid"], plan.Status.UncountedTerminatedPods!.Succeeded!);
        Assert.Equal(["f1-uid", "f2-uid", "f3-uid"], plan.Status.UncountedTerminatedPods!.Failed!);
        Assert.Equal(4, plan.Tracking.RemoveFinalizer.Count);
    }

    [Fact]
    public void Plan_IndexedWithOneIndexDoneAndOneRunning_CreatesTheLowestMissingAndDeletesADuplicate()
    {
        var job = Job("Never", completions: 4) with { Status = new JobStatus { CompletedIndexes = "0", Succeeded = 1, StartTime = Now } };
        job = job with { Spec = job.Spec with { CompletionMode = "Indexed", Parallelism = 3 } };
        Pod[] pods = [Indexed(Pod("a", "Running"), 2), Indexed(Pod("b", "Running"), 2) with { Metadata = Indexed(Pod("b", "Running"), 2).Metadata with { CreationTimestamp = Now } }];

        var plan = JobPlanner.Plan(job, pods, Now);

        Assert.Equal("b", Assert.Single(plan.Delete).Metadata.Name);
        Assert.Equal(new[] { 1, 3 }, plan.CreateIndexes);
        Assert.Equal(2, plan.Create);
        Assert.Equal("0", plan.Status.CompletedIndexes);
    }

    [Fact]
    public void Plan_IndexedSecondSuccessOfAnIndex_ReleasedButNotCounted()
    {
        var job = Job("Never", completions: 2) with { Status = new JobStatus { CompletedIndexes = "0", Succeeded = 1, StartTime = Now } };
        job = job with { Spec = job.Spec with { CompletionMode = "Indexed" } };

        var plan = JobPlanner.Plan(job, [Indexed(Pod("again", "Succeeded"), 0), Indexed(Pod("one", "Succeeded"), 1)], Now);

        Assert.Equal(("0-1", 2), (plan.Status.CompletedIndexes, plan.Tracking.Succeeded));
        Assert.Equal(["one-uid"], plan.Status.UncountedTerminatedPods!.Succeeded!);
        Assert.Equal(2, plan.Tracking.RemoveFinalizer.Count);
        Assert.Equal("Complete", plan.Finished?.Type);
    }

    [Fact]
    public void Plan_FailureRecordedAsUncountedButConditionNotWritten_StillFailsTheJob()
    {
        // The sync that saw f2 fail recorded its UID and took its finalizer off; its status write with the Failed
        // condition then did not land (a 409). The next sync must still fail the Job, not only count f2.
        var job = Job("Never", backoffLimit: 1) with
        {
            Status = new JobStatus { Failed = 1, StartTime = Now, UncountedTerminatedPods = new UncountedTerminatedPods { Failed = ["f2-uid"] } },
        };
        var counted = Pod("f1", "Failed") with { Metadata = Pod("f1", "Failed").Metadata with { Finalizers = null } };
        var released = Pod("f2", "Failed") with { Metadata = Pod("f2", "Failed").Metadata with { Finalizers = null } };

        var plan = JobPlanner.Plan(job, [counted, released], Now);

        Assert.Equal(("Failed", "BackoffLimitExceeded"), (plan.Finished?.Type, plan.Finished?.Reason));
        Assert.Equal(2, plan.Status.Failed);
        Assert.Equal(0, plan.Create);
    }

    [Fact]
    public void Plan_UncountedPodWhoseFinalizerIsGone_MovesIntoTheCounts()
    {
        var job = Job("Never", completions: 3) with
        {
            Status = new JobStatus { Succeeded = 1, StartTime = Now, UncountedTerminatedPods = new UncountedTerminatedPods { Succeeded = ["s2-uid"] } },
        };
        var released = Pod("s2", "Succeeded") with { Metadata = Pod("s2", "Succeeded").Metadata with { Finalizers = null } };
        var withoutFinalizer = Pod("old", "Succeeded") with { Metadata = Pod("old", "Succeeded").Metadata with { Finalizers = null } };

        var plan = JobPlanner.Plan(job, [released, withoutFinalizer], Now);

        // s2 moves from uncounted into succeeded; "old" has no finalizer, so it was counted before and is not again.
        Assert.Equal(2, plan.Status.Succeeded);
        Assert.Null(plan.Status.UncountedTerminatedPods!.Succeeded);
        Assert.Equal(1, plan.Create);
    }

    [Theory]
    [InlineData("Running", null, false)]
    [InlineData("Failed", null, true)]
    [InlineData("Running", "deleted", true)]
    [InlineData("Succeeded", "deleted", false)]
    public void IsFailed_PhaseAndDeletion_AsKubernetesIsPodFailed(string phase, string? deleted, bool expected)
    {
        var pod = Pod("p", phase);
        if (deleted is not null)
            pod = pod with { Metadata = pod.Metadata with { DeletionTimestamp = Now } };

        Assert.Equal(expected, JobTracking.IsFailed(pod, new JobSpec()));
        // Under podReplacementPolicy Failed only the phase counts.
        Assert.Equal(phase == "Failed", JobTracking.IsFailed(pod, new JobSpec { PodReplacementPolicy = "Failed" }));
    }

    [Theory]
    [InlineData(new int[0], null)]
    [InlineData(new[] { 0 }, "0")]
    [InlineData(new[] { 0, 1, 2, 4, 6, 7 }, "0-2,4,6-7")]
    public void Format_Indexes_KubernetesRanges(int[] indexes, string? expected)
    {
        Assert.Equal(expected, JobIndexes.Format(indexes));
        Assert.Equal(indexes, JobIndexes.Parse(expected, 10));
    }

    [Fact]
    public void Parse_BadPartsAndIndexesBeyondCompletions_Skipped()
    {
        Assert.Equal(new[] { 1, 3, 4 }, JobIndexes.Parse("1,x,3-9999999,-2", 5));
    }

    private static Pod Indexed(Pod pod, int index) => pod with
    {
        Metadata = pod.Metadata with { Annotations = new() { [JobLabels.CompletionIndex] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
    };

    [Fact]
    public void Plan_PodsGoneAfterCounting_CountsNeverGoDown()
    {
        var job = Job("Never", completions: 3) with { Status = new JobStatus { Succeeded = 2, Failed = 1, StartTime = Now } };

        var plan = JobPlanner.Plan(job, [], Now);

        Assert.Equal((2, 1, 1), (plan.Status.Succeeded, plan.Status.Failed, plan.Create));
    }

    private static Job Job(string restartPolicy, int backoffLimit = 6, int completions = 1) => new()
    {
        Metadata = new ObjectMeta { Name = "j", Namespace = "ns", Uid = "j-uid" },
        Spec = new JobSpec
        {
            Completions = completions,
            Parallelism = 1,
            BackoffLimit = backoffLimit,
            Template = new PodTemplateSpec { Spec = new PodSpec { RestartPolicy = restartPolicy, Containers = [new Container { Name = "c", Image = "i" }] } },
        },
    };

    private static Pod Pod(string name, string phase, int restarts = 0, DateTimeOffset? finished = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "ns", Uid = name + "-uid", CreationTimestamp = Now.AddMinutes(-10), Finalizers = [JobLabels.TrackingFinalizer] },
        Status = new PodStatus
        {
            Phase = phase,
            ContainerStatuses =
            [
                new ContainerStatus
                {
                    Name = "c",
                    RestartCount = restarts,
                    State = finished is { } at ? new ContainerState { Terminated = new ContainerStateTerminated { FinishedAt = at, ExitCode = phase == "Succeeded" ? 0 : 1 } } : null,
                },
            ],
        },
    };
}
