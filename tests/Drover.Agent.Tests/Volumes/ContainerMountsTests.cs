using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Volumes.Tests;

public sealed class ContainerMountsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "drover-mounts-" + Guid.NewGuid().ToString("N"));

    public ContainerMountsTests() => Directory.CreateDirectory(Path.Combine(_dir, "data"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PodVolumes Volumes(params string[] readOnly) => new()
    {
        Paths = new Dictionary<string, string> { ["data"] = Path.Combine(_dir, "data"), ["config"] = Path.Combine(_dir, "config") },
        ReadOnly = readOnly.ToHashSet(),
    };

    [Fact]
    public void Build_Mounts_HostPathsReadOnlyAndPropagation()
    {
        var container = new Container
        {
            Name = "app",
            VolumeMounts =
            [
                new VolumeMount { Name = "data", MountPath = "/data" },
                new VolumeMount { Name = "data", MountPath = "/ro", ReadOnly = true, MountPropagation = "HostToContainer" },
                new VolumeMount { Name = "config", MountPath = "/etc/app" },
            ],
        };

        var result = ContainerMounts.Build(container, Volumes("config"));

        Assert.Null(result.Error);
        Assert.Equal(
            [
                ("/data", Path.Combine(_dir, "data"), false, CriV1.MountPropagation.PropagationPrivate),
                ("/ro", Path.Combine(_dir, "data"), true, CriV1.MountPropagation.PropagationHostToContainer),
                ("/etc/app", Path.Combine(_dir, "config"), true, CriV1.MountPropagation.PropagationPrivate),
            ],
            result.Mounts.Select(m => (m.ContainerPath, m.HostPath, m.Readonly, m.Propagation)));
    }

    [Fact]
    public void Build_SubPathMissingInEmptyDir_MadeAsDirectory()
    {
        var result = ContainerMounts.Build(new Container { Name = "app", VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/logs", SubPath = "a/b" }] }, Volumes());

        Assert.Null(result.Error);
        Assert.Equal(Path.Combine(_dir, "data", "a", "b"), Assert.Single(result.Mounts).HostPath);
        Assert.True(Directory.Exists(Path.Combine(_dir, "data", "a", "b")));
    }

    [Fact]
    public void Build_SubPathThroughSymlinkOutOfTheVolume_Refused()
    {
        // A container planted "escape → /etc" in the shared emptyDir.
        File.CreateSymbolicLink(Path.Combine(_dir, "data", "escape"), "/etc");

        var result = ContainerMounts.Build(new Container { Name = "app", VolumeMounts = [new VolumeMount { Name = "data", MountPath = "/x", SubPath = "escape" }] }, Volumes());

        Assert.Contains("leads outside the volume", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Mounts);
    }

    [Fact]
    public void Build_SubPathMissingInReadOnlyVolume_Refused()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "config"));

        var result = ContainerMounts.Build(new Container { Name = "app", VolumeMounts = [new VolumeMount { Name = "config", MountPath = "/x", SubPath = "nope" }] }, Volumes("config"));

        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "config", "nope")));
    }

    [Fact]
    public void Build_VolumeNotSetUp_Error()
    {
        var result = ContainerMounts.Build(new Container { Name = "app", VolumeMounts = [new VolumeMount { Name = "other", MountPath = "/x" }] }, Volumes());

        Assert.Equal("volume \"other\" is not set up", result.Error);
    }
}
