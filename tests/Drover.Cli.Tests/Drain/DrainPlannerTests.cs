using Drover.Api;
using Drover.Cli.Drain;

namespace Drover.Cli.Drain.Tests;

public sealed class DrainPlannerTests
{
    private static Pod Pod(string name, string? ownerKind = "ReplicaSet", string ns = "default", string? phase = "Running", Dictionary<string, string>? annotations = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = ns,
            Uid = name + "-uid",
            Annotations = annotations,
            OwnerReferences = ownerKind is null ? null : [new OwnerReference { Kind = ownerKind, Name = "owner", Uid = "o", Controller = true }],
        },
        Spec = new PodSpec { NodeName = "node-1" },
        Status = new PodStatus { Phase = phase },
    };

    [Fact]
    public void Plan_ControllerOwnedPods_AllEvicted()
    {
        var plan = DrainPlanner.Plan([Pod("a"), Pod("b", ns: "other")], force: false, ignoreDaemonSets: false);
        Assert.Equal(["a", "b"], plan.ToEvict.Select(p => p.Metadata.Name));
        Assert.Empty(plan.Errors);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Plan_UnmanagedWithoutForce_ErrorListsThemAll()
    {
        var plan = DrainPlanner.Plan([Pod("a"), Pod("bare", ownerKind: null), Pod("solo", ownerKind: null, ns: "x")], force: false, ignoreDaemonSets: false);
        Assert.Equal("cannot delete Pods declare no controller (use --force to override): default/bare, x/solo", plan.ErrorText);
    }

    [Fact]
    public void Plan_UnmanagedWithForce_EvictedWithWarning()
    {
        var plan = DrainPlanner.Plan([Pod("bare", ownerKind: null)], force: true, ignoreDaemonSets: false);
        Assert.Equal(["bare"], plan.ToEvict.Select(p => p.Metadata.Name));
        Assert.Equal("deleting Pods that declare no controller: default/bare", plan.WarningText);
    }

    [Fact]
    public void Plan_UnmanagedButFinished_EvictedWithoutForce()
    {
        var plan = DrainPlanner.Plan([Pod("job", ownerKind: null, phase: "Succeeded")], force: false, ignoreDaemonSets: false);
        Assert.Single(plan.ToEvict);
        Assert.Empty(plan.Errors);
    }

    [Fact]
    public void Plan_MirrorPod_SkippedSilently()
    {
        var plan = DrainPlanner.Plan([Pod("static", ownerKind: null, annotations: new() { [DrainPlanner.MirrorPodAnnotation] = "x" })], force: false, ignoreDaemonSets: false);
        Assert.Empty(plan.ToEvict);
        Assert.Empty(plan.Errors);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Plan_DaemonSetPod_ErrorUnlessIgnored()
    {
        Assert.Equal("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds",
            DrainPlanner.Plan([Pod("ds", ownerKind: "DaemonSet")], force: true, ignoreDaemonSets: false).ErrorText);
        var ignored = DrainPlanner.Plan([Pod("ds", ownerKind: "DaemonSet")], force: false, ignoreDaemonSets: true);
        Assert.Empty(ignored.ToEvict);
        Assert.Equal("ignoring DaemonSet-managed Pods: default/ds", ignored.WarningText);
    }

    [Fact]
    public void Plan_TwoKindsOfError_AggregatedInBrackets()
    {
        var plan = DrainPlanner.Plan([Pod("ds", ownerKind: "DaemonSet"), Pod("bare", ownerKind: null)], force: false, ignoreDaemonSets: false);
        Assert.Equal(
            "[cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds, cannot delete Pods declare no controller (use --force to override): default/bare]",
            plan.ErrorText);
    }
}
