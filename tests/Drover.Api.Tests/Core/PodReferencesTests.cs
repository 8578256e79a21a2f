namespace Drover.Api.Tests;

public sealed class PodReferencesTests
{
    [Fact]
    public void Of_ImagePullSecrets_EachSecretOnceInOrder()
    {
        var spec = new PodSpec
        {
            Containers = [new Container { Name = "app", Env = [new EnvVar { Name = "MODE", Value = "edge" }] }],
            InitContainers = [new Container { Name = "init" }],
            ImagePullSecrets = [new LocalObjectReference { Name = "registry-a" }, new LocalObjectReference { Name = "" }, new LocalObjectReference { Name = "registry-b" }],
        };

        Assert.Equal(
            [new PodReference(ResourceTypes.Secrets, "registry-a"), new PodReference(ResourceTypes.Secrets, "registry-b")],
            PodReferences.Of(spec));
    }

    [Fact]
    public void Of_LiteralEnvOnly_Nothing() =>
        Assert.Empty(PodReferences.Of(new PodSpec { Containers = [new Container { Name = "app", Env = [new EnvVar { Name = "A", Value = "1" }] }] }));
}
