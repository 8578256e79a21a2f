using Drover.Api;
using Drover.Cli.SetImage;

namespace Drover.Cli.SetImage.Tests;

public sealed class ImageUpdatesTests
{
    private static readonly PodSpec Spec = new()
    {
        Containers = [new Container { Name = "app", Image = "my-app:v1.0" }, new Container { Name = "sidecar", Image = "proxy:1" }],
        InitContainers = [new Container { Name = "init", Image = "busybox:1" }],
    };

    [Fact]
    public void Split_ResourcesAndPairs_Separated()
    {
        var (resources, updates) = ImageUpdates.Split(["deployment", "my-app", "app=my-app:v2.0", "sidecar=proxy:2"]);
        Assert.Equal(["deployment", "my-app"], resources);
        Assert.Equal([new ImageUpdate("app", "my-app:v2.0"), new ImageUpdate("sidecar", "proxy:2")], updates);
    }

    [Fact]
    public void Split_ImageWithRegistryPortAndDigest_KeptWhole()
    {
        var (_, updates) = ImageUpdates.Split(["deploy/x", "app=registry:5000/team/app@sha256:abc"]);
        Assert.Equal("registry:5000/team/app@sha256:abc", updates[0].Image);
    }

    [Theory]
    [InlineData("app=")]
    [InlineData("=img")]
    public void Split_HalfPair_NamesIt(string pair) =>
        Assert.Contains($"\"{pair}\"", Assert.Throws<CliException>(() => ImageUpdates.Split(["deploy/x", pair])).Message, StringComparison.Ordinal);

    [Fact]
    public void Split_NoPairs_SaysOneRequired() =>
        Assert.Contains("at least one image update is required", Assert.Throws<CliException>(() => ImageUpdates.Split(["deploy/x"])).Message, StringComparison.Ordinal);

    [Fact]
    public void Apply_NamedContainer_OnlyThatChanges()
    {
        var updated = ImageUpdates.Apply(Spec, [new ImageUpdate("app", "my-app:v2.0")], "deployment.apps/my-app");
        Assert.Equal(["my-app:v2.0", "proxy:1"], updated.Containers.Select(c => c.Image));
        Assert.Equal("busybox:1", updated.InitContainers![0].Image);
    }

    [Fact]
    public void Apply_InitContainer_Changes() =>
        Assert.Equal("busybox:2", ImageUpdates.Apply(Spec, [new ImageUpdate("init", "busybox:2")], "x").InitContainers![0].Image);

    [Fact]
    public void Apply_Wildcard_EveryContainerButNamedOnesWin()
    {
        var updated = ImageUpdates.Apply(Spec, [new ImageUpdate("*", "all:1"), new ImageUpdate("sidecar", "proxy:2")], "x");
        Assert.Equal(["all:1", "proxy:2"], updated.Containers.Select(c => c.Image));
        Assert.Equal("all:1", updated.InitContainers![0].Image);
    }

    [Fact]
    public void Apply_UnknownContainer_NamesItAndTheAvailable()
    {
        var e = Assert.Throws<CliException>(() => ImageUpdates.Apply(Spec, [new ImageUpdate("web", "x:1")], "deployment.apps/my-app"));
        Assert.Equal("error: unable to find container named \"web\" in deployment.apps/my-app (containers: app, sidecar, init)", e.Message);
    }
}
