using System.Diagnostics;
using System.Net;
using System.Text;
using Drover.Agent.Cri;
using Drover.Agent.Cri.V1;
using Grpc.Core;

namespace Drover.Agent.Cri.Tests;

[Collection(PrivateContainerdCollection.Name)]
[Trait("Category", "Process")]
public sealed class CriClientTests : IDisposable
{
    private static readonly TimeSpan HttpReadyTimeout = TimeSpan.FromSeconds(5);

    private readonly PrivateContainerdFixture _node;
    private readonly CriClient _client;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };

    public CriClientTests(PrivateContainerdFixture node)
    {
        _node = node;
        _client = node.Client;
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task VersionAsync_PrivateContainerd_ReturnsContainerdNameAndVersion()
    {
        var version = await _client.VersionAsync();

        Assert.Equal("containerd", version.RuntimeName);
        Assert.Matches(@"^v?\d+\.\d+\.\d+", version.RuntimeVersion);
        Assert.Equal("v1", version.RuntimeApiVersion);
    }

    [Fact]
    public async Task StatusAsync_PrivateContainerd_ReportsRuntimeAndNetworkReady()
    {
        var status = await _client.StatusAsync();

        Assert.Contains(status.Status.Conditions, c => c.Type == "RuntimeReady" && c.Status);
        Assert.Contains(status.Status.Conditions, c => c.Type == "NetworkReady" && c.Status);
    }

    [Fact]
    public async Task ListImagesAsync_AfterImport_ListsPauseAndSampleAppImages()
    {
        var images = await _client.ListImagesAsync();

        var tags = images.SelectMany(i => i.RepoTags).ToHashSet();
        Assert.Contains("drover.local/pause:3.9", tags);
        Assert.Contains("docker.io/library/my-app:v1.0", tags);
        Assert.Contains("docker.io/library/my-app:v2.0", tags);
        Assert.Contains("drover.local/hello:v1", tags);
    }

    [Fact]
    public async Task ImageStatusAsync_ShortDockerName_FindsNormalisedImage()
    {
        var image = await _client.ImageStatusAsync("my-app:v1.0");

        Assert.NotNull(image);
        Assert.Contains("docker.io/library/my-app:v1.0", image.RepoTags);
        Assert.True(image.Size > 0);
    }

    [Fact]
    public async Task ImageStatusAsync_UnknownImage_ReturnsNull()
    {
        Assert.Null(await _client.ImageStatusAsync("drover.local/does-not-exist:v0"));
    }

    [Fact]
    public async Task PullImageAsync_UnreachableRegistry_ThrowsCriExceptionWithRuntimeMessage()
    {
        // A registry on a closed loopback port: fails fast, and no traffic leaves the host.
        var e = await Assert.ThrowsAsync<CriException>(() => _client.PullImageAsync("127.0.0.1:1/nothing:v1"));

        Assert.Equal("PullImage", e.Operation);
        Assert.NotEqual(StatusCode.OK, e.StatusCode);
        Assert.Contains("127.0.0.1:1", e.RuntimeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageFsInfoAsync_PrivateContainerd_ReportsItsSnapshotterMountpoint()
    {
        var filesystems = await _client.ImageFsInfoAsync();

        var fs = Assert.Single(filesystems);
        Assert.StartsWith(_node.Directory, fs.FsId.Mountpoint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPodSandboxAsync_WithCniBridge_GetsPodIpInNodeCidr()
    {
        await using var pod = await TestPod.RunSandboxAsync(_node, TestPod.NewName("sandbox"));

        Assert.StartsWith(PrivateContainerdFixture.PodCidrPrefix, pod.PodIp, StringComparison.Ordinal);
        Assert.True(IPAddress.TryParse(pod.PodIp, out _));
        var status = await _client.PodSandboxStatusAsync(pod.SandboxId);
        Assert.Equal(PodSandboxState.SandboxReady, status.Status.State);
        Assert.Equal(pod.Name, status.Status.Metadata.Name);
        Assert.Equal("true", status.Status.Annotations["drover.io/test"]);
    }

    [Fact]
    public async Task StartContainerAsync_SampleApp_AnswersHealthAndHostnameOnPodIp()
    {
        await using var pod = await TestPod.RunAsync(_node, TestPod.NewName("web"), "my-app:v1.0", TestPod.Limits500m256Mi());

        await pod.WaitForHttpAsync(_http, "/health", HttpReadyTimeout);

        using var health = await _http.GetAsync(new Uri($"http://{pod.PodIp}:3000/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", await health.Content.ReadAsStringAsync());
        var root = await _http.GetStringAsync(new Uri($"http://{pod.PodIp}:3000/"));
        Assert.Contains(pod.Name, root, StringComparison.Ordinal);
        Assert.Contains("v1.0", root, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartContainerAsync_AppV2_AnswersWithItsVersion()
    {
        await using var pod = await TestPod.RunAsync(_node, TestPod.NewName("web2"), "my-app:v2.0");

        await pod.WaitForHttpAsync(_http, "/health", HttpReadyTimeout);

        var root = await _http.GetStringAsync(new Uri($"http://{pod.PodIp}:3000/"));
        Assert.Contains("version v2.0", root, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartContainerAsync_BurnEndpoint_BurnsForAboutTheRequestedTime()
    {
        await using var pod = await TestPod.RunAsync(_node, TestPod.NewName("burn"), "drover.local/hello:v1");
        await pod.WaitForHttpAsync(_http, "/health", HttpReadyTimeout);

        var watch = Stopwatch.StartNew();
        var body = await _http.GetStringAsync(new Uri($"http://{pod.PodIp}:3000/burn?ms=300"));
        watch.Stop();

        Assert.Contains("burned 300 ms", body, StringComparison.Ordinal);
        Assert.Contains("hello-v1", body, StringComparison.Ordinal);
        Assert.InRange(watch.ElapsedMilliseconds, 250, 1500);
    }

    [Fact]
    public async Task CreateContainerAsync_CpuQuota500mAndMemory256Mi_AppearInContainerCgroups()
    {
        await using var pod = await TestPod.RunAsync(_node, TestPod.NewName("limits"), "my-app:v1.0", TestPod.Limits500m256Mi());
        var pid = await pod.ContainerPidAsync();

        var cgroups = ReadCgroupPaths(pid);

        var memory = "/sys/fs/cgroup/memory" + cgroups["memory"];
        var cpu = "/sys/fs/cgroup/cpu" + cgroups["cpu"];
        Assert.StartsWith(PrivateContainerdFixture.CgroupRoot + "/pod", cgroups["memory"], StringComparison.Ordinal);
        Assert.Equal(TestPod.Memory256Mi.ToString(System.Globalization.CultureInfo.InvariantCulture), ReadTrimmed(memory, "memory.limit_in_bytes"));
        Assert.Equal("50000", ReadTrimmed(cpu, "cpu.cfs_quota_us"));
        Assert.Equal("100000", ReadTrimmed(cpu, "cpu.cfs_period_us"));
        Assert.Equal("512", ReadTrimmed(cpu, "cpu.shares"));
    }

    [Fact]
    public async Task ExecSyncAsync_CatEtcHostname_ReturnsPodHostname()
    {
        await using var pod = await TestPod.RunAsync(_node, TestPod.NewName("exec"));

        var result = await _client.ExecSyncAsync(pod.ContainerId, ["cat", "/etc/hostname"], TimeSpan.FromSeconds(5));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(pod.Name, Encoding.UTF8.GetString(result.Stdout.Span).Trim());
    }

    [Fact]
    public async Task ExecSyncAsync_FailingCommand_ReturnsExitCodeAndStderr()
    {
        await using var pod = await TestPod.RunAsync(_node, TestPod.NewName("execfail"));

        var result = await _client.ExecSyncAsync(pod.ContainerId, ["sh", "-c", "echo nope >&2; exit 3"], TimeSpan.FromSeconds(5));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("nope", Encoding.UTF8.GetString(result.Stderr.Span).Trim());
    }

    [Fact]
    public async Task ContainerStatsAsync_RunningApp_ReportsMemoryAndCpu()
    {
        await using var pod = await TestPod.RunAsync(_node, TestPod.NewName("stats"), "my-app:v1.0", TestPod.Limits500m256Mi());
        await pod.WaitForHttpAsync(_http, "/health", HttpReadyTimeout);

        var stats = await _client.ContainerStatsAsync(pod.ContainerId);
        var all = await _client.ListContainerStatsAsync(new ContainerStatsFilter { PodSandboxId = pod.SandboxId });

        Assert.Equal(pod.ContainerId, stats.Attributes.Id);
        Assert.True(stats.Memory.WorkingSetBytes.Value > 0);
        Assert.NotNull(stats.Cpu.UsageCoreNanoSeconds);
        Assert.Contains(all, s => s.Attributes.Id == pod.ContainerId);
    }

    [Fact]
    public async Task ListContainersAsync_BySandbox_ReturnsRunningAppWithMetadata()
    {
        await using var pod = await TestPod.RunAsync(_node, TestPod.NewName("list"));

        var containers = await _client.ListContainersAsync(new ContainerFilter { PodSandboxId = pod.SandboxId });
        var sandboxes = await _client.ListPodSandboxAsync(new PodSandboxFilter { LabelSelector = { ["io.kubernetes.pod.name"] = pod.Name } });

        var container = Assert.Single(containers);
        Assert.Equal(pod.ContainerId, container.Id);
        Assert.Equal("app", container.Metadata.Name);
        Assert.Equal(ContainerState.ContainerRunning, container.State);
        Assert.Equal(pod.SandboxId, Assert.Single(sandboxes).Id);
    }

    [Fact]
    public async Task StopContainerAsync_SampleApp_ExitsPromptlyWithCodeZeroOnSigterm()
    {
        await using var pod = await TestPod.RunAsync(_node, TestPod.NewName("stop"));
        await pod.WaitForHttpAsync(_http, "/health", HttpReadyTimeout);

        var timeout = TimeSpan.FromSeconds(30);
        var watch = Stopwatch.StartNew();
        await _client.StopContainerAsync(pod.ContainerId, timeout);
        watch.Stop();

        // Exit code 0 within the stop timeout: the app ended on SIGTERM itself (SIGKILL, after the timeout, gives 137).
        // No tighter bound on the time: a wall-clock threshold fails on a loaded machine, not on a slow app.
        var status = await _client.ContainerStatusAsync(pod.ContainerId);
        Assert.Equal(ContainerState.ContainerExited, status.Status.State);
        Assert.Equal(0, status.Status.ExitCode);
        Assert.True(watch.Elapsed < timeout, $"stop took {watch.Elapsed}, the whole stop timeout (the app must honour SIGTERM)");
    }

    [Fact]
    public async Task StopAndRemove_RunningPod_RemovesContainerSandboxAndNetns()
    {
        var pod = await TestPod.RunAsync(_node, TestPod.NewName("cleanup"));
        var netns = await pod.NetnsPathAsync();
        Assert.StartsWith("/var/run/netns/cni-", netns, StringComparison.Ordinal);
        Assert.True(File.Exists(netns));

        await _client.StopContainerAsync(pod.ContainerId, TimeSpan.FromSeconds(5));
        await _client.RemoveContainerAsync(pod.ContainerId);
        await _client.StopPodSandboxAsync(pod.SandboxId);
        await _client.RemovePodSandboxAsync(pod.SandboxId);
        TestPod.RemovePodCgroups(pod.SandboxConfig.Linux.CgroupParent);

        Assert.False(File.Exists(netns), $"{netns} still exists");
        Assert.Empty(await _client.ListContainersAsync(new ContainerFilter { PodSandboxId = pod.SandboxId }));
        var e = await Assert.ThrowsAsync<CriException>(() => _client.PodSandboxStatusAsync(pod.SandboxId));
        Assert.True(e.IsNotFound, e.Message);
        // Idempotent, as the CRI requires: a second delete pass is harmless.
        await _client.StopPodSandboxAsync(pod.SandboxId);
        await _client.RemovePodSandboxAsync(pod.SandboxId);
        await _client.RemoveContainerAsync(pod.ContainerId);
    }

    [Fact]
    public async Task PodSandboxStatusAsync_UnknownSandbox_ThrowsNotFoundCriException()
    {
        var e = await Assert.ThrowsAsync<CriException>(() => _client.PodSandboxStatusAsync("0123456789abcdef"));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("PodSandboxStatus", e.Operation);
        Assert.Contains("PodSandboxStatus", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateContainerAsync_MissingImage_ThrowsCriExceptionNamingTheImage()
    {
        await using var pod = await TestPod.RunSandboxAsync(_node, TestPod.NewName("noimage"));

        var e = await Assert.ThrowsAsync<CriException>(() =>
            _client.CreateContainerAsync(pod.SandboxId, TestPod.NewAppConfig("drover.local/missing:v9"), pod.SandboxConfig));

        Assert.Contains("drover.local/missing:v9", e.RuntimeMessage, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> ReadCgroupPaths(int pid)
    {
        // cgroups v1: "4:memory:/drover7/pod…/<id>"; "cpu" may share a line with "cpuacct".
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            foreach (var controller in parts[1].Split(','))
            {
                paths[controller] = parts[2];
            }
        }

        return paths;
    }

    private static string ReadTrimmed(string dir, string file) => File.ReadAllText(Path.Combine(dir, file)).Trim();
}
