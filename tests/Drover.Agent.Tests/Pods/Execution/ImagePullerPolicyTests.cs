namespace Drover.Agent.Pods.Execution.Tests;

/// <summary>The pull policy a container gets when its spec names none (Kubernetes' defaulting): "latest", said or implied, is pulled every time.</summary>
public sealed class ImagePullerPolicyTests
{
    [Theory]
    [InlineData("busybox", "Always")]
    [InlineData("busybox:latest", "Always")]
    [InlineData("registry.lan:5000/team/app", "Always")]
    [InlineData("registry.lan:5000/team/app:latest", "Always")]
    [InlineData("my-app:v1.0", "IfNotPresent")]
    [InlineData("registry.lan:5000/team/app:v2", "IfNotPresent")]
    [InlineData("registry.lan:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent")]
    [InlineData("app:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent")]
    public void DefaultPullPolicy_ByTag_AsKubernetesDefaults(string image, string expected)
    {
        Assert.Equal(expected, ImagePuller.DefaultPullPolicy(image));
    }
}
