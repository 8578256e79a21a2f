using System.Text;
using Drover.Api;

namespace Drover.Agent.Volumes.Tests;

public sealed class VolumePayloadsTests
{
    private static readonly NodeResources Node = new(2000, 1L << 30, 0);

    private static readonly Pod Pod = new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = "web", Namespace = "edge", Uid = "u1", Labels = new() { ["tier"] = "front", ["app"] = "we\"b" }, Annotations = new() { ["note"] = "a\nb" } },
        Spec = new PodSpec { Containers = [new Container { Name = "app", Resources = new ResourceRequirements { Requests = new() { ["cpu"] = Quantity.Parse("250m") } } }] },
    };

    private static readonly PodObjects Objects = new()
    {
        ConfigMaps = new Dictionary<string, ConfigMap?> { ["cfg"] = new ConfigMap { Data = new() { ["app.yaml"] = "mode: edge" }, BinaryData = new() { ["logo.bin"] = [1, 2] } }, ["absent"] = null },
        Secrets = new Dictionary<string, Secret?> { ["creds"] = new Secret { Data = new() { ["password"] = Encoding.UTF8.GetBytes("s3cret") } } },
    };

    private static string Text(VolumePayloads.Result result, string path) => Encoding.UTF8.GetString(result.Files[path].Data);

    [Fact]
    public void ConfigMap_NoItems_EveryKeyWithDefaultMode()
    {
        var result = VolumePayloads.ConfigMap(Pod, new ConfigMapVolumeSource { Name = "cfg", DefaultMode = 256 }, Objects);

        Assert.Null(result.Error);
        Assert.Equal(["app.yaml", "logo.bin"], result.Files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("mode: edge", Text(result, "app.yaml"));
        Assert.Equal([1, 2], result.Files["logo.bin"].Data);
        Assert.All(result.Files.Values, f => Assert.Equal(256, f.Mode));
    }

    [Fact]
    public void Secret_Items_OnlyThoseAtTheirPathsAndModes()
    {
        var result = VolumePayloads.Secret(Pod, new SecretVolumeSource { SecretName = "creds", DefaultMode = 420, Items = [new KeyToPath { Key = "password", Path = "db/pass", Mode = 256 }] }, Objects);

        Assert.Equal("s3cret", Text(result, "db/pass"));
        Assert.Equal(256, Assert.Single(result.Files).Value.Mode);
    }

    [Theory]
    [InlineData(false, "secret references non-existent secret key: nope")]
    [InlineData(true, null)]
    public void Secret_MissingItemKey_ErrorUnlessOptional(bool optional, string? expected)
    {
        var result = VolumePayloads.Secret(Pod, new SecretVolumeSource { SecretName = "creds", Optional = optional, Items = [new KeyToPath { Key = "nope", Path = "x" }] }, Objects);

        Assert.Equal(expected, result.Error);
    }

    [Theory]
    [InlineData(false, "configmap \"absent\" not found")]
    [InlineData(true, null)]
    public void ConfigMap_Missing_ErrorUnlessOptional(bool optional, string? expected)
    {
        var result = VolumePayloads.ConfigMap(Pod, new ConfigMapVolumeSource { Name = "absent", Optional = optional }, Objects);

        Assert.Equal(expected, result.Error);
        Assert.Empty(result.Files);
    }

    [Fact]
    public void DownwardApi_LabelsAsKubeletFormatsThem()
    {
        var result = VolumePayloads.DownwardApi(Pod, new DownwardAPIVolumeSource
        {
            DefaultMode = 420,
            Items =
            [
                new DownwardAPIVolumeFile { Path = "labels", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.labels" } },
                new DownwardAPIVolumeFile { Path = "annotations", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.annotations" } },
                new DownwardAPIVolumeFile { Path = "name", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } },
                new DownwardAPIVolumeFile { Path = "cpu_m", ResourceFieldRef = new ResourceFieldSelector { ContainerName = "app", Resource = "requests.cpu", Divisor = Quantity.Parse("1m") } },
                new DownwardAPIVolumeFile { Path = "mem", ResourceFieldRef = new ResourceFieldSelector { ContainerName = "app", Resource = "limits.memory" } },
            ],
        }, Node);

        Assert.Null(result.Error);
        Assert.Equal("app=\"we\\\"b\"\ntier=\"front\"", Text(result, "labels"));
        Assert.Equal("note=\"a\\nb\"", Text(result, "annotations"));
        Assert.Equal("web", Text(result, "name"));
        Assert.Equal("250", Text(result, "cpu_m"));
        // No limit set: the node's allocatable, as the kubelet reports it.
        Assert.Equal((1L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture), Text(result, "mem"));
    }

    [Fact]
    public void Projected_AllSourcesInOneDirectory_OneMissingFailsTheVolume()
    {
        var sources = new List<VolumeProjection>
        {
            new() { Secret = new SecretProjection { Name = "creds" } },
            new() { ConfigMap = new ConfigMapProjection { Name = "cfg", Items = [new KeyToPath { Key = "app.yaml", Path = "conf/app.yaml" }] } },
            new() { DownwardAPI = new DownwardAPIProjection { Items = [new DownwardAPIVolumeFile { Path = "ns", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.namespace" } }] } },
        };

        var result = VolumePayloads.Projected(Pod, new ProjectedVolumeSource { Sources = sources, DefaultMode = 288 }, Objects, Node);
        var failed = VolumePayloads.Projected(Pod, new ProjectedVolumeSource { Sources = [.. sources, new VolumeProjection { ConfigMap = new ConfigMapProjection { Name = "absent" } }] }, Objects, Node);

        Assert.Equal(["conf/app.yaml", "ns", "password"], result.Files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("edge", Text(result, "ns"));
        Assert.All(result.Files.Values, f => Assert.Equal(288, f.Mode));
        Assert.Equal("configmap \"absent\" not found", failed.Error);
    }
}
