using System.Text;
using Drover.Api;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.Volumes.Tests;

/// <summary>Real mounts (tmpfs) and files in a private directory; needs root, as the agent does.</summary>
public sealed class VolumeManagerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "drover-volumes-" + Guid.NewGuid().ToString("N"));
    private readonly VolumeManager _volumes;

    public VolumeManagerTests() => _volumes = new VolumeManager(_root, new NodeResources(1000, 1L << 30, 0), TimeProvider.System, NullLogger.Instance);

    public void Dispose()
    {
        foreach (var mount in LinuxMounts.MountsUnder(_root))
        {
            LinuxMounts.Unmount(mount);
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>S_IFBLK | 0600.</summary>
    private const uint BlockDeviceMode = 0x6000 | 0x180;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mknod", SetLastError = true)]
    private static extern int Mknod([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, uint mode, ulong device);

    private static Pod PodWith(params Volume[] volumes) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = "u-" + Guid.NewGuid().ToString("N")[..8] },
        Spec = new PodSpec { Containers = [new Container { Name = "app" }], Volumes = [.. volumes] },
    };

    private static PodObjects Objects(string password) => new()
    {
        Secrets = new Dictionary<string, Secret?> { ["creds"] = new Secret { Data = new() { ["password"] = Encoding.UTF8.GetBytes(password) } } },
        ConfigMaps = new Dictionary<string, ConfigMap?> { ["cfg"] = new ConfigMap { Data = new() { ["mode"] = "edge" } } },
    };

    [Fact]
    public void SetUp_EverySource_PathsAndTmpfsWhereSecretsAre()
    {
        var pod = PodWith(
            new Volume { Name = "scratch", EmptyDir = new EmptyDirVolumeSource() },
            new Volume { Name = "cache", EmptyDir = new EmptyDirVolumeSource { Medium = "Memory", SizeLimit = Quantity.Parse("8Mi") } },
            new Volume { Name = "creds", Secret = new SecretVolumeSource { SecretName = "creds", DefaultMode = 256 } },
            new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "cfg", DefaultMode = 420 } },
            new Volume { Name = "tmp", HostPath = new HostPathVolumeSource { Path = "/tmp", Type = "Directory" } });

        var set = _volumes.SetUp(pod, Objects("s3cret"));

        Assert.Null(set.Error);
        var uid = pod.Metadata.Uid!;
        Assert.Equal(_volumes.VolumeDirectory(uid, "empty-dir", "scratch"), set.Paths["scratch"]);
        Assert.Equal("/tmp", set.Paths["tmp"]);
        Assert.Equal(["cfg", "creds"], set.ReadOnly.Order(StringComparer.Ordinal));
        Assert.Equal("s3cret", File.ReadAllText(Path.Combine(set.Paths["creds"], "password")));
        Assert.Equal("edge", File.ReadAllText(Path.Combine(set.Paths["cfg"], "mode")));
        var mounts = LinuxMounts.MountsUnder(_volumes.PodDirectory(uid));
        Assert.Equal([set.Paths["cache"], set.Paths["creds"]], mounts.Order(StringComparer.Ordinal));
        Assert.Contains(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(" " + set.Paths["cache"] + " ", StringComparison.Ordinal) && l.Contains("size=8192k", StringComparison.Ordinal));
    }

    [Fact]
    public void SetUp_Secret_TmpfsNoSwapWhereTheKernelHasIt()
    {
        var pod = PodWith(new Volume { Name = "creds", Secret = new SecretVolumeSource { SecretName = "creds" } });

        var set = _volumes.SetUp(pod, Objects("s3cret"));

        // tmpfs' noswap came with Linux 6.4: there a Secret cannot be paged out to a swap device; before, it mounts without.
        var line = Assert.Single(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(" " + set.Paths["creds"] + " ", StringComparison.Ordinal));
        var superOptions = line[(line.IndexOf(" - ", StringComparison.Ordinal) + 3)..].Split(' ')[2].Split(',');
        Assert.Equal(Environment.OSVersion.Version >= new Version(6, 4), superOptions.Contains("noswap"));
    }

    [Fact]
    public void SetUp_AgainAfterTheSecretChanged_FilesUpdatedInPlaceSameMount()
    {
        var pod = PodWith(new Volume { Name = "creds", Secret = new SecretVolumeSource { SecretName = "creds", DefaultMode = 256 } });
        var first = _volumes.SetUp(pod, Objects("one"));

        var second = _volumes.SetUp(pod, Objects("two"));

        Assert.Equal(first.Paths["creds"], second.Paths["creds"]);
        Assert.Equal("two", File.ReadAllText(Path.Combine(second.Paths["creds"], "password")));
        Assert.Single(LinuxMounts.MountsUnder(_volumes.PodDirectory(pod.Metadata.Uid!)));
    }

    [Fact]
    public void SetUp_OneVolumeFails_OthersStillSetUpErrorNamesTheVolume()
    {
        var pod = PodWith(
            new Volume { Name = "scratch", EmptyDir = new EmptyDirVolumeSource() },
            new Volume { Name = "missing", ConfigMap = new ConfigMapVolumeSource { Name = "nope" } },
            new Volume { Name = "dev", HostPath = new HostPathVolumeSource { Path = "/tmp", Type = "CharDevice" } });

        var set = _volumes.SetUp(pod, new PodObjects { ConfigMaps = new Dictionary<string, ConfigMap?> { ["nope"] = null } });

        Assert.Equal("MountVolume.SetUp failed for volume \"missing\" : configmap \"nope\" not found", set.Error);
        Assert.Equal(["scratch"], set.Paths.Keys);
    }

    [Fact]
    public void SetUp_HostPathSocketAndBlockDevice_AcceptedForWhatTheyAre()
    {
        Directory.CreateDirectory(_root);
        var socketPath = Path.Combine(_root, "agent.sock");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        // A block device node of the loop driver (7:0) made here: the host need not have one in /dev.
        var devicePath = Path.Combine(_root, "disk");
        Assert.True(Mknod(devicePath, BlockDeviceMode, (7 << 8) | 0) == 0, $"mknod {devicePath}: {System.Runtime.InteropServices.Marshal.GetLastPInvokeErrorMessage()}");

        var set = _volumes.SetUp(
            PodWith(
                new Volume { Name = "sock", HostPath = new HostPathVolumeSource { Path = socketPath, Type = "Socket" } },
                new Volume { Name = "disk", HostPath = new HostPathVolumeSource { Path = devicePath, Type = "BlockDevice" } },
                new Volume { Name = "wrong", HostPath = new HostPathVolumeSource { Path = socketPath, Type = "BlockDevice" } }),
            PodObjects.None);

        Assert.Equal((socketPath, devicePath), (set.Paths["sock"], set.Paths["disk"]));
        Assert.Contains("is not a block device", set.Error, StringComparison.Ordinal);
        Assert.False(set.Paths.ContainsKey("wrong"));
    }

    [Theory]
    [InlineData("/dev/null", "CharDevice", null)]
    [InlineData("/dev/null", "File", "is not a file")]
    [InlineData("/tmp", "Directory", null)]
    [InlineData("/tmp", "Socket", "is not a socket")]
    [InlineData("/no/such/path", "Directory", "does not exist")]
    [InlineData("/etc/hostname", "File", null)]
    [InlineData("/dev/null", "BlockDevice", "is not a block device")]
    public void SetUp_HostPathTypes_CheckedAsTheKubeletDoes(string path, string type, string? problem)
    {
        var set = _volumes.SetUp(PodWith(new Volume { Name = "h", HostPath = new HostPathVolumeSource { Path = path, Type = type } }), PodObjects.None);

        if (problem is null)
        {
            Assert.Null(set.Error);
        }
        else
        {
            Assert.Contains(problem, set.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SetUp_HostPathOrCreate_MadeWhenMissing()
    {
        var dir = Path.Combine(_root, "host", "made");
        Directory.CreateDirectory(Path.Combine(_root, "host"));
        var file = Path.Combine(_root, "host", "made.sock-file");

        var set = _volumes.SetUp(
            PodWith(
                new Volume { Name = "d", HostPath = new HostPathVolumeSource { Path = dir, Type = "DirectoryOrCreate" } },
                new Volume { Name = "f", HostPath = new HostPathVolumeSource { Path = file, Type = "FileOrCreate" } }),
            PodObjects.None);

        Assert.Null(set.Error);
        Assert.Equal(FileKind.Directory, FileKinds.Of(dir));
        Assert.Equal(FileKind.File, FileKinds.Of(file));
    }

    [Fact]
    public void TearDown_UnmountsAndRemovesEverything()
    {
        var pod = PodWith(
            new Volume { Name = "cache", EmptyDir = new EmptyDirVolumeSource { Medium = "Memory" } },
            new Volume { Name = "creds", Secret = new SecretVolumeSource { SecretName = "creds" } },
            new Volume { Name = "scratch", EmptyDir = new EmptyDirVolumeSource() });
        var set = _volumes.SetUp(pod, Objects("s3cret"));
        File.WriteAllText(Path.Combine(set.Paths["scratch"], "f"), "x");
        var uid = pod.Metadata.Uid!;

        Assert.Null(_volumes.TearDown(uid));

        Assert.Empty(LinuxMounts.MountsUnder(_volumes.PodDirectory(uid)));
        Assert.False(Directory.Exists(_volumes.PodDirectory(uid)));
        Assert.DoesNotContain(uid, _volumes.PodUids());
        Assert.Null(_volumes.TearDown(uid));
    }
}
