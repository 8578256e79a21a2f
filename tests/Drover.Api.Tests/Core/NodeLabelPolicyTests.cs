namespace Drover.Api.Tests;

public sealed class NodeLabelPolicyTests
{
    [Theory]
    [InlineData("kubernetes.io/hostname")]
    [InlineData("kubernetes.io/os")]
    [InlineData("kubernetes.io/arch")]
    [InlineData("beta.kubernetes.io/arch")]
    [InlineData("topology.kubernetes.io/zone")]
    [InlineData("topology.kubernetes.io/region")]
    [InlineData("failure-domain.beta.kubernetes.io/zone")]
    [InlineData("node.kubernetes.io/instance-type")]
    [InlineData("beta.kubernetes.io/instance-type")]
    [InlineData("node.kubernetes.io/anything")]
    [InlineData("kubelet.kubernetes.io/anything")]
    [InlineData("sub.node.kubernetes.io/anything")]
    [InlineData("drover.io/test")]
    [InlineData("example.com/disk")]
    [InlineData("zone")]
    public void IsSelfSettable_KubeletLabelOrForeignNamespace_True(string key) =>
        Assert.True(NodeLabelPolicy.IsSelfSettable(key));

    [Theory]
    [InlineData("node-role.kubernetes.io/control-plane")]
    [InlineData("node-role.kubernetes.io/worker")]
    [InlineData("node-restriction.kubernetes.io/pci")]
    [InlineData("example.node-restriction.kubernetes.io/pci")]
    [InlineData("kubernetes.io/role")]
    [InlineData("topology.kubernetes.io/rack")]
    [InlineData("k8s.io/anything")]
    [InlineData("storage.k8s.io/anything")]
    [InlineData("example.kubernetes.io/anything")]
    public void IsSelfSettable_OtherKubernetesOrRestrictedLabel_False(string key) =>
        Assert.False(NodeLabelPolicy.IsSelfSettable(key));

    [Fact]
    public void Rule_NamesTheRestrictedNamespaceAndTheAllowedOnes()
    {
        Assert.Contains("node-restriction.kubernetes.io", NodeLabelPolicy.Rule, StringComparison.Ordinal);
        Assert.Contains("kubernetes.io/hostname", NodeLabelPolicy.Rule, StringComparison.Ordinal);
        Assert.Contains("node.kubernetes.io", NodeLabelPolicy.Rule, StringComparison.Ordinal);
    }
}
