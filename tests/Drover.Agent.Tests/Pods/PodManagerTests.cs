using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Drover.Agent.Pods;
using Drover.Api;
using Drover.Api.Client;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods.Tests;

[Collection(AgentNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class PodManagerTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly AgentNodeFixture _node;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };

    public PodManagerTests(AgentNodeFixture node) => _node = node;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task SeedTemplatePod_BoundToNode_RunningReadyAndServesHttpOnPodIp()
    {
        var name = TestPods.NewName("seed");
        var created = await TestPods.CreateAsync(_node.Api, TestPods.SeedTemplate(name));
        try
        {
            var pod = await TestPods.WaitForAsync(_node.Api, name, p => p.Status?.Phase == "Running" && TestPods.IsReady(p), StartTimeout, "Running and Ready");

            var status = pod.Status!;
            Assert.StartsWith(AgentNodeFixture.PodCidrPrefix, status.PodIP, StringComparison.Ordinal);
            Assert.Equal(status.PodIP, Assert.Single(status.PodIPs!).Ip);
            Assert.Equal(AgentNodeFixture.NodeIp, status.HostIP);
            Assert.NotNull(status.StartTime);
            foreach (var type in new[] { "PodScheduled", "Initialized", "ContainersReady", "Ready" })
            {
                var condition = Assert.Single(status.Conditions!, c => c.Type == type);
                Assert.Equal("True", condition.Status);
                Assert.NotNull(condition.LastTransitionTime);
            }

            var app = TestPods.App(pod)!;
            Assert.Equal("app", app.Name);
            Assert.True(app.Ready);
            Assert.True(app.Started);
            Assert.Equal(0, app.RestartCount);
            Assert.Equal("my-app:v1.0", app.Image);
            Assert.False(string.IsNullOrEmpty(app.ImageID));
            Assert.StartsWith("containerd://", app.ContainerID, StringComparison.Ordinal);
            Assert.NotNull(app.State?.Running?.StartedAt);

            using var response = await _http.GetAsync(new Uri($"http://{status.PodIP}:3000/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains(name, body, StringComparison.Ordinal);
            Assert.Contains("v1.0", body, StringComparison.Ordinal);

            // The sandbox carries the pod's identity, labels, hostname and log directory.
            var sandbox = Assert.Single(await SandboxesAsync(created.Metadata.Uid!));
            Assert.Equal(name, sandbox.Metadata.Name);
            Assert.Equal("my-app", sandbox.Labels["app"]);
            var logDir = Path.Combine(_node.LogRoot, $"default_{name}_{created.Metadata.Uid}");
            Assert.True(File.Exists(Path.Combine(logDir, "app", "0.log")), $"{logDir}/app/0.log is missing");
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
        }
    }

    [Fact]
    public async Task SeedTemplatePod_Limits500m256Mi_AppearInContainerCgroups()
    {
        var name = TestPods.NewName("limits");
        var created = await TestPods.CreateAsync(_node.Api, TestPods.SeedTemplate(name));
        try
        {
            var pod = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p)?.State?.Running is not null, StartTimeout, "Running");
            var containerId = TestPods.App(pod)!.ContainerID!["containerd://".Length..];
            var cgroups = ReadCgroupPaths(await ContainerPidAsync(containerId));

            Assert.StartsWith($"{AgentNodeFixture.CgroupRoot}/pod{created.Metadata.Uid}/", cgroups["memory"], StringComparison.Ordinal);
            Assert.Equal("268435456", ReadTrimmed("/sys/fs/cgroup/memory" + cgroups["memory"], "memory.limit_in_bytes"));
            Assert.Equal("50000", ReadTrimmed("/sys/fs/cgroup/cpu" + cgroups["cpu"], "cpu.cfs_quota_us"));
            Assert.Equal("100000", ReadTrimmed("/sys/fs/cgroup/cpu" + cgroups["cpu"], "cpu.cfs_period_us"));
            // requests.cpu 250m → 256 shares.
            Assert.Equal("256", ReadTrimmed("/sys/fs/cgroup/cpu" + cgroups["cpu"], "cpu.shares"));
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
        }
    }

    [Fact]
    public async Task ReadinessProbe_WrongPath_RunningButNotReady()
    {
        var name = TestPods.NewName("unready");
        var pod = TestPods.WithContainer(TestPods.SeedTemplate(name), c => c with
        {
            ReadinessProbe = c.ReadinessProbe! with { HttpGet = new HttpGetAction { Path = "/no-such-path", Port = 3000 }, InitialDelaySeconds = 0 },
        });
        await TestPods.CreateAsync(_node.Api, pod);
        try
        {
            await TestPods.WaitForAsync(_node.Api, name, p => p.Status?.Phase == "Running", StartTimeout, "Running");
            // Several probe periods: the probe keeps failing, the pod stays unready.
            await Task.Delay(TimeSpan.FromSeconds(4));
            var seen = (await TestPods.GetAsync(_node.Api, name))!;

            Assert.Equal("Running", seen.Status!.Phase);
            Assert.False(TestPods.IsReady(seen));
            var ready = Assert.Single(seen.Status.Conditions!, c => c.Type == "Ready");
            Assert.Equal("ContainersNotReady", ready.Reason);
            Assert.Equal("False", Assert.Single(seen.Status.Conditions!, c => c.Type == "ContainersReady").Status);
            var app = TestPods.App(seen)!;
            Assert.NotNull(app.State?.Running);
            Assert.False(app.Ready);
            Assert.Equal(0, app.RestartCount);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
        }
    }

    [Fact]
    public async Task LivenessProbe_Failing_RestartsContainerInSamePod()
    {
        var name = TestPods.NewName("liveness");
        var pod = TestPods.WithContainer(TestPods.SeedTemplate(name), c => c with
        {
            ReadinessProbe = null,
            LivenessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/broken", Port = 3000 }, PeriodSeconds = 1, FailureThreshold = 2 },
        });
        var created = await TestPods.CreateAsync(_node.Api, pod);
        try
        {
            var first = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p)?.State?.Running is not null, StartTimeout, "Running");
            var firstId = TestPods.App(first)!.ContainerID;

            var restarted = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p) is { RestartCount: >= 1, State.Running: not null }, StartTimeout, "restarted");

            Assert.Equal(created.Metadata.Uid, restarted.Metadata.Uid);
            var app = TestPods.App(restarted)!;
            Assert.NotEqual(firstId, app.ContainerID);
            Assert.NotNull(app.LastState?.Terminated);
            Assert.Equal(firstId, app.LastState!.Terminated!.ContainerID);
            // Same sandbox, same IP: only the container was replaced.
            Assert.Equal(first.Status!.PodIP, restarted.Status!.PodIP);
            Assert.Single(await SandboxesAsync(created.Metadata.Uid!));
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
        }
    }

    [Fact]
    public async Task ImageUpdated_RunningPod_ContainerReplacedInSamePodWithTheNewImage()
    {
        var name = TestPods.NewName("image");
        var pod = TestPods.WithContainer(TestPods.SeedTemplate(name), c => c with { ReadinessProbe = null });
        var created = await TestPods.CreateAsync(_node.Api, pod);
        try
        {
            var first = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p)?.State?.Running is not null, StartTimeout, "Running");
            var firstId = TestPods.App(first)!.ContainerID;

            // The one field of a pod's spec that may change: the image (the agent sees a new container hash).
            // The agent may write the status meanwhile.
            await ConflictRetry.RetryOnConflictAsync(async _ =>
            {
                var current = (await TestPods.GetAsync(_node.Api, name))!;
                await _node.Api.UpdateAsync(ResourceTypes.Pods, TestPods.WithContainer(current, c => c with { Image = "my-app:v2.0" }));
            }, maxAttempts: 10);

            var updated = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p) is { State.Running: not null } app && app.ContainerID != firstId, StartTimeout, "running the new image");

            var status = TestPods.App(updated)!;
            Assert.Equal(("my-app:v2.0", 1), (status.Image, status.RestartCount));
            Assert.Equal(firstId, status.LastState?.Terminated?.ContainerID);
            Assert.Equal(first.Status!.PodIP, updated.Status!.PodIP);
            Assert.Single(await SandboxesAsync(created.Metadata.Uid!));
            Assert.Contains("v2.0", await GetWithRetriesAsync(new Uri($"http://{updated.Status.PodIP}:3000/")), StringComparison.Ordinal);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
        }
    }

    [Fact]
    public async Task CrashingContainer_RestartPolicyAlways_CrashLoopBackOffWithGrowingRestartCount()
    {
        var name = TestPods.NewName("crash");
        var pod = TestPods.WithContainer(TestPods.SeedTemplate(name), c => c with { ReadinessProbe = null, Command = ["sh", "-c", "exit 1"] });
        await TestPods.CreateAsync(_node.Api, pod);
        try
        {
            var backoff = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p)?.State?.Waiting?.Reason == "CrashLoopBackOff", StartTimeout, "CrashLoopBackOff");
            var count = TestPods.App(backoff)!.RestartCount;
            Assert.Equal(1, TestPods.App(backoff)!.LastState?.Terminated?.ExitCode);
            Assert.Contains("back-off", TestPods.App(backoff)!.State!.Waiting!.Message, StringComparison.Ordinal);
            Assert.Equal("Running", backoff.Status!.Phase);

            var later = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p)?.RestartCount >= count + 2, StartTimeout, "more restarts");
            Assert.Equal(backoff.Metadata.Uid, later.Metadata.Uid);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
        }
    }

    [Fact]
    public async Task CompletingContainer_RestartPolicyNever_Succeeded()
    {
        var name = TestPods.NewName("job");
        var pod = TestPods.WithContainer(TestPods.SeedTemplate(name), c => c with { ReadinessProbe = null, Command = ["sh", "-c", "exit 0"] });
        pod = pod with { Spec = pod.Spec with { RestartPolicy = "Never" } };
        await TestPods.CreateAsync(_node.Api, pod);
        try
        {
            var done = await TestPods.WaitForAsync(_node.Api, name, p => p.Status?.Phase == "Succeeded", StartTimeout, "Succeeded");

            var terminated = TestPods.App(done)!.State!.Terminated!;
            Assert.Equal(0, terminated.ExitCode);
            Assert.Equal("Completed", terminated.Reason);
            Assert.Equal(0, TestPods.App(done)!.RestartCount);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
        }
    }

    [Fact]
    public async Task Delete_RunningPod_StopsGracefullyThenRemovesSandboxNetnsAndPodObject()
    {
        var name = TestPods.NewName("delete");
        var created = await TestPods.CreateAsync(_node.Api, TestPods.SeedTemplate(name) with { Spec = TestPods.SeedTemplate(name).Spec with { TerminationGracePeriodSeconds = 30 } });
        await TestPods.WaitForAsync(_node.Api, name, TestPods.IsReady, StartTimeout, "Ready");
        var uid = created.Metadata.Uid!;
        var sandbox = Assert.Single(await SandboxesAsync(uid));
        var netns = await NetnsPathAsync(sandbox.Id);
        Assert.True(File.Exists(netns), netns);

        // Everything the API says about the pod until it goes: the last word is how its container ended.
        using var watchStop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var seen = new List<Pod>();
        var watch = Task.Run(async () =>
        {
            try
            {
                await foreach (var ev in _node.Api.WatchAsync(ResourceTypes.Pods, "default", created.Metadata.ResourceVersion, fieldSelector: $"spec.nodeName={AgentNodeFixture.NodeName}", ct: watchStop.Token))
                {
                    if (ev.Object is Pod p && p.Metadata.Uid == uid)
                    {
                        lock (seen)
                        {
                            seen.Add(p);
                        }

                        if (ev.Type == "DELETED")
                        {
                            return;
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var watchClock = Stopwatch.StartNew();
        await _node.Api.DeleteAsync(ResourceTypes.Pods, "default", name);
        await TestPods.WaitGoneAsync(_node.Api, name, TimeSpan.FromSeconds(60));
        watchClock.Stop();
        await watch.WaitAsync(TimeSpan.FromSeconds(10));

        // 30 s of grace, but the app exits on SIGTERM at once: a graceful stop, not a kill after the grace period. Exit
        // code 0 below proves it (SIGKILL gives 137); the bound is the "within terminationGracePeriodSeconds"
        // (a tighter one measured only how loaded the machine was).
        Assert.True(watchClock.Elapsed < TimeSpan.FromSeconds(30), $"deletion took {watchClock.Elapsed}, the whole grace period");
        Pod[] history;
        lock (seen)
        {
            history = [.. seen];
        }

        Assert.Contains(history, p => p.Metadata.DeletionTimestamp is not null);
        var final = history.Last(p => TestPods.App(p)?.State?.Terminated is not null);
        Assert.Equal(0, TestPods.App(final)!.State!.Terminated!.ExitCode);
        Assert.Empty(await SandboxesAsync(uid));
        Assert.Empty(await _node.Cri.ListContainersAsync(new CriV1.ContainerFilter { LabelSelector = { ["io.kubernetes.pod.uid"] = uid } }));
        Assert.False(File.Exists(netns), $"{netns} still exists");
        Assert.False(Directory.Exists($"/sys/fs/cgroup/memory{AgentNodeFixture.CgroupRoot}/pod{uid}"), "the pod cgroup is left behind");
    }

    [Fact]
    public async Task ForceDelete_RunningPod_SandboxRemovedAsNoLongerBound()
    {
        var name = TestPods.NewName("force");
        var created = await TestPods.CreateAsync(_node.Api, TestPods.SeedTemplate(name));
        await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p)?.State?.Running is not null, StartTimeout, "Running");

        // Grace 0 removes the object at once: the agent only learns that the pod is gone.
        await _node.Api.DeleteAsync(ResourceTypes.Pods, "default", name, gracePeriodSeconds: 0);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await SandboxesAsync(created.Metadata.Uid!)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sandbox of the deleted pod is still there");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task UnpullableImage_ImagePullBackOffWithRuntimeMessage()
    {
        var name = TestPods.NewName("badimage");
        // A registry on a closed loopback port: the pull fails fast and nothing leaves the host.
        var pod = TestPods.WithContainer(TestPods.SeedTemplate(name), c => c with { Image = "127.0.0.1:1/nope:1", ReadinessProbe = null });
        await TestPods.CreateAsync(_node.Api, pod);
        try
        {
            var seen = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p)?.State?.Waiting?.Reason == "ImagePullBackOff", StartTimeout, "ImagePullBackOff");

            var waiting = TestPods.App(seen)!.State!.Waiting!;
            Assert.Contains("127.0.0.1:1", waiting.Message, StringComparison.Ordinal);
            Assert.Equal("Pending", seen.Status!.Phase);
            Assert.False(TestPods.IsReady(seen));
            Assert.NotNull(seen.Status.PodIP);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
        }
    }

    [Fact]
    public async Task AgentRestart_RunningPod_AdoptsSameContainerAndRestartCount()
    {
        var name = TestPods.NewName("adopt");
        var created = await TestPods.CreateAsync(_node.Api, TestPods.SeedTemplate(name));
        try
        {
            var first = await TestPods.WaitForAsync(_node.Api, name, TestPods.IsReady, StartTimeout, "Ready");
            // One restart before the agent goes (the app killed under it): the count must survive the agent's restart.
            using (var process = Process.GetProcessById(await ContainerPidAsync(TestPods.App(first)!.ContainerID!["containerd://".Length..])))
            {
                process.Kill();
            }

            var before = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.IsReady(p) && TestPods.App(p)!.RestartCount == 1, StartTimeout, "restarted and Ready");
            var app = TestPods.App(before)!;
            var containers = await _node.Cri.ListContainersAsync(new CriV1.ContainerFilter { LabelSelector = { ["io.kubernetes.pod.uid"] = created.Metadata.Uid! } });

            await _node.StopManagerAsync();
            _node.StartManager();
            // Several resyncs and relists of the new agent, time to (wrongly) restart what it did not adopt; then Ready
            // is waited for, not read at once: the new agent's readiness probe has to pass again first, which a
            // loaded machine may put after the delay.
            await Task.Delay(TimeSpan.FromSeconds(5));

            var after = await TestPods.WaitForAsync(_node.Api, name, TestPods.IsReady, StartTimeout, "Ready after the restart");
            Assert.Equal(app.ContainerID, TestPods.App(after)!.ContainerID);
            Assert.Equal(app.RestartCount, TestPods.App(after)!.RestartCount);
            var containersAfter = await _node.Cri.ListContainersAsync(new CriV1.ContainerFilter { LabelSelector = { ["io.kubernetes.pod.uid"] = created.Metadata.Uid! } });
            Assert.Equal(containers.Select(c => c.Id).Order(), containersAfter.Select(c => c.Id).Order());
            Assert.Single(await SandboxesAsync(created.Metadata.Uid!));
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
        }
    }

    /// <summary>The body of a GET; retried for a few seconds while a container that just started is not listening yet.</summary>
    private async Task<string> GetWithRetriesAsync(Uri uri)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await _http.GetStringAsync(uri);
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<IReadOnlyList<CriV1.PodSandbox>> SandboxesAsync(string uid) =>
        await _node.Cri.ListPodSandboxAsync(new CriV1.PodSandboxFilter { LabelSelector = { ["io.kubernetes.pod.uid"] = uid } });

    private async Task<int> ContainerPidAsync(string containerId)
    {
        var status = await _node.Cri.ContainerStatusAsync(containerId, verbose: true);
        using var info = JsonDocument.Parse(status.Info["info"]);
        return info.RootElement.GetProperty("pid").GetInt32();
    }

    private async Task<string> NetnsPathAsync(string sandboxId)
    {
        var status = await _node.Cri.PodSandboxStatusAsync(sandboxId, verbose: true);
        using var info = JsonDocument.Parse(status.Info["info"]);
        foreach (var ns in info.RootElement.GetProperty("runtimeSpec").GetProperty("linux").GetProperty("namespaces").EnumerateArray())
        {
            if (ns.GetProperty("type").GetString() == "network" && ns.TryGetProperty("path", out var path))
            {
                return path.GetString() ?? "";
            }
        }

        return "";
    }

    private static Dictionary<string, string> ReadCgroupPaths(int pid)
    {
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
