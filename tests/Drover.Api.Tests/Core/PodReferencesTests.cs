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

    [Fact]
    public void Of_VolumesAndEnv_EverySecretAndConfigMapTheAgentReads()
    {
        var spec = new PodSpec
        {
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Env =
                    [
                        new EnvVar { Name = "A", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "env-secret", Key = "k" } } },
                        new EnvVar { Name = "B", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "env-config", Key = "k" } } },
                    ],
                    EnvFrom = [new EnvFromSource { SecretRef = new SecretEnvSource { Name = "from-secret" } }, new EnvFromSource { ConfigMapRef = new ConfigMapEnvSource { Name = "from-config" } }],
                },
            ],
            Volumes =
            [
                new Volume { Name = "s", Secret = new SecretVolumeSource { SecretName = "vol-secret" } },
                new Volume { Name = "c", ConfigMap = new ConfigMapVolumeSource { Name = "vol-config" } },
                new Volume { Name = "p", Projected = new ProjectedVolumeSource { Sources = [new VolumeProjection { Secret = new SecretProjection { Name = "proj-secret" } }, new VolumeProjection { ConfigMap = new ConfigMapProjection { Name = "proj-config" } }] } },
                new Volume { Name = "e", EmptyDir = new EmptyDirVolumeSource() },
            ],
        };

        Assert.Equal(
            [
                new PodReference(ResourceTypes.Secrets, "env-secret"), new PodReference(ResourceTypes.ConfigMaps, "env-config"),
                new PodReference(ResourceTypes.Secrets, "from-secret"), new PodReference(ResourceTypes.ConfigMaps, "from-config"),
                new PodReference(ResourceTypes.Secrets, "vol-secret"), new PodReference(ResourceTypes.ConfigMaps, "vol-config"),
                new PodReference(ResourceTypes.Secrets, "proj-secret"), new PodReference(ResourceTypes.ConfigMaps, "proj-config"),
            ],
            PodReferences.Of(spec));
    }
}
