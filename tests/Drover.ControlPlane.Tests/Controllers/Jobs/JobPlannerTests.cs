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
        Assert.Equal((1, 3), (plan.Status.Succeeded, plan.Status.Failed));
    }

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
        Metadata = new ObjectMeta { Name = name, Namespace = "ns", CreationTimestamp = Now.AddMinutes(-10) },
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
