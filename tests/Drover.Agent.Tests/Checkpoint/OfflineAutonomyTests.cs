using System.Diagnostics;
using System.Text;
using Drover.Agent.Node.Tests;
using Drover.Api;
using Xunit.Abstractions;

namespace Drover.Agent.Checkpoint.Tests;

/// <summary>
/// Issue 3's offline autonomy, end to end with real processes: droverd stopped, the agent and every
/// container of the node killed (a simulated reboot), the agent started with droverd still away → the pods
/// serve again within 10 s from the checkpoint; droverd started again → the agent reconciles: the pod still
/// bound keeps the container that ran offline (no restart), the pod deleted meanwhile is torn down.
/// </summary>
[Collection(ProcessNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class OfflineAutonomyTests(ProcessNodeFixture node, ITestOutputHelper output)
{
    /// <summary>The budget from the agent's start to the pod serving again.</summary>
    private static readonly TimeSpan ServeBudget = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AgentStart_DroverdDownAfterReboot_PodsServeFromCheckpointAndReconcileWithoutRestart()
    {
        var log = new StringBuilder();
        string Log() => log.ToString();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (name, goneName) = ("offline-" + suffix, "offline-gone-" + suffix);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(1) };
        var agent = node.StartAgent(log);
        try
        {
            // 1. Two pods run, Ready, with droverd up; their specs are checkpointed (0600).
            Pod created, gone;
            using (var api = node.Droverd.Client())
            {
                created = await api.CreateAsync(ResourceTypes.Pods, ProcessNodeFixture.AppPod(name));
                node.Track(created);
                gone = await api.CreateAsync(ResourceTypes.Pods, ProcessNodeFixture.AppPod(goneName));
                node.Track(gone);
                var ready = await ProcessNodeFixture.WaitForPodAsync(api, name, ProcessNodeFixture.IsReady, "Ready", Log);
                await ProcessNodeFixture.WaitForPodAsync(api, goneName, ProcessNodeFixture.IsReady, "Ready", Log);
                output.WriteLine($"before the reboot: pod IP {ready.Status!.PodIP}, container {ready.Status.ContainerStatuses![0].ContainerID}");
            }

            var (uid, goneUid) = (created.Metadata.Uid!, gone.Metadata.Uid!);
            var checkpointFile = Path.Combine(node.AgentDataDirectory, "checkpoint", "pods", uid + ".json");
            var goneCheckpointFile = Path.Combine(node.AgentDataDirectory, "checkpoint", "pods", goneUid + ".json");
            Assert.True(File.Exists(checkpointFile), "no checkpoint file for the pod\n" + Log());
            Assert.True(File.Exists(goneCheckpointFile), "no checkpoint file for the second pod\n" + Log());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(checkpointFile));

            // 2. The agent dies, and while it is dead the second pod is deleted for good (grace 0: nobody waits
            //    for the node); the agent cannot know. Then the uplink dies (droverd stopped) and the device
            //    loses power: containerd, shims and containers SIGKILLed, network namespaces, bridge and
            //    containerd's state gone; containerd boots again on its disk (run-private.sh reboot says why).
            await agent.KillAsync();
            using (var api = node.Droverd.Client())
            {
                await api.DeleteAsync(ResourceTypes.Pods, "default", goneName, gracePeriodSeconds: 0);
                Assert.Null(await api.TryGetAsync(ResourceTypes.Pods, "default", goneName));
            }

            await node.Droverd.StopAsync();
            await node.ContainerdAsync("reboot");
            Assert.Null((await node.RunningAsync(uid)).ContainerId);

            // 3. The agent boots with droverd unreachable: both pods serve again from the checkpoint.
            var logBefore = log.Length;
            var clock = Stopwatch.StartNew();
            agent = node.StartAgent(log);
            var (offlineId, offlineRestarts, offlineIp) = await WaitServingAsync(uid, http, Log, TimeSpan.FromSeconds(60));
            var serving = clock.Elapsed;
            var goneIp = (await WaitServingAsync(goneUid, http, Log, TimeSpan.FromSeconds(60))).PodIp;
            var bothServing = clock.Elapsed;
            output.WriteLine($"offline start -> serving: {serving.TotalMilliseconds:0} ms (pod IP {offlineIp}, container {offlineId}, restartCount {offlineRestarts}); both pods: {bothServing.TotalMilliseconds:0} ms");
            Assert.True(serving <= ServeBudget, $"the pod served {serving.TotalSeconds:0.0} s after the agent started, over the {ServeBudget.TotalSeconds} s budget\n{Log()}");
            Assert.True(bothServing <= ServeBudget, $"both pods served {bothServing.TotalSeconds:0.0} s after the agent started, over the {ServeBudget.TotalSeconds} s budget\n{Log()}");
            Assert.StartsWith(ProcessNodeFixture.PodCidrPrefix, offlineIp, StringComparison.Ordinal);
            await agent.WaitForLogAsync("starting the 2 checkpointed pods", TimeSpan.FromSeconds(5), logBefore);

            // Offline it stays up: no restart while droverd is away.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal((offlineId, offlineRestarts, offlineIp), await node.RunningAsync(uid));

            // 4. droverd comes back: the agent lists, keeps the same container of the pod still bound and writes
            //    its status; the pod deleted meanwhile is torn down and forgotten.
            clock.Restart();
            await node.Droverd.StartAgainAsync();
            var droverdBack = clock.Elapsed;
            using (var api = node.Droverd.Client())
            {
                var reconciled = await ProcessNodeFixture.WaitForPodAsync(api, name,
                    p => ProcessNodeFixture.IsReady(p) && p.Status?.ContainerStatuses?[0].ContainerID == "containerd://" + offlineId,
                    "Ready with the container that ran offline", Log);
                output.WriteLine($"droverd start took {droverdBack.TotalMilliseconds:0} ms; status with the offline container written {(clock.Elapsed - droverdBack).TotalMilliseconds:0} ms later");
                await agent.WaitForLogAsync("Listed the pods again after starting from the checkpoint: 1 bound here, 1 no longer", TimeSpan.FromSeconds(5), logBefore);

                var app = reconciled.Status!.ContainerStatuses![0];
                Assert.Equal(offlineRestarts, app.RestartCount);
                Assert.Equal(offlineIp, reconciled.Status.PodIP);
                Assert.NotNull(app.State?.Running);

                for (var deadline = DateTime.UtcNow.AddSeconds(30); (await node.Cri.ListPodSandboxAsync(new Cri.V1.PodSandboxFilter { LabelSelector = { [Pods.PodLabels.PodUid] = goneUid } })).Count > 0 || File.Exists(goneCheckpointFile); await Task.Delay(200))
                {
                    Assert.True(DateTime.UtcNow < deadline, "the pod deleted while the agent was down was not torn down\n" + Log());
                }

                using (var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMilliseconds(500) })
                {
                    await Assert.ThrowsAnyAsync<Exception>(() => probe.GetStringAsync(new Uri($"http://{goneIp}:3000/health")));
                }

                // Nothing restarts after the reconcile either (a resync or two later).
                await Task.Delay(TimeSpan.FromSeconds(3));
                Assert.Equal((offlineId, offlineRestarts, offlineIp), await node.RunningAsync(uid));
                var later = await api.GetAsync(ResourceTypes.Pods, "default", name);
                Assert.Equal("containerd://" + offlineId, later.Status!.ContainerStatuses![0].ContainerID);
                Assert.Equal(offlineRestarts, later.Status.ContainerStatuses[0].RestartCount);
                Assert.Equal("ok", (await http.GetStringAsync(new Uri($"http://{offlineIp}:3000/health"))).Trim());

                // 5. The agent's own view of it, in its metrics: the heartbeat failed while droverd was away; the
                //    reboot cost each pod one container restart, and nothing since; one pod left, Running.
                var metrics = await MetricsText.ScrapeAsync(http, node.MetricsUrl);
                Assert.True(metrics.Value("drover_agent_heartbeat_failures_total") > 0, metrics.Text);
                Assert.Equal(2, metrics.Value("drover_agent_container_restarts_total"));
                Assert.Equal(1, metrics.Value("drover_agent_pods{phase=\"Running\"}"));

                // 6. Deleted for good: the agent tears it down and forgets its checkpoint.
                await api.DeleteAsync(ResourceTypes.Pods, "default", name, gracePeriodSeconds: 1);
                for (var deadline = DateTime.UtcNow.AddSeconds(30); await api.TryGetAsync(ResourceTypes.Pods, "default", name) is not null;)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the agent did not finish the pod's deletion\n" + Log());
                    await Task.Delay(200);
                }

                for (var deadline = DateTime.UtcNow.AddSeconds(10); File.Exists(checkpointFile); await Task.Delay(100))
                {
                    Assert.True(DateTime.UtcNow < deadline, "the checkpoint of the deleted pod is still there\n" + Log());
                }
            }
        }
        finally
        {
            await node.DeletePodQuietlyAsync(name);
            await node.DeletePodQuietlyAsync(goneName);
            await agent.DisposeAsync();
            output.WriteLine("agent log:\n" + Log());
        }
    }

    /// <summary>Polls CRI for the pod's running container and its IP, then its /health, until it answers 200.</summary>
    private async Task<(string ContainerId, int RestartCount, string PodIp)> WaitServingAsync(string uid, HttpClient http, Func<string> log, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var (id, restarts, ip) = await node.RunningAsync(uid);
            if (id is not null && ip is not null)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://{ip}:3000/health"));
                    if (response.IsSuccessStatusCode)
                    {
                        return (id, restarts, ip);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the pod never served again within {timeout}\nagent log:\n{log()}");
    }
}
