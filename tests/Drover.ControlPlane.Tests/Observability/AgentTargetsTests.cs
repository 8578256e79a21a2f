using Drover.Api;
using Drover.Api.Client;

namespace Drover.ControlPlane.Observability.Tests;

public sealed class AgentTargetsTests
{
    [Fact]
    public void From_LoopbackMetricsAddress_TargetAsPublished()
    {
        var group = Assert.Single(AgentTargets.From([NodeWith("edge-1", "127.0.0.1:9101")]));
        Assert.Equal(["127.0.0.1:9101"], group.Targets);
        Assert.Equal("edge-1", group.Labels["__meta_drover_node_name"]);
    }

    [Fact]
    public void From_WildcardMetricsAddress_NodeInternalIpWithThePort()
    {
        Assert.Equal("10.0.0.7:9101", AgentTargets.Target(NodeWith("edge-1", "0.0.0.0:9101")));
        Assert.Equal("[fd00::7]:9101", AgentTargets.Target(NodeWith("edge-1", "[::]:9101", internalIp: "fd00::7")));
    }

    [Fact]
    public void From_WildcardWithoutAddresses_NodeLeftOut()
    {
        var node = NodeWith("edge-1", "0.0.0.0:9101") with { Status = new NodeStatus() };
        Assert.Empty(AgentTargets.From([node]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("localhost:9101")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    public void From_NoOrUnusableAnnotation_NodeLeftOutOthersKept(string? published)
    {
        var groups = AgentTargets.From([NodeWith("bad", published), NodeWith("good", "127.0.0.1:9102")]);
        Assert.Equal("good", Assert.Single(groups).Labels["__meta_drover_node_name"]);
    }

    [Fact]
    public void From_NodeLabelsAddressesAndState_KubernetesSdShapedLabels()
    {
        var node = NodeWith("edge-1", "127.0.0.1:9101", ready: "False") with
        {
            Spec = new NodeSpec { Unschedulable = true, ProviderID = "drover://edge-1" },
        };
        node = node with { Metadata = node.Metadata with { Labels = new() { ["kubernetes.io/arch"] = "arm64", ["zone"] = "a" } } };

        var labels = Assert.Single(AgentTargets.From([node])).Labels;

        Assert.Equal("arm64", labels["__meta_drover_node_label_kubernetes_io_arch"]);
        Assert.Equal("true", labels["__meta_drover_node_labelpresent_kubernetes_io_arch"]);
        Assert.Equal("a", labels["__meta_drover_node_label_zone"]);
        Assert.Equal("10.0.0.7", labels["__meta_drover_node_address_InternalIP"]);
        Assert.Equal("edge-1", labels["__meta_drover_node_address_Hostname"]);
        Assert.Equal("false", labels["__meta_drover_node_ready"]);
        Assert.Equal("true", labels["__meta_drover_node_unschedulable"]);
        Assert.Equal("drover://edge-1", labels["__meta_drover_node_provider_id"]);
        // Prometheus rejects a target group whose label names are not [a-zA-Z_][a-zA-Z0-9_]*.
        Assert.All(labels.Keys, name => Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", name));
    }

    [Fact]
    public void From_NoStatusYet_ReadyUnknown()
    {
        var node = NodeWith("edge-1", "127.0.0.1:9101") with { Status = null };
        Assert.Equal("unknown", Assert.Single(AgentTargets.From([node])).Labels["__meta_drover_node_ready"]);
    }

    private static Node NodeWith(string name, string? metricsAddress, string internalIp = "10.0.0.7", string ready = "True") => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new ObjectMeta
        {
            Name = name,
            Annotations = metricsAddress is null ? null : new() { [NodeServing.MetricsAddressAnnotation] = metricsAddress },
        },
        Status = new NodeStatus
        {
            Addresses = [new NodeAddress { Type = "InternalIP", Address = internalIp }, new NodeAddress { Type = "Hostname", Address = name }],
            Conditions = [new NodeCondition { Type = "Ready", Status = ready }],
        },
    };
}
