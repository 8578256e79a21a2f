using Drover.Api;
using Drover.Api.Client;

namespace Drover.Agent.Node.Tests;

public sealed class NodeRegistrationTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["kubernetes.io/hostname"] = "edge-1", ["zone"] = "a" };

    [Fact]
    public void Reconcile_NoNode_NewNodeWithLabelsTaintsAndOwnership()
    {
        var node = NodeRegistration.Reconcile(null, "edge-1", Labels, [new Taint { Key = "gpu", Effect = "NoSchedule" }])!;

        Assert.Equal("edge-1", node.Metadata.Name);
        Assert.Equal("a", node.Metadata.Labels!["zone"]);
        Assert.Equal("gpu", Assert.Single(node.Spec.Taints!).Key);
        Assert.Equal("kubernetes.io/hostname,zone", node.Metadata.Annotations![NodeRegistration.OwnedLabelsAnnotation]);
    }

    [Fact]
    public void Reconcile_AlreadyAsDesired_Null()
    {
        var node = NodeRegistration.Reconcile(null, "edge-1", Labels, [])!;

        Assert.Null(NodeRegistration.Reconcile(node, "edge-1", Labels, []));
    }

    [Fact]
    public void Reconcile_FlagRemoved_RemovesOwnedLabelKeepsOperatorOnesAndEveryTaint()
    {
        var before = NodeRegistration.Reconcile(null, "edge-1", Labels, [new Taint { Key = "gpu", Effect = "NoSchedule" }])!;
        before = before with
        {
            Metadata = before.Metadata with { Labels = new(before.Metadata.Labels!) { ["owner"] = "ops" } },
            Spec = before.Spec with { Taints = [.. before.Spec.Taints!, new Taint { Key = "maintenance", Effect = "NoExecute" }] },
        };

        var after = NodeRegistration.Reconcile(before, "edge-1", new Dictionary<string, string> { ["kubernetes.io/hostname"] = "edge-1" }, [])!;

        Assert.False(after.Metadata.Labels!.ContainsKey("zone"));
        Assert.Equal("ops", after.Metadata.Labels["owner"]);
        // Taints are the node's at registration only: droverd refuses a node that changes them afterwards.
        Assert.Equal(before.Spec.Taints, after.Spec.Taints);
    }

    [Fact]
    public void Reconcile_OnlyTaintFlagsChanged_NothingToWrite()
    {
        var node = NodeRegistration.Reconcile(null, "edge-1", Labels, [new Taint { Key = "gpu", Effect = "NoSchedule" }])!;

        Assert.Null(NodeRegistration.Reconcile(node, "edge-1", Labels, [new Taint { Key = "spot", Effect = "PreferNoSchedule" }]));
    }

    [Fact]
    public void TaintDifference_FlagsChangedAfterRegistration_NamesMissingAndNoLongerWanted()
    {
        var node = NodeRegistration.Reconcile(null, "edge-1", Labels, [new Taint { Key = "gpu", Effect = "NoSchedule" }])!;
        node = node with { Spec = node.Spec with { Taints = [.. node.Spec.Taints!, new Taint { Key = "maintenance", Effect = "NoExecute" }] } };

        var (missing, unwanted) = NodeRegistration.TaintDifference(node, [new Taint { Key = "spot", Value = "yes", Effect = "PreferNoSchedule" }]);

        Assert.Equal(["spot=yes:PreferNoSchedule"], missing);
        Assert.Equal(["gpu=:NoSchedule"], unwanted);
        var same = NodeRegistration.TaintDifference(node, [new Taint { Key = "gpu", Effect = "NoSchedule" }]);
        Assert.Empty(same.Missing);
        Assert.Empty(same.Unwanted);
    }

    [Fact]
    public void Reconcile_ServingCertificateHash_PublishedThenReplacedThenRemoved()
    {
        var created = NodeRegistration.Reconcile(null, "edge-1", Labels, [], "aa")!;
        Assert.Equal("aa", created.Metadata.Annotations![NodeServing.CertificateHashAnnotation]);
        Assert.Null(NodeRegistration.Reconcile(created, "edge-1", Labels, [], "aa"));

        var replaced = NodeRegistration.Reconcile(created, "edge-1", Labels, [], "bb")!;
        Assert.Equal("bb", replaced.Metadata.Annotations![NodeServing.CertificateHashAnnotation]);

        // Serving turned off: no stale pin may stay behind for droverd to trust.
        var off = NodeRegistration.Reconcile(replaced, "edge-1", Labels, [], null)!;
        Assert.False(off.Metadata.Annotations!.ContainsKey(NodeServing.CertificateHashAnnotation));
    }

    [Fact]
    public void Reconcile_MetricsAddress_PublishedThenRemovedWhenMetricsOff()
    {
        var created = NodeRegistration.Reconcile(null, "edge-1", Labels, [], null, "127.0.0.1:9101")!;
        Assert.Equal("127.0.0.1:9101", created.Metadata.Annotations![NodeServing.MetricsAddressAnnotation]);
        Assert.Null(NodeRegistration.Reconcile(created, "edge-1", Labels, [], null, "127.0.0.1:9101"));

        // Metrics turned off: Prometheus' service discovery must not keep scraping a port nothing listens on.
        var off = NodeRegistration.Reconcile(created, "edge-1", Labels, [], null, null)!;
        Assert.False(off.Metadata.Annotations!.ContainsKey(NodeServing.MetricsAddressAnnotation));
    }
}
