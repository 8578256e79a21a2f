namespace Drover.Api.Tests;

public sealed class VolumeValidationTests
{
    private static Pod PodWith(List<Volume> volumes, params VolumeMount[] mounts) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
        Spec = new PodSpec
        {
            Containers = [new Container { Name = "app", Image = "my-app:v1.0", VolumeMounts = [.. mounts] }],
            Volumes = volumes,
        },
    };

    private static IReadOnlyList<FieldError> Validate(List<Volume> volumes, params VolumeMount[] mounts) =>
        ObjectValidator.Validate(PodWith(volumes, mounts));

    [Fact]
    public void Validate_EverySourceWithMounts_Accepted()
    {
        var errors = Validate(
            [
                new Volume { Name = "scratch", EmptyDir = new EmptyDirVolumeSource() },
                new Volume { Name = "cache", EmptyDir = new EmptyDirVolumeSource { Medium = "Memory", SizeLimit = Quantity.Parse("64Mi") } },
                new Volume { Name = "tty", HostPath = new HostPathVolumeSource { Path = "/dev/ttyUSB0", Type = "CharDevice" } },
                new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = "app-config", Items = [new KeyToPath { Key = "app.yaml", Path = "conf/app.yaml", Mode = 256 }], DefaultMode = 420 } },
                new Volume { Name = "creds", Secret = new SecretVolumeSource { SecretName = "creds", Optional = true } },
                new Volume { Name = "info", DownwardAPI = new DownwardAPIVolumeSource { Items = [new DownwardAPIVolumeFile { Path = "labels", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.labels" } }, new DownwardAPIVolumeFile { Path = "cpu", ResourceFieldRef = new ResourceFieldSelector { ContainerName = "app", Resource = "limits.cpu" } }] } },
                new Volume
                {
                    Name = "all",
                    Projected = new ProjectedVolumeSource
                    {
                        Sources =
                        [
                            new VolumeProjection { Secret = new SecretProjection { Name = "creds" } },
                            new VolumeProjection { ConfigMap = new ConfigMapProjection { Name = "app-config", Items = [new KeyToPath { Key = "a", Path = "a" }] } },
                            new VolumeProjection { DownwardAPI = new DownwardAPIProjection { Items = [new DownwardAPIVolumeFile { Path = "name", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.annotations['x.io/y']" } }] } },
                        ],
                    },
                },
            ],
            new VolumeMount { Name = "scratch", MountPath = "/scratch" },
            new VolumeMount { Name = "config", MountPath = "/etc/app", ReadOnly = true },
            new VolumeMount { Name = "config", MountPath = "/etc/app.yaml", SubPath = "conf/app.yaml" },
            new VolumeMount { Name = "tty", MountPath = "/dev/ttyUSB0", MountPropagation = "HostToContainer" });
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("no source", "spec.volumes[0]", FieldErrorType.Required)]
    [InlineData("two sources", "spec.volumes[0]", FieldErrorType.Forbidden)]
    [InlineData("bad name", "spec.volumes[0].name", FieldErrorType.Invalid)]
    [InlineData("duplicate name", "spec.volumes[1].name", FieldErrorType.Duplicate)]
    [InlineData("medium", "spec.volumes[0].emptyDir.medium", FieldErrorType.NotSupported)]
    [InlineData("negative size", "spec.volumes[0].emptyDir.sizeLimit", FieldErrorType.Invalid)]
    [InlineData("hostPath without path", "spec.volumes[0].hostPath.path", FieldErrorType.Required)]
    [InlineData("hostPath backstep", "spec.volumes[0].hostPath.path", FieldErrorType.Invalid)]
    [InlineData("hostPath type", "spec.volumes[0].hostPath.type", FieldErrorType.NotSupported)]
    [InlineData("configMap without name", "spec.volumes[0].configMap.name", FieldErrorType.Required)]
    [InlineData("secret without name", "spec.volumes[0].secret.secretName", FieldErrorType.Required)]
    [InlineData("mode too large", "spec.volumes[0].secret.defaultMode", FieldErrorType.Invalid)]
    [InlineData("absolute item path", "spec.volumes[0].configMap.items[0].path", FieldErrorType.Invalid)]
    [InlineData("item path backstep", "spec.volumes[0].configMap.items[0].path", FieldErrorType.Invalid)]
    [InlineData("item path ..data", "spec.volumes[0].configMap.items[0].path", FieldErrorType.Invalid)]
    [InlineData("item key", "spec.volumes[0].configMap.items[0].key", FieldErrorType.Invalid)]
    [InlineData("downward field", "spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath", FieldErrorType.NotSupported)]
    [InlineData("downward resource without container", "spec.volumes[0].downwardAPI.items[0].resourceFieldRef.containerName", FieldErrorType.Required)]
    [InlineData("downward resource unknown container", "spec.volumes[0].downwardAPI.items[0].resourceFieldRef.containerName", FieldErrorType.NotFound)]
    [InlineData("projected two kinds", "spec.volumes[0].projected.sources[0]", FieldErrorType.Forbidden)]
    [InlineData("projected same file twice", "spec.volumes[0].projected.sources[1].configMap.items[0].path", FieldErrorType.Duplicate)]
    public void Validate_BadVolume_RefusedNamingTheField(string scenario, string field, FieldErrorType type)
    {
        List<Volume> volumes = scenario switch
        {
            "no source" => [new Volume { Name = "v" }],
            "two sources" => [new Volume { Name = "v", EmptyDir = new(), HostPath = new HostPathVolumeSource { Path = "/tmp" } }],
            "bad name" => [new Volume { Name = "Bad_Name", EmptyDir = new() }],
            "duplicate name" => [new Volume { Name = "v", EmptyDir = new() }, new Volume { Name = "v", EmptyDir = new() }],
            "medium" => [new Volume { Name = "v", EmptyDir = new EmptyDirVolumeSource { Medium = "HugePages" } }],
            "negative size" => [new Volume { Name = "v", EmptyDir = new EmptyDirVolumeSource { SizeLimit = Quantity.Parse("-1") } }],
            "hostPath without path" => [new Volume { Name = "v", HostPath = new HostPathVolumeSource() }],
            "hostPath backstep" => [new Volume { Name = "v", HostPath = new HostPathVolumeSource { Path = "/var/../etc" } }],
            "hostPath type" => [new Volume { Name = "v", HostPath = new HostPathVolumeSource { Path = "/tmp", Type = "Pipe" } }],
            "configMap without name" => [new Volume { Name = "v", ConfigMap = new ConfigMapVolumeSource() }],
            "secret without name" => [new Volume { Name = "v", Secret = new SecretVolumeSource() }],
            "mode too large" => [new Volume { Name = "v", Secret = new SecretVolumeSource { SecretName = "s", DefaultMode = 512 } }],
            "absolute item path" => [ConfigMapItem("k", "/etc/passwd")],
            "item path backstep" => [ConfigMapItem("k", "a/../../b")],
            "item path ..data" => [ConfigMapItem("k", "..data")],
            "item key" => [ConfigMapItem("a/b", "x")],
            "downward field" => [Downward(new DownwardAPIVolumeFile { Path = "ip", FieldRef = new ObjectFieldSelector { FieldPath = "status.podIP" } })],
            "downward resource without container" => [Downward(new DownwardAPIVolumeFile { Path = "cpu", ResourceFieldRef = new ResourceFieldSelector { Resource = "limits.cpu" } })],
            "downward resource unknown container" => [Downward(new DownwardAPIVolumeFile { Path = "cpu", ResourceFieldRef = new ResourceFieldSelector { ContainerName = "nope", Resource = "limits.cpu" } })],
            "projected two kinds" => [new Volume { Name = "v", Projected = new ProjectedVolumeSource { Sources = [new VolumeProjection { Secret = new SecretProjection { Name = "s" }, ConfigMap = new ConfigMapProjection { Name = "c" } }] } }],
            "projected same file twice" => [new Volume { Name = "v", Projected = new ProjectedVolumeSource { Sources = [new VolumeProjection { Secret = new SecretProjection { Name = "s", Items = [new KeyToPath { Key = "k", Path = "f" }] } }, new VolumeProjection { ConfigMap = new ConfigMapProjection { Name = "c", Items = [new KeyToPath { Key = "k", Path = "f" }] } }] } }],
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        var errors = Validate(volumes);

        Assert.Contains(errors, e => e.Field == field && e.Type == type);
    }

    private static Volume ConfigMapItem(string key, string path) =>
        new() { Name = "v", ConfigMap = new ConfigMapVolumeSource { Name = "c", Items = [new KeyToPath { Key = key, Path = path }] } };

    private static Volume Downward(DownwardAPIVolumeFile file) =>
        new() { Name = "v", DownwardAPI = new DownwardAPIVolumeSource { Items = [file] } };

    [Theory]
    [InlineData("unknown volume", "spec.containers[0].volumeMounts[0].name", FieldErrorType.NotFound)]
    [InlineData("relative mount path", "spec.containers[0].volumeMounts[0].mountPath", FieldErrorType.Invalid)]
    [InlineData("no mount path", "spec.containers[0].volumeMounts[0].mountPath", FieldErrorType.Required)]
    [InlineData("same mount path", "spec.containers[0].volumeMounts[1].mountPath", FieldErrorType.Invalid)]
    [InlineData("subPath backstep", "spec.containers[0].volumeMounts[0].subPath", FieldErrorType.Invalid)]
    [InlineData("absolute subPath", "spec.containers[0].volumeMounts[0].subPath", FieldErrorType.Invalid)]
    [InlineData("propagation", "spec.containers[0].volumeMounts[0].mountPropagation", FieldErrorType.NotSupported)]
    [InlineData("bidirectional", "spec.containers[0].volumeMounts[0].mountPropagation", FieldErrorType.Forbidden)]
    public void Validate_BadMount_RefusedNamingTheField(string scenario, string field, FieldErrorType type)
    {
        VolumeMount[] mounts = scenario switch
        {
            "unknown volume" => [new VolumeMount { Name = "nope", MountPath = "/x" }],
            "relative mount path" => [new VolumeMount { Name = "data", MountPath = "x" }],
            "no mount path" => [new VolumeMount { Name = "data" }],
            "same mount path" => [new VolumeMount { Name = "data", MountPath = "/x" }, new VolumeMount { Name = "data", MountPath = "/x/" }],
            "subPath backstep" => [new VolumeMount { Name = "data", MountPath = "/x", SubPath = "../etc" }],
            "absolute subPath" => [new VolumeMount { Name = "data", MountPath = "/x", SubPath = "/etc" }],
            "propagation" => [new VolumeMount { Name = "data", MountPath = "/x", MountPropagation = "Shared" }],
            "bidirectional" => [new VolumeMount { Name = "data", MountPath = "/x", MountPropagation = "Bidirectional" }],
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        var errors = Validate([new Volume { Name = "data", EmptyDir = new() }], mounts);

        Assert.Contains(errors, e => e.Field == field && e.Type == type);
    }

    [Fact]
    public void Validate_TooManyVolumes_RefusedNamingTheLimit()
    {
        var volumes = Enumerable.Range(0, VolumeValidation.MaxVolumes + 1).Select(i => new Volume { Name = "v" + i, EmptyDir = new() }).ToList();

        var errors = Validate(volumes);

        var error = Assert.Single(errors);
        Assert.Equal(("spec.volumes", FieldErrorType.TooMany), (error.Field, error.Type));
    }

    [Fact]
    public void Validate_VolumesInDeploymentTemplate_PathUnderTemplate()
    {
        var deployment = new Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new ObjectMeta { Name = "d", Namespace = "default" },
            Spec = new DeploymentSpec
            {
                Selector = new LabelSelector { MatchLabels = new() { ["app"] = "d" } },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new() { ["app"] = "d" } },
                    Spec = PodWith([new Volume { Name = "v", Secret = new SecretVolumeSource() }]).Spec,
                },
            },
        };

        var errors = ObjectValidator.Validate(deployment);

        Assert.Contains(errors, e => e.Field == "spec.template.spec.volumes[0].secret.secretName" && e.Type == FieldErrorType.Required);
    }
}
