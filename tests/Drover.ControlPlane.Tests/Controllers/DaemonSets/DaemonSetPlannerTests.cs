using Drover.Api;

namespace Drover.ControlPlane.Controllers.DaemonSets.Tests;

public sealed class DaemonSetPlannerTests
{
    private static readonly DateTimeOffset Now = Controllers.Tests.Workloads.T0;

    [Fact]
    public void Plan_NodesWithSelectorAndTaints_PodOnlyWhereItShouldRun()
    {
        var ds = DaemonSet(nodeSelector: new() { ["role"] = "edge" });
        Node[] nodes =
        [
            Node("a", labels: new() { ["role"] = "edge" }),
            Node("b"),
            Node("c", labels: new() { ["role"] = "edge" }, taint: new Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" }),
            // Tolerated by every daemon pod: a cordoned node keeps its daemons.
            Node("d", labels: new() { ["role"] = "edge" }, taint: new Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" }),
        ];

        var plan = DaemonSetPlanner.Plan(ds, nodes, [Pod("on-b", "b", DaemonSetPlanner.Hash(ds))], Now);

        Assert.Equal(new[] { "a", "d" }, plan.CreateOn);
        Assert.Equal("on-b", Assert.Single(plan.Delete).Metadata.Name);
        Assert.Equal((2, 0, 1), (plan.Status.DesiredNumberScheduled, plan.Status.CurrentNumberScheduled, plan.Status.NumberMisscheduled));
    }

    [Fact]
    public void Plan_NodeWithoutRoom_NoPodThereTheReasonReportedAndStillDesired()
    {
        var ds = DaemonSet();
        Node[] nodes = [Node("a"), Node("b")];

        var plan = DaemonSetPlanner.Plan(ds, nodes, [], Now, node => node.Metadata.Name == "b" ? "no room" : null);

        Assert.Equal(new[] { "a" }, plan.CreateOn);
        Assert.Equal(("b", "no room"), Assert.Single(plan.Unplaced));
        // As Kubernetes counts it: the node wants a daemon (desired), has none (not current), so one is unavailable.
        Assert.Equal((2, 0, 2), (plan.Status.DesiredNumberScheduled, plan.Status.CurrentNumberScheduled, plan.Status.NumberUnavailable));
    }

    [Fact]
    public void Plan_NewTemplateDoesNotFit_OldPodKeepsRunningThere()
    {
        var ds = DaemonSet();
        Node[] nodes = [Node("a"), Node("b")];
        Pod[] pods = [Pod("p-a", "a", "old"), Pod("p-b", "b", "old")];
        var asked = new List<string>();

        var plan = DaemonSetPlanner.Plan(ds, nodes, pods, Now, node =>
        {
            asked.Add(node.Metadata.Name!);
            return node.Metadata.Name == "a" ? "no room" : null;
        });

        Assert.Equal("p-b", Assert.Single(plan.Delete).Metadata.Name);
        Assert.Equal("a", Assert.Single(plan.Unplaced).Node);
        Assert.Equal(new[] { "a", "b" }, asked);
    }

    [Fact]
    public void Plan_OnDeleteWithOldPods_FitNeverAsked()
    {
        var ds = DaemonSet() with { Spec = DaemonSet().Spec with { UpdateStrategy = new DaemonSetUpdateStrategy { Type = "OnDelete" } } };

        var plan = DaemonSetPlanner.Plan(ds, [Node("a")], [Pod("p-a", "a", "old")], Now, _ => throw new InvalidOperationException("asked"));

        Assert.Empty(plan.Unplaced);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Plan_TemplateChangedMaxUnavailableOne_OneAvailableOldPodAtATime()
    {
        var ds = DaemonSet();
        Node[] nodes = [Node("a"), Node("b"), Node("c")];
        Pod[] pods = [Pod("p-a", "a", "old"), Pod("p-b", "b", "old"), Pod("p-c", "c", "old")];

        var plan = DaemonSetPlanner.Plan(ds, nodes, pods, Now);

        Assert.Empty(plan.CreateOn);
        Assert.Equal("p-a", Assert.Single(plan.Delete).Metadata.Name);
        Assert.Equal((3, 3, (int?)null), (plan.Status.NumberReady, plan.Status.NumberAvailable, plan.Status.UpdatedNumberScheduled));

        // Node a's new pod is up but not ready: nothing else goes meanwhile.
        var next = DaemonSetPlanner.Plan(ds, nodes, [Pod("p-a2", "a", DaemonSetPlanner.Hash(ds), ready: false), pods[1], pods[2]], Now);
        Assert.Empty(next.Delete);
        Assert.Equal(1, next.Status.UpdatedNumberScheduled);
    }

    [Fact]
    public void Plan_MaxSurge_NewPodBesideOldThenOldGoesWhenNewAvailable()
    {
        var ds = DaemonSet(rolling: new RollingUpdateDaemonSet { MaxUnavailable = 0, MaxSurge = 1 });
        var hash = DaemonSetPlanner.Hash(ds);
        Node[] nodes = [Node("a"), Node("b")];

        var first = DaemonSetPlanner.Plan(ds, nodes, [Pod("old-a", "a", "old"), Pod("old-b", "b", "old")], Now);
        Assert.Equal(new[] { "a" }, first.CreateOn);
        Assert.Empty(first.Delete);

        var surging = DaemonSetPlanner.Plan(ds, nodes, [Pod("old-a", "a", "old"), Pod("new-a", "a", hash, ready: false), Pod("old-b", "b", "old")], Now);
        Assert.Empty(surging.CreateOn);
        Assert.Empty(surging.Delete);
        Assert.Equal(2, surging.Status.NumberAvailable);

        var ready = DaemonSetPlanner.Plan(ds, nodes, [Pod("old-a", "a", "old"), Pod("new-a", "a", hash), Pod("old-b", "b", "old")], Now);
        Assert.Equal("old-a", Assert.Single(ready.Delete).Metadata.Name);
    }

    [Fact]
    public void Plan_OnDelete_OldPodsStayNewNodesGetTheNewTemplate()
    {
        var ds = DaemonSet() with { Spec = DaemonSet().Spec with { UpdateStrategy = new DaemonSetUpdateStrategy { Type = "OnDelete" } } };

        var plan = DaemonSetPlanner.Plan(ds, [Node("a"), Node("b")], [Pod("old-a", "a", "old")], Now);

        Assert.Empty(plan.Delete);
        Assert.Equal(new[] { "b" }, plan.CreateOn);
    }

    [Fact]
    public void PodFor_Node_BoundLabelledTolerantOwned()
    {
        var ds = DaemonSet();
        var controller = ControllerRefs.For(ResourceTypes.DaemonSets, ds);

        var pod = DaemonSetPlanner.PodFor(ds, "a", "h1", controller);

        Assert.Equal("a", pod.Spec.NodeName);
        Assert.Equal("h1", pod.Metadata.Labels![DaemonSetPlanner.HashLabel]);
        Assert.Equal("collector", pod.Metadata.Labels!["app"]);
        Assert.Contains(pod.Spec.Tolerations!, t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == "NoExecute");
        Assert.Equal(ds.Metadata.Uid, Assert.Single(pod.Metadata.OwnerReferences!).Uid);
    }

    [Theory]
    [InlineData(10, "10%", "0", 1, 0)]
    [InlineData(10, "25%", "0", 3, 0)]
    [InlineData(4, "0", "50%", 0, 2)]
    [InlineData(0, "0", "0", 1, 0)]
    public void Limits_Percentages_RoundUpNeverBothZero(int desired, string unavailable, string surge, int expectedUnavailable, int expectedSurge)
    {
        var rolling = new RollingUpdateDaemonSet { MaxUnavailable = Parse(unavailable), MaxSurge = Parse(surge) };
        Assert.Equal((expectedUnavailable, expectedSurge), DaemonSetPlanner.Limits(rolling, desired));
    }

    private static IntOrString Parse(string text) => text.EndsWith('%') ? new IntOrString(text) : new IntOrString(int.Parse(text, System.Globalization.CultureInfo.InvariantCulture));

    internal static DaemonSet DaemonSet(Dictionary<string, string>? nodeSelector = null, RollingUpdateDaemonSet? rolling = null) => new()
    {
        Metadata = new ObjectMeta { Name = "collector", Namespace = "ns", Uid = "ds-uid", Generation = 1 },
        Spec = new DaemonSetSpec
        {
            Selector = new LabelSelector { MatchLabels = new() { ["app"] = "collector" } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new() { ["app"] = "collector" } },
                Spec = new PodSpec { NodeSelector = nodeSelector, Containers = [new Container { Name = "c", Image = "collector:1" }] },
            },
            UpdateStrategy = new DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = rolling ?? new RollingUpdateDaemonSet { MaxUnavailable = 1, MaxSurge = 0 } },
        },
    };

    private static Node Node(string name, Dictionary<string, string>? labels = null, Taint? taint = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = labels },
        Spec = new NodeSpec { Taints = taint is null ? null : [taint] },
    };

    private static Pod Pod(string name, string node, string hash, bool ready = true) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "ns", CreationTimestamp = Now.AddMinutes(-5), Labels = new() { ["app"] = "collector", [DaemonSetPlanner.HashLabel] = hash } },
        Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "c", Image = "collector:1" }] },
        Status = new PodStatus
        {
            Phase = "Running",
            Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = Now.AddMinutes(-4) }],
        },
    };
}
