using Drover.Api;

namespace Drover.ControlPlane.Auth.Tests;

public sealed class NodeRestrictionTests
{
    private static readonly NodeRestriction Restriction = new();
    private static readonly Principal NodeA = Principal.ForNode("edge-a");

    private static readonly Taint Unreachable = new() { Key = "node.kubernetes.io/unreachable", Effect = "NoExecute", TimeAdded = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) };

    /// <summary>A Node as droverd stores an agent's: kubelet labels, the agent's annotations, a podCIDR droverd gave it.</summary>
    private static Node Registered(string name = "edge-a") => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new ObjectMeta
        {
            Name = name,
            ResourceVersion = "7",
            Labels = new() { ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux", ["drover.io/test"] = "node" },
            Annotations = new() { ["drover.io/agent-labels"] = "drover.io/test,kubernetes.io/hostname,kubernetes.io/os", ["drover.io/metrics-address"] = "127.0.0.1:9101" },
        },
        Spec = new NodeSpec { PodCIDR = "10.42.3.0/24", PodCIDRs = ["10.42.3.0/24"], Taints = [new Taint { Key = "drover.io/test", Value = "yes", Effect = "PreferNoSchedule" }] },
    };

    private static IReadOnlyList<FieldError> Create(Principal who, KubeObject obj) =>
        Restriction.Admit(who, "create", TypeOf(obj), null, null, obj);

    private static IReadOnlyList<FieldError> Update(KubeObject old, KubeObject updated, string? subresource = null) =>
        Restriction.Admit(NodeA, "update", TypeOf(old), subresource, old, updated);

    private static ResourceType TypeOf(KubeObject obj) => ResourceTypes.FindByKind(obj.GetType().Name)!;

    private static Node WithLabel(Node node, string key, string value) =>
        node with { Metadata = node.Metadata with { Labels = new(node.Metadata.Labels!) { [key] = value } } };

    private static Node WithTaints(Node node, params Taint[] taints) => node with { Spec = node.Spec with { Taints = [.. taints] } };

    private static string Fields(IReadOnlyList<FieldError> errors) => string.Join(" | ", errors.Select(e => e.Field));

    [Fact]
    public void Admit_NotANode_NothingRestricted()
    {
        var other = Registered("edge-b");
        var relabelled = WithLabel(other, "node-role.kubernetes.io/control-plane", "");
        Assert.Empty(Restriction.Admit(Principal.Admin, "update", ResourceTypes.Nodes, null, other, relabelled));
        Assert.Empty(Restriction.Admit(Principal.Ingress, "create", ResourceTypes.Pods, null, null, new Pod()));
    }

    [Fact]
    public void Admit_CreateOwnNodeWithKubeletLabelsAndTaints_Allowed()
    {
        var node = Registered() with { Spec = Registered().Spec with { PodCIDR = null, PodCIDRs = null } };
        Assert.Empty(Create(NodeA, WithLabel(node, "topology.kubernetes.io/zone", "a")));
    }

    [Theory]
    [InlineData("node-role.kubernetes.io/control-plane")]
    [InlineData("node-restriction.kubernetes.io/pci")]
    [InlineData("kubernetes.io/role")]
    public void Admit_CreateWithRestrictedLabel_ForbiddenNamingIt(string label)
    {
        var node = Registered() with { Spec = new NodeSpec() };
        var errors = Create(NodeA, WithLabel(node, label, "true"));
        var error = Assert.Single(errors);
        Assert.Equal($"metadata.labels[{label}]", error.Field);
        Assert.Contains(label, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Admit_CreateAnotherNode_Forbidden()
    {
        var error = Assert.Single(Create(NodeA, Registered("edge-b") with { Spec = new NodeSpec() }));
        Assert.Equal("metadata.name", error.Field);
        Assert.Contains("may not modify node \"edge-b\"", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Admit_CreateWithChosenPodCidr_Forbidden() =>
        Assert.Equal("spec.podCIDR | spec.podCIDRs", Fields(Create(NodeA, Registered())));

    [Fact]
    public void Admit_CreateWithOwnerOrFinalizer_Forbidden()
    {
        var node = Registered() with { Spec = new NodeSpec() };
        node = node with { Metadata = node.Metadata with { OwnerReferences = [new OwnerReference { ApiVersion = "v1", Kind = "Namespace", Name = "kube-system", Uid = "u" }], Finalizers = ["example.com/keep"] } };
        Assert.Equal("metadata.ownerReferences | metadata.finalizers", Fields(Create(NodeA, node)));
    }

    [Theory]
    [InlineData("node-role.kubernetes.io/worker")]
    [InlineData("node-restriction.kubernetes.io/pci")]
    public void Admit_UpdateAddsRestrictedLabel_Forbidden(string label)
    {
        var error = Assert.Single(Update(Registered(), WithLabel(Registered(), label, "")));
        Assert.Equal($"metadata.labels[{label}]", error.Field);
        Assert.Contains($"may not modify label {label}", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Admit_UpdateKeepsOperatorsRestrictedLabel_AllowedRemovingIt_Forbidden()
    {
        var labelled = WithLabel(Registered(), "node-role.kubernetes.io/edge", "");
        var touched = labelled with { Metadata = labelled.Metadata with { Annotations = new(labelled.Metadata.Annotations!) { ["drover.io/metrics-address"] = "127.0.0.1:9102" } } };
        Assert.Empty(Update(labelled, touched));
        Assert.Equal("metadata.labels[node-role.kubernetes.io/edge]", Fields(Update(labelled, Registered())));
    }

    [Fact]
    public void Admit_UpdateOwnKubeletAndForeignLabels_Allowed() =>
        Assert.Empty(Update(Registered(), WithLabel(WithLabel(Registered(), "topology.kubernetes.io/zone", "b"), "example.com/disk", "ssd")));

    [Fact]
    public void Admit_UpdateAddsTaint_Forbidden()
    {
        var error = Assert.Single(Update(Registered(), WithTaints(Registered(), [.. Registered().Spec.Taints!, new Taint { Key = "gpu", Effect = "NoSchedule" }])));
        Assert.Equal("spec.taints", error.Field);
        Assert.Contains("may not modify its taints", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Admit_UpdateRemovesUnreachableTaint_Forbidden()
    {
        var tainted = WithTaints(Registered(), [.. Registered().Spec.Taints!, Unreachable]);
        Assert.Equal("spec.taints", Fields(Update(tainted, Registered())));
        Assert.Equal("spec.taints", Fields(Update(tainted, WithTaints(Registered()))));
        Assert.Equal("spec.taints", Fields(Update(tainted, tainted with { Spec = tainted.Spec with { Taints = null } })));
    }

    [Fact]
    public void Admit_UpdateSameTaintsOtherOrder_Allowed()
    {
        var tainted = WithTaints(Registered(), [.. Registered().Spec.Taints!, Unreachable]);
        Assert.Empty(Update(tainted, WithTaints(Registered(), Unreachable, Registered().Spec.Taints![0])));
    }

    [Fact]
    public void Admit_UpdatePodCidrProviderOwnersFinalizers_Forbidden()
    {
        var node = Registered();
        var changed = node with
        {
            Metadata = node.Metadata with { OwnerReferences = [new OwnerReference { ApiVersion = "v1", Kind = "Node", Name = "edge-b", Uid = "u" }], Finalizers = ["example.com/keep"] },
            Spec = node.Spec with { PodCIDR = "10.42.9.0/24", PodCIDRs = ["10.42.9.0/24"], ProviderID = "drover://edge-a" },
        };
        Assert.Equal("metadata.ownerReferences | metadata.finalizers | spec.podCIDR | spec.podCIDRs | spec.providerID", Fields(Update(node, changed)));
    }

    private static Node Cordoned(Node node, string? mark) => node with
    {
        Metadata = node.Metadata with { Annotations = mark is null ? node.Metadata.Annotations : new(node.Metadata.Annotations!) { [NodeRestriction.CordonAnnotation] = mark } },
        Spec = node.Spec with { Unschedulable = true },
    };

    [Fact]
    public void Admit_ShutdownCordonAndItsUndo_Allowed()
    {
        var cordoned = Cordoned(Registered(), NodeRestriction.CordonShutdown);
        Assert.Empty(Update(Registered(), cordoned));
        Assert.Empty(Update(cordoned, Registered() with { Spec = Registered().Spec with { Unschedulable = null } }));
        Assert.Empty(Update(cordoned, Registered() with { Spec = Registered().Spec with { Unschedulable = false } }));
    }

    [Fact]
    public void Admit_CordonWithoutShutdownMark_Forbidden() =>
        Assert.Equal("spec.unschedulable", Fields(Update(Registered(), Cordoned(Registered(), null))));

    [Fact]
    public void Admit_LiftOperatorsCordon_Forbidden()
    {
        var byOperator = Cordoned(Registered(), null);
        var error = Assert.Single(Update(byOperator, Registered()));
        Assert.Equal("spec.unschedulable", error.Field);
        Assert.Contains("may only lift a cordon it set for a shutdown", error.Detail, StringComparison.Ordinal);
        // Claiming the operator's cordon as its own first is refused too.
        Assert.Equal($"metadata.annotations[{NodeRestriction.CordonAnnotation}]", Fields(Update(byOperator, Cordoned(Registered(), NodeRestriction.CordonShutdown))));
    }

    [Fact]
    public void Admit_StatusUpdateOfOwnNode_Allowed()
    {
        var tainted = WithTaints(Registered(), Unreachable);
        var reported = tainted with { Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = "True" }] } };
        Assert.Empty(Update(tainted, reported, "status"));
    }

    [Fact]
    public void Admit_UpdateAnotherNode_Forbidden() =>
        Assert.Equal("metadata.name", Fields(Update(Registered("edge-b"), Registered("edge-b"), "status")));

    [Fact]
    public void Admit_DeleteOwnNode_Forbidden() =>
        Assert.Equal("metadata.name", Fields(Restriction.Admit(NodeA, "delete", ResourceTypes.Nodes, null, Registered(), null)));

    private static Pod BoundPod(string node) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = "web", Namespace = "default", Labels = new() { ["app"] = "web" } },
        Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] },
    };

    [Fact]
    public void Admit_PodStatusOfBoundPod_AllowedOfOthers_Forbidden()
    {
        var mine = BoundPod("edge-a");
        Assert.Empty(Update(mine, mine with { Status = new PodStatus { Phase = "Running" } }, "status"));
        var theirs = BoundPod("edge-b");
        var error = Assert.Single(Update(theirs, theirs with { Status = new PodStatus { Phase = "Running" } }, "status"));
        Assert.Equal("spec.nodeName", error.Field);
    }

    [Fact]
    public void Admit_PodSpecUpdateOrCreate_Forbidden()
    {
        var mine = BoundPod("edge-a");
        Assert.Equal("spec", Fields(Update(mine, mine with { Metadata = mine.Metadata with { Labels = new() { ["app"] = "other" } } })));
        Assert.Equal("metadata.name", Fields(Create(NodeA, mine)));
    }

    [Fact]
    public void Admit_DeletePods_OnlyBoundOnes()
    {
        Assert.Empty(Restriction.Admit(NodeA, "delete", ResourceTypes.Pods, null, BoundPod("edge-a"), null));
        Assert.Equal("spec.nodeName", Fields(Restriction.Admit(NodeA, "delete", ResourceTypes.Pods, null, BoundPod("edge-b"), null)));
    }

    private static Lease NodeLease(string ns, string name) => new()
    {
        ApiVersion = "coordination.k8s.io/v1",
        Kind = "Lease",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
    };

    [Fact]
    public void Admit_Lease_OnlyItsOwnInNodeLeaseNamespace()
    {
        Assert.Empty(Create(NodeA, NodeLease("kube-node-lease", "edge-a")));
        Assert.Equal("metadata.name", Fields(Create(NodeA, NodeLease("kube-node-lease", "edge-b"))));
        Assert.Equal("metadata.namespace", Fields(Create(NodeA, NodeLease("kube-system", "edge-a"))));
        Assert.Equal("metadata.name", Fields(Update(NodeLease("kube-node-lease", "edge-b"), NodeLease("kube-node-lease", "edge-b"))));
    }

    /// <summary>The event the agent's EventRecorder writes.</summary>
    private static Event AgentEvent(string host, string kind = "Pod", string name = "web") => new()
    {
        ApiVersion = "v1",
        Kind = "Event",
        Metadata = new ObjectMeta { Name = name + ".abc", Namespace = "default" },
        InvolvedObject = new ObjectReference { ApiVersion = "v1", Kind = kind, Namespace = kind == "Pod" ? "default" : null, Name = name },
        Reason = "Started",
        Source = new EventSource { Component = "drover-agent", Host = host },
        ReportingComponent = "drover-agent",
        ReportingInstance = host,
    };

    [Fact]
    public void Admit_EventsReportedAsItself_Allowed()
    {
        Assert.Empty(Create(NodeA, AgentEvent("edge-a")));
        Assert.Empty(Create(NodeA, AgentEvent("edge-a", "Node", "edge-a")));
        Assert.Empty(Update(AgentEvent("edge-a"), AgentEvent("edge-a") with { Count = 2 }));
    }

    [Fact]
    public void Admit_EventsForged_Forbidden()
    {
        Assert.Equal("reportingInstance", Fields(Create(NodeA, AgentEvent("edge-b"))));
        Assert.Equal("source.host", Fields(Create(NodeA, AgentEvent("edge-a") with { ReportingInstance = null, Source = null })));
        Assert.Equal("involvedObject", Fields(Create(NodeA, AgentEvent("edge-a", "Node", "edge-b"))));
        Assert.Equal("involvedObject", Fields(Create(NodeA, AgentEvent("edge-a", "Deployment", "web"))));
        var droverds = AgentEvent("edge-a") with { Source = new EventSource { Component = "default-scheduler" }, ReportingInstance = "droverd" };
        Assert.Equal("reportingInstance | reportingInstance", Fields(Update(droverds, droverds)));
    }
}
