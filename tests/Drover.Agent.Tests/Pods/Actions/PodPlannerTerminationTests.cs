using Drover.Api;
using static Drover.Agent.Pods.Actions.Tests.PodSyncCase;

namespace Drover.Agent.Pods.Actions.Tests;

/// <summary>How a pod stops: deleted with a grace period, deleted at once, no longer bound here, or the node shutting down.</summary>
public sealed class PodPlannerTerminationTests
{
    private static readonly Container Hooked = PodSyncCase.App with
    {
        Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Sleep = new SleepAction { Seconds = 5 } } },
    };

    private static Pod Deleted(long? grace, params Container[] containers) => Pod("Always", containers) with
    {
        Metadata = Pod().Metadata with { DeletionTimestamp = T0, DeletionGracePeriodSeconds = grace },
    };

    [Fact]
    public void ComputePodActions_DeletedWithGrace_DrainsRunsHooksKillsReportsRemovesAndFinishes()
    {
        var observed = InSandbox(Running("c1", spec: Hooked), Exited("c0", 0, spec: Hooked));

        var plan = PodPlanner.ComputePodActions(Input(Deleted(30, Hooked), observed).With(drain: TimeSpan.FromSeconds(2)));

        var t = plan.Termination!;
        Assert.Equal(PodTerminationKind.Deleted, t.Kind);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2)), (t.Grace, t.Drain));
        Assert.Equal([new PreStopHook("c1", Hooked)], t.PreStopHooks);
        Assert.Equal([new ContainerToKill("c1", "app", "Stopping container app")], t.ContainersToKill);
        Assert.True(t.ReportFinalStatus && t.RemoveEverything && t.FinishDeletion);
        Assert.Null(t.FailedAs);
        Assert.Empty(t.SandboxesToStop);
        Assert.Empty(plan.ContainersToStart);
        Assert.Null(plan.CreateSandbox);
    }

    [Fact]
    public void ComputePodActions_DeletedAtOnce_NoDrainNoHooks()
    {
        var plan = PodPlanner.ComputePodActions(Input(Deleted(0, Hooked), InSandbox(Running("c1", spec: Hooked))).With(drain: TimeSpan.FromSeconds(2)));

        var t = plan.Termination!;
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (t.Grace, t.Drain));
        Assert.Empty(t.PreStopHooks);
        Assert.Single(t.ContainersToKill);
    }

    [Fact]
    public void ComputePodActions_DeletedGraceShorterThanDrain_DrainsTheGraceOnly()
    {
        var plan = PodPlanner.ComputePodActions(Input(Deleted(1), InSandbox(Running("c1"))).With(drain: TimeSpan.FromSeconds(2)));

        Assert.Equal(TimeSpan.FromSeconds(1), plan.Termination!.Drain);
    }

    [Fact]
    public void ComputePodActions_DeletedWithoutGraceInMetadata_TakesTheSpecs()
    {
        var pod = Deleted(null) with { Spec = Pod().Spec with { TerminationGracePeriodSeconds = 7 } };

        Assert.Equal(TimeSpan.FromSeconds(7), PodPlanner.ComputePodActions(Input(pod, InSandbox())).Termination!.Grace);
    }

    [Fact]
    public void ComputePodActions_DeletedWithNothingInCri_ReportsNothing()
    {
        var t = PodPlanner.ComputePodActions(Input(Deleted(30), Seen([Sandbox()]))).Termination!;

        Assert.False(t.ReportFinalStatus);
        Assert.True(t.RemoveEverything && t.FinishDeletion);
    }

    [Fact]
    public void ComputePodActions_Gone_KilledWithThePodsGraceAndRemovedWithoutStatus()
    {
        var plan = PodPlanner.ComputePodActions(Input(Pod("Always", Hooked), InSandbox(Running("c1", spec: Hooked))).With(stop: new PodStop.Gone()));

        var t = plan.Termination!;
        Assert.Equal(PodTerminationKind.Gone, t.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), t.Grace);
        Assert.Empty(t.PreStopHooks);
        Assert.Single(t.ContainersToKill);
        Assert.False(t.ReportFinalStatus || t.FinishDeletion);
        Assert.True(t.RemoveEverything);
    }

    [Fact]
    public void ComputePodActions_GoneWhileDeleted_GoneWins()
    {
        var plan = PodPlanner.ComputePodActions(Input(Deleted(30), InSandbox()).With(stop: new PodStop.Gone()));

        Assert.Equal(PodTerminationKind.Gone, plan.Termination!.Kind);
    }

    [Fact]
    public void ComputePodActions_DeletedDuringShutdown_DeletionWins()
    {
        var plan = PodPlanner.ComputePodActions(Input(Deleted(30), InSandbox()).With(stop: new PodStop.Shutdown(T0.AddSeconds(5))));

        Assert.Equal(PodTerminationKind.Deleted, plan.Termination!.Kind);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(60, 30)]
    [InlineData(-1, 0)]
    public void ComputePodActions_Shutdown_GraceBoundedByTheDeadlineAndReportedFailed(int deadlineSeconds, int graceSeconds)
    {
        var observed = Seen([Sandbox(), Sandbox("stopped", ready: false)], Running("c1", spec: Hooked));

        var plan = PodPlanner.ComputePodActions(Input(Pod("Always", Hooked), observed).With(stop: new PodStop.Shutdown(T0.AddSeconds(deadlineSeconds))));

        var t = plan.Termination!;
        Assert.Equal(PodTerminationKind.Shutdown, t.Kind);
        Assert.Equal(TimeSpan.FromSeconds(graceSeconds), t.Grace);
        Assert.Equal(graceSeconds > 0 ? 1 : 0, t.PreStopHooks.Count);
        Assert.Equal([new ContainerToKill("c1", "app", "Stopping container app: node is shutting down")], t.ContainersToKill);
        Assert.Equal(new PodFailure("Terminated", "Pod was terminated in response to imminent node shutdown."), t.FailedAs);
        Assert.True(t.ReportFinalStatus);
        Assert.False(t.RemoveEverything || t.FinishDeletion || t.AlreadyFinished);
        Assert.Equal(["sb"], t.SandboxesToStop);
    }

    [Theory]
    [InlineData("Succeeded", false)]
    [InlineData(null, true)]
    public void ComputePodActions_ShutdownOfAFinishedPod_NothingToStop(string? phase, bool finishedHere)
    {
        var pod = Pod("Never") with { Status = new PodStatus { Phase = phase } };

        var t = PodPlanner.ComputePodActions(Input(pod, InSandbox(Exited("c1", 0))).With(stop: new PodStop.Shutdown(T0.AddSeconds(5)), finishedHere: finishedHere)).Termination!;

        Assert.True(t.AlreadyFinished);
        Assert.Empty(t.ContainersToKill);
        Assert.False(t.ReportFinalStatus);
        Assert.Empty(t.SandboxesToStop);
    }

    [Theory]
    // grace, drain, spent → what the containers get
    [InlineData(30, 2, 3, 27)]
    [InlineData(30, 2, 29, 2)]
    [InlineData(30, 2, 40, 2)]
    [InlineData(1, 0, 0.01, 2)]
    [InlineData(1, 1, 1, 0)]
    [InlineData(0, 0, 0, 0)]
    public void GraceAfterHooks_Deleted_WhatIsLeftButTwoSecondsAfterLongHooks(double grace, double drain, double spent, double expected)
    {
        var t = new PodTermination { Kind = PodTerminationKind.Deleted, Grace = TimeSpan.FromSeconds(grace), Drain = TimeSpan.FromSeconds(drain) };

        Assert.Equal(TimeSpan.FromSeconds(expected), t.GraceAfterHooks(TimeSpan.FromSeconds(spent)));
    }

    [Theory]
    [InlineData(5, 3, 2)]
    [InlineData(5, 6, 0)]
    public void GraceAfterHooks_Shutdown_WhatIsLeftOnly(double grace, double spent, double expected)
    {
        var t = new PodTermination { Kind = PodTerminationKind.Shutdown, Grace = TimeSpan.FromSeconds(grace) };

        Assert.Equal(TimeSpan.FromSeconds(expected), t.GraceAfterHooks(TimeSpan.FromSeconds(spent)));
    }
}
