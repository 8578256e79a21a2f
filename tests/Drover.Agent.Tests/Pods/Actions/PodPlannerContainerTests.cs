using Drover.Agent.Pods.Observed;
using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;
using static Drover.Agent.Pods.Actions.Tests.PodSyncCase;

namespace Drover.Agent.Pods.Actions.Tests;

/// <summary>
/// The restart table: every restart policy × container state × crash-loop back-off, in a ready sandbox and in one that
/// is missing, not ready or has the wrong network. The plan is what the agent does with it; no containerd.
/// </summary>
public sealed class PodPlannerContainerTests
{
    /// <summary>What the plan does with container "app".</summary>
    public enum Outcome
    {
        /// <summary>Nothing: it runs, or it is done (its status says how it ended).</summary>
        Nothing,

        /// <summary>A new container of the next attempt, not a restart (the first one).</summary>
        Start,

        /// <summary>A new container of the attempt after the dead one's, counted against the back-off.</summary>
        Restart,

        /// <summary>Start the container created earlier and never started.</summary>
        StartCreated,

        /// <summary>Wait out the back-off: CrashLoopBackOff until the dead one's finish + the back-off.</summary>
        WaitBackOff,
    }

    public enum Backoff
    {
        None,
        Active,
        Expired,
    }

    // The dead container finished at T0; an active back-off (one restart at T0 − 1 s: 10 s) ends at T0 + 10 s.
    private static readonly DateTimeOffset ActiveNow = T0.AddSeconds(2);
    private static readonly DateTimeOffset ExpiredNow = T0.AddSeconds(11);

    [Theory]
    // state: none (never made), created (made, never started), running, exited0, exited1, unknown (CRI lost track)
    [InlineData("Always", "none", Backoff.None, Outcome.Start)]
    [InlineData("Always", "none", Backoff.Active, Outcome.Start)]
    [InlineData("Always", "none", Backoff.Expired, Outcome.Start)]
    [InlineData("Always", "created", Backoff.None, Outcome.StartCreated)]
    [InlineData("Always", "created", Backoff.Active, Outcome.StartCreated)]
    [InlineData("Always", "created", Backoff.Expired, Outcome.StartCreated)]
    [InlineData("Always", "running", Backoff.None, Outcome.Nothing)]
    [InlineData("Always", "running", Backoff.Active, Outcome.Nothing)]
    [InlineData("Always", "running", Backoff.Expired, Outcome.Nothing)]
    [InlineData("Always", "exited0", Backoff.None, Outcome.Restart)]
    [InlineData("Always", "exited0", Backoff.Active, Outcome.WaitBackOff)]
    [InlineData("Always", "exited0", Backoff.Expired, Outcome.Restart)]
    [InlineData("Always", "exited1", Backoff.None, Outcome.Restart)]
    [InlineData("Always", "exited1", Backoff.Active, Outcome.WaitBackOff)]
    [InlineData("Always", "exited1", Backoff.Expired, Outcome.Restart)]
    [InlineData("Always", "unknown", Backoff.None, Outcome.Nothing)]
    [InlineData("Always", "unknown", Backoff.Active, Outcome.Nothing)]
    [InlineData("Always", "unknown", Backoff.Expired, Outcome.Nothing)]
    [InlineData("OnFailure", "none", Backoff.None, Outcome.Start)]
    [InlineData("OnFailure", "none", Backoff.Active, Outcome.Start)]
    [InlineData("OnFailure", "none", Backoff.Expired, Outcome.Start)]
    [InlineData("OnFailure", "created", Backoff.None, Outcome.StartCreated)]
    [InlineData("OnFailure", "created", Backoff.Active, Outcome.StartCreated)]
    [InlineData("OnFailure", "created", Backoff.Expired, Outcome.StartCreated)]
    [InlineData("OnFailure", "running", Backoff.None, Outcome.Nothing)]
    [InlineData("OnFailure", "running", Backoff.Active, Outcome.Nothing)]
    [InlineData("OnFailure", "running", Backoff.Expired, Outcome.Nothing)]
    [InlineData("OnFailure", "exited0", Backoff.None, Outcome.Nothing)]
    [InlineData("OnFailure", "exited0", Backoff.Active, Outcome.Nothing)]
    [InlineData("OnFailure", "exited0", Backoff.Expired, Outcome.Nothing)]
    [InlineData("OnFailure", "exited1", Backoff.None, Outcome.Restart)]
    [InlineData("OnFailure", "exited1", Backoff.Active, Outcome.WaitBackOff)]
    [InlineData("OnFailure", "exited1", Backoff.Expired, Outcome.Restart)]
    [InlineData("OnFailure", "unknown", Backoff.None, Outcome.Nothing)]
    [InlineData("OnFailure", "unknown", Backoff.Active, Outcome.Nothing)]
    [InlineData("OnFailure", "unknown", Backoff.Expired, Outcome.Nothing)]
    [InlineData("Never", "none", Backoff.None, Outcome.Start)]
    [InlineData("Never", "none", Backoff.Active, Outcome.Start)]
    [InlineData("Never", "none", Backoff.Expired, Outcome.Start)]
    [InlineData("Never", "created", Backoff.None, Outcome.StartCreated)]
    [InlineData("Never", "created", Backoff.Active, Outcome.StartCreated)]
    [InlineData("Never", "created", Backoff.Expired, Outcome.StartCreated)]
    [InlineData("Never", "running", Backoff.None, Outcome.Nothing)]
    [InlineData("Never", "running", Backoff.Active, Outcome.Nothing)]
    [InlineData("Never", "running", Backoff.Expired, Outcome.Nothing)]
    [InlineData("Never", "exited0", Backoff.None, Outcome.Nothing)]
    [InlineData("Never", "exited0", Backoff.Active, Outcome.Nothing)]
    [InlineData("Never", "exited0", Backoff.Expired, Outcome.Nothing)]
    [InlineData("Never", "exited1", Backoff.None, Outcome.Nothing)]
    [InlineData("Never", "exited1", Backoff.Active, Outcome.Nothing)]
    [InlineData("Never", "exited1", Backoff.Expired, Outcome.Nothing)]
    [InlineData("Never", "unknown", Backoff.None, Outcome.Nothing)]
    [InlineData("Never", "unknown", Backoff.Active, Outcome.Nothing)]
    [InlineData("Never", "unknown", Backoff.Expired, Outcome.Nothing)]
    public void ComputePodActions_ReadySandbox_FollowsRestartPolicy(string policy, string state, Backoff backoff, Outcome expected)
    {
        var (history, now) = WithBackoff(backoff);
        var plan = PodPlanner.ComputePodActions(Input(Pod(policy), InSandbox(state == "none" ? [] : [ContainerIn(state)]), history, now));

        Assert.Null(plan.Termination);
        Assert.Null(plan.CreateSandbox);
        Assert.Equal("sb", plan.SandboxId);
        Assert.Empty(plan.SandboxesToRemove);
        Assert.Empty(plan.ContainersToKill);
        Assert.Equal(expected, OutcomeOf(plan));
        switch (expected)
        {
            case Outcome.Start:
                Assert.Equal(0u, Assert.Single(plan.ContainersToStart).Attempt);
                break;
            case Outcome.Restart:
                // The dead one (attempt 2) stays as the lastState; the next is attempt 3.
                Assert.Equal(3u, Assert.Single(plan.ContainersToStart).Attempt);
                break;
            case Outcome.StartCreated:
                Assert.Equal("c1", Assert.Single(plan.ContainersToStart).CreatedId);
                break;
            case Outcome.WaitBackOff:
                var wait = plan.Waiting["app"];
                Assert.Equal(("CrashLoopBackOff", "c1", T0.AddSeconds(10)), (wait.Reason, wait.ContainerId, wait.Until));
                Assert.Equal("back-off 10s restarting failed container=app pod=web_default(u1)", wait.Message);
                Assert.Equal(T0.AddSeconds(10), plan.WakeAt);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(UnusableSandboxCases))]
    public void ComputePodActions_NoUsableSandbox_NewSandboxAndEveryContainerStartsAgain(string sandbox, string policy, string state, Backoff backoff)
    {
        var (history, now) = WithBackoff(backoff);
        var sandboxes = sandbox switch
        {
            "none" => [],
            "notReady" => [Sandbox(attempt: 1, ready: false)],
            _ => new[] { Sandbox(attempt: 1, network: CriV1.NamespaceMode.Node) },
        };
        var observed = Seen(sandboxes, state == "none" ? [] : [ContainerIn(state)]);

        var plan = PodPlanner.ComputePodActions(Input(Pod(policy), observed, history, now));

        // As the kubelet's PodSandboxChanged: a new sandbox (the attempt after the last), the old ones removed, and the
        // container made again in it whatever its policy, its attempts going on from the old containers'.
        Assert.Equal(sandbox == "none" ? 0u : 2u, plan.CreateSandbox?.Attempt);
        Assert.Equal(sandboxes.Select(s => s.Id), plan.SandboxesToRemove);
        Assert.Empty(plan.ContainersToKill);
        Assert.Empty(plan.Waiting);
        var start = Assert.Single(plan.ContainersToStart);
        Assert.Equal((state == "none" ? 0u : 3u, false, null), (start.Attempt, start.IsRestart, start.CreatedId));
        Assert.Equal(state == "none" ? [] : new Dictionary<string, uint> { ["app"] = 3 }, plan.AttemptsCarriedOver);
    }

    [Theory]
    [InlineData("Never", 0)]
    [InlineData("OnFailure", 0)]
    [InlineData("Never", 2)]
    public void ComputePodActions_JobPodFinishedHereDroversCopyStale_NotRunAgainInANewSandbox(string policy, int exitCode)
    {
        // The worker reported Succeeded/Failed and stopped the sandbox; droverd's copy of the pod still says Running.
        var pod = Pod(policy) with { Status = new PodStatus { Phase = "Running" } };

        var plan = PodPlanner.ComputePodActions(Input(pod, Seen([Sandbox(ready: false)], Exited("c1", exitCode))).With(finishedHere: true));

        Assert.True(plan.CreateSandbox is null && plan.ContainersToStart.Count == 0, $"sandbox {plan.CreateSandbox}, starts {plan.ContainersToStart.Count}");
    }

    [Fact]
    public void ComputePodActions_SandboxLost_SaysWhyItIsReplaced()
    {
        var lost = PodPlanner.ComputePodActions(Input(Pod(), Seen([Sandbox(ready: false)])));
        var network = PodPlanner.ComputePodActions(Input(Pod(), Seen([Sandbox(network: CriV1.NamespaceMode.Node)])));
        var first = PodPlanner.ComputePodActions(Input(Pod(), ObservedPod.Empty));

        Assert.Equal("it lost its sandbox", lost.CreateSandbox!.Replaces);
        Assert.Equal("its network namespace is not the one the pod needs", network.CreateSandbox!.Replaces);
        Assert.Null(first.CreateSandbox!.Replaces);
    }

    [Fact]
    public void ComputePodActions_SandboxNetworkNotReported_KeepsTheSandbox()
    {
        var plan = PodPlanner.ComputePodActions(Input(Pod(), InSandbox(Running("c1")) with { Sandboxes = [Sandbox(network: null)] }));

        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void ComputePodActions_StaleSandboxesBesideTheNewestReady_AreRemoved()
    {
        var observed = Seen([Sandbox("old", attempt: 0, createdAt: 1), Sandbox("sb", attempt: 1, createdAt: 2), Sandbox("dead", attempt: 0, ready: false, createdAt: 3)], Running("c1"));

        var plan = PodPlanner.ComputePodActions(Input(Pod(), observed));

        Assert.Equal("sb", plan.SandboxId);
        Assert.Equal(1u, plan.SandboxAttempt);
        Assert.Equal(["old", "dead"], plan.SandboxesToRemove);
        Assert.Empty(plan.ContainersToStart);
    }

    [Fact]
    public void ComputePodActions_Restart_RemovesOlderDeadContainersButKeepsTheLatest()
    {
        var observed = InSandbox(Exited("c0", 1, attempt: 0), Exited("c2", 1, attempt: 2), Exited("c1", 1, attempt: 1));

        var start = Assert.Single(PodPlanner.ComputePodActions(Input(Pod(), observed)).ContainersToStart);

        Assert.Equal(3u, start.Attempt);
        Assert.True(start.IsRestart);
        Assert.Equal(["c1", "c0"], start.ContainersToRemove);
    }

    [Fact]
    public void ComputePodActions_FirstContainerAfterEarlierAttempts_TakesTheRememberedAttempt()
    {
        var history = NewHistory();
        history.Created("app", 4);

        var start = Assert.Single(PodPlanner.ComputePodActions(Input(Pod(), InSandbox(), history)).ContainersToStart);

        Assert.Equal((5u, false), (start.Attempt, start.IsRestart));
    }

    [Fact]
    public void ComputePodActions_BackoffQuietForTwiceItsMaximum_StartsOver()
    {
        var history = NewHistory();
        history.Restarted("app", T0.AddMinutes(-11));

        var plan = PodPlanner.ComputePodActions(Input(Pod(), InSandbox(Exited("c1", 1, finishedAt: T0)), history, T0.AddSeconds(1)));

        Assert.True(Assert.Single(plan.ContainersToStart).IsRestart);
    }

    [Fact]
    public void ComputePodActions_TwoContainers_EachDecidedOnItsOwn()
    {
        var sidecar = new Container { Name = "sidecar", Image = "busybox:1.36" };
        var history = NewHistory();
        history.Restarted("app", T0.AddSeconds(-1));
        var observed = InSandbox(Exited("c1", 1, attempt: 1), Container("s1", CriV1.ContainerState.ContainerExited, sidecar, exitCode: 1));

        var plan = PodPlanner.ComputePodActions(Input(Pod("Always", PodSyncCase.App, sidecar), observed, history, ActiveNow));

        Assert.Equal(["app"], plan.Waiting.Keys);
        Assert.Equal("sidecar", Assert.Single(plan.ContainersToStart).Spec.Name);
    }

    [Fact]
    public void ComputePodActions_SameInput_SamePlanAndHistoryUntouched()
    {
        var history = NewHistory();
        history.Restarted("app", T0.AddSeconds(-1));
        var input = Input(Pod(), InSandbox(Exited("c1", 1, attempt: 2)), history, ActiveNow);

        var first = PodPlanner.ComputePodActions(input);
        var second = PodPlanner.ComputePodActions(input);

        var (a, b) = (first.Waiting["app"], second.Waiting["app"]);
        Assert.Equal((a.Kind, a.Reason, a.Message, a.Until, a.ContainerId), (b.Kind, b.Reason, b.Message, b.Until, b.ContainerId));
        Assert.Equal(BackoffInitial, history.RestartBackoff("app"));
    }

    private static (PodHistory History, DateTimeOffset Now) WithBackoff(Backoff backoff)
    {
        var history = NewHistory();
        if (backoff != Backoff.None)
        {
            history.Restarted("app", T0.AddSeconds(-1));
        }

        return (history, backoff == Backoff.Expired ? ExpiredNow : ActiveNow);
    }

    private static ObservedContainer ContainerIn(string state) => state switch
    {
        "created" => Container("c1", CriV1.ContainerState.ContainerCreated, attempt: 2),
        "running" => Running("c1", attempt: 2),
        "exited0" => Exited("c1", 0, attempt: 2),
        "exited1" => Exited("c1", 1, attempt: 2),
        "unknown" => Container("c1", CriV1.ContainerState.ContainerUnknown, attempt: 2),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "no container for this state"),
    };

    private static Outcome OutcomeOf(PodActions plan)
    {
        if (plan.Waiting.ContainsKey("app"))
        {
            Assert.Empty(plan.ContainersToStart);
            return Outcome.WaitBackOff;
        }

        return plan.ContainersToStart switch
        {
            [] => Outcome.Nothing,
            [{ CreatedId: not null }] => Outcome.StartCreated,
            [{ IsRestart: true }] => Outcome.Restart,
            [_] => Outcome.Start,
            _ => throw new InvalidOperationException("more than one start for one container"),
        };
    }

    /// <summary>Sandbox (none, not ready, wrong network) × policy × container state × back-off: every combination.</summary>
    public static TheoryData<string, string, string, Backoff> UnusableSandboxCases()
    {
        var data = new TheoryData<string, string, string, Backoff>();
        foreach (var sandbox in new[] { "none", "notReady", "changedNetwork" })
        {
            foreach (var policy in new[] { "Always", "OnFailure", "Never" })
            {
                foreach (var state in new[] { "none", "created", "running", "exited0", "exited1", "unknown" })
                {
                    foreach (var backoff in Enum.GetValues<Backoff>())
                    {
                        data.Add(sandbox, policy, state, backoff);
                    }
                }
            }
        }

        return data;
    }
}
