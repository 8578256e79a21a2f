using Drover.Api;
using static Drover.ControlPlane.Controllers.Tests.Workloads;

namespace Drover.ControlPlane.Controllers.ReplicaSets.Tests;

public sealed class ReplicaSetPlannerTests
{
    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(3, new[] { 1, 2 })]
    [InlineData(10, new[] { 1, 2, 4, 3 })]
    [InlineData(0, new int[0])]
    public void SlowStartBatches_Count_DoublingBatchesSummingToCount(int count, int[] expected)
    {
        Assert.Equal(expected, ReplicaSetPlanner.SlowStartBatches(count));
    }

    [Fact]
    public void PodsToDelete_Mixed_UnscheduledThenNotReadyThenNewestReady()
    {
        var oldReady = Pod("old-ready", node: "n1", ageSeconds: 300);
        var newReady = Pod("new-ready", node: "n2", ageSeconds: 100);
        var notReady = Pod("not-ready", node: "n3", ready: false, ageSeconds: 400);
        var unscheduled = Pod("unscheduled", node: null, phase: "Pending", ready: false, ageSeconds: 500);
        List<Pod> pods = [oldReady, newReady, notReady, unscheduled];

        var order = ReplicaSetPlanner.PodsToDelete(pods, pods, 3).Select(p => p.Metadata.Name);

        Assert.Equal(["unscheduled", "not-ready", "new-ready"], order);
    }

    [Fact]
    public void PodsToDelete_Phases_PendingBeforeUnknownBeforeRunning()
    {
        List<Pod> pods = [Pod("running", ready: false, phase: "Running"), Pod("unknown", ready: false, phase: "Unknown"), Pod("pending", ready: false, phase: "Pending")];

        Assert.Equal(["pending", "unknown"], ReplicaSetPlanner.PodsToDelete(pods, pods, 2).Select(p => p.Metadata.Name));
    }

    [Fact]
    public void PodsToDelete_TwoOnOneNode_DoubledUpPodFirst()
    {
        var alone = Pod("alone", node: "n1", ageSeconds: 10);
        var doubledA = Pod("doubled-a", node: "n2", ageSeconds: 100);
        var doubledB = Pod("doubled-b", node: "n2", ageSeconds: 200);
        List<Pod> pods = [alone, doubledA, doubledB];

        Assert.Equal("doubled-a", Assert.Single(ReplicaSetPlanner.PodsToDelete(pods, pods, 1)).Metadata.Name);
    }

    [Fact]
    public void PodsToDelete_ReadyPods_MostRecentlyReadyFirstThenMoreRestarts()
    {
        var longReady = Pod("long-ready", node: "n1", ageSeconds: 100, readyForSeconds: 90);
        var justReady = Pod("just-ready", node: "n2", ageSeconds: 100, readyForSeconds: 5);
        var restarting = Pod("restarting", node: "n3", ageSeconds: 100, readyForSeconds: 90, restarts: 4);
        List<Pod> pods = [longReady, justReady, restarting];

        Assert.Equal(["just-ready", "restarting"], ReplicaSetPlanner.PodsToDelete(pods, pods, 2).Select(p => p.Metadata.Name));
    }

    [Fact]
    public void PodsToDelete_DeletionCost_CheaperFirst()
    {
        var expensive = Pod("expensive", node: "n1", ageSeconds: 10);
        expensive = expensive with { Metadata = expensive.Metadata with { Annotations = new() { [ActivePodOrder.DeletionCostAnnotation] = "100" } } };
        var cheap = Pod("cheap", node: "n2", ageSeconds: 500);
        List<Pod> pods = [expensive, cheap];

        Assert.Equal("cheap", Assert.Single(ReplicaSetPlanner.PodsToDelete(pods, pods, 1)).Metadata.Name);
    }

    [Fact]
    public void PodsToDelete_Equal_DeterministicByName()
    {
        List<Pod> pods = [Pod("b"), Pod("a"), Pod("c")];

        Assert.Equal(["a", "b"], ReplicaSetPlanner.PodsToDelete(pods, [], 2).Select(p => p.Metadata.Name));
    }

    [Fact]
    public void CalculateStatus_MinReadySeconds_ReadyPodsAvailableOnlyAfterIt()
    {
        var rs = ReplicaSet(minReadySeconds: 10);
        List<Pod> pods = [Pod("a", readyForSeconds: 30), Pod("b", readyForSeconds: 5), Pod("c", ready: false)];

        var status = ReplicaSetPlanner.CalculateStatus(rs, pods, null, T0);

        Assert.Equal(3, status.Replicas);
        Assert.Equal(3, status.FullyLabeledReplicas);
        Assert.Equal(2, status.ReadyReplicas);
        Assert.Equal(1, status.AvailableReplicas);
        Assert.Equal(7, status.ObservedGeneration);
        Assert.Equal(T0.AddSeconds(5), ReplicaSetPlanner.NextAvailableAt(rs, pods, T0));
    }

    [Fact]
    public void CalculateStatus_NoPods_ZeroReplicasOthersLeftOut()
    {
        var status = ReplicaSetPlanner.CalculateStatus(ReplicaSet(), [], null, T0);

        Assert.Equal(0, status.Replicas);
        Assert.Null(status.ReadyReplicas);
        Assert.Null(status.AvailableReplicas);
    }

    [Fact]
    public void CalculateStatus_ManageError_ReplicaFailureUntilASuccessfulSync()
    {
        var rs = ReplicaSet();

        var failed = ReplicaSetPlanner.CalculateStatus(rs, [], "pods \"x\" is forbidden", T0);
        var recovered = ReplicaSetPlanner.CalculateStatus(rs with { Status = failed }, [Pod("a")], null, T0);

        var condition = Assert.Single(failed.Conditions!);
        Assert.Equal(("ReplicaFailure", "True", "FailedCreate"), (condition.Type, condition.Status, condition.Reason));
        Assert.Null(recovered.Conditions);
    }

    [Fact]
    public void PodFromTemplate_ReplicaSet_TemplateLabelsGenerateNameAndControllerReference()
    {
        var rs = ReplicaSet();
        var controller = ControllerRefs.For(ResourceTypes.ReplicaSets, rs);

        var pod = ReplicaSetPlanner.PodFromTemplate(rs, controller);

        Assert.Equal("web-abc-", pod.Metadata.GenerateName);
        Assert.Null(pod.Metadata.Name);
        Assert.Equal("web", pod.Metadata.Labels!["app"]);
        Assert.NotSame(rs.Spec.Template.Metadata!.Labels, pod.Metadata.Labels);
        var owner = Assert.Single(pod.Metadata.OwnerReferences!);
        Assert.Equal(("apps/v1", "ReplicaSet", "web-abc", "rs-uid", true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
    }

    [Fact]
    public void StatusEquals_SameValuesDifferentInstances_True()
    {
        var a = new ReplicaSetStatus { Replicas = 2, ReadyReplicas = 1, Conditions = [new ReplicaSetCondition { Type = "ReplicaFailure", Status = "True" }] };
        var b = a with { Conditions = [new ReplicaSetCondition { Type = "ReplicaFailure", Status = "True" }] };

        Assert.True(ReplicaSetPlanner.StatusEquals(a, b));
        Assert.False(ReplicaSetPlanner.StatusEquals(a, b with { ReadyReplicas = 2 }));
    }

    private static ReplicaSet ReplicaSet(int minReadySeconds = 0) => new()
    {
        Metadata = new ObjectMeta { Name = "web-abc", Namespace = "ns", Uid = "rs-uid", Generation = 7 },
        Spec = new ReplicaSetSpec { Replicas = 3, MinReadySeconds = minReadySeconds, Template = Template() },
    };
}
