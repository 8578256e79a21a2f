using System.Diagnostics;
using System.Text;
using Drover.Agent.Node.Tests;
using Drover.Api;
using Xunit.Abstractions;

namespace Drover.Agent.Cri.Tests;

/// <summary>
/// "Restarting containerd does not lose pods; the agent reconnects with backoff": the real agent process
/// with a Ready pod while its containerd daemon is stopped and started again (the shims, and the containers
/// under them, run on). The agent's /metrics is scraped here too, as a Prometheus server would.
/// </summary>
[Collection(ProcessNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class ContainerdRestartTests(ProcessNodeFixture node, ITestOutputHelper output)
{
    /// <summary>Long enough for several relists and a pod resync to hit the dead socket.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task ContainerdRestart_ReadyPod_KeepsServingSameContainerAndAgentReconnects()
    {
        var log = new StringBuilder();
        string Log() => log.ToString();
        var name = "crirestart-" + Guid.NewGuid().ToString("N")[..6];
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var agent = node.StartAgent(log);
        try
        {
            using var api = node.Droverd.Client();
            var created = await api.CreateAsync(ResourceTypes.Pods, ProcessNodeFixture.AppPod(name));
            node.Track(created);
            var before = await ProcessNodeFixture.WaitForPodAsync(api, name, ProcessNodeFixture.IsReady, "Ready", Log);
            var containerId = before.Status!.ContainerStatuses![0].ContainerID;
            var podIp = before.Status.PodIP!;
            Assert.Equal(0, before.Status.ContainerStatuses[0].RestartCount);

            // containerd goes away; the pod serves throughout and the agent neither crashes nor tears anything down.
            var logBefore = log.Length;
            var clock = Stopwatch.StartNew();
            await node.ContainerdAsync("stop-daemon");
            var served = 0;
            while (clock.Elapsed < Outage)
            {
                Assert.Equal("ok", (await http.GetStringAsync(new Uri($"http://{podIp}:3000/health"))).Trim());
                served++;
                Assert.False(agent.HasExited, "the agent exited while containerd was down\n" + Log());
                await Task.Delay(250);
            }

            await agent.WaitForLogAsync("Relisting CRI failed", TimeSpan.FromSeconds(10), logBefore);
            var restart = Stopwatch.StartNew();
            await node.ContainerdAsync("start-daemon");
            var gap = clock.Elapsed;
            var daemonStart = restart.Elapsed;
            await agent.WaitForLogAsync("CRI answers again", TimeSpan.FromSeconds(30), logBefore);
            var reconnected = restart.Elapsed;
            output.WriteLine($"containerd down for {gap.TotalMilliseconds:0} ms (start-daemon took {daemonStart.TotalMilliseconds:0} ms); " +
                $"the agent relisted CRI again {(reconnected - daemonStart).TotalMilliseconds:0} ms after containerd answered; {served} HTTP checks served meanwhile");

            // Back to normal: same container, no restart, still Ready — now and after a resync.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var after = await api.GetAsync(ResourceTypes.Pods, "default", name);
            Assert.True(ProcessNodeFixture.IsReady(after), "the pod is not Ready after containerd's restart\n" + Log());
            Assert.Equal("Running", after.Status!.Phase);
            Assert.Equal(containerId, after.Status.ContainerStatuses![0].ContainerID);
            Assert.Equal(0, after.Status.ContainerStatuses[0].RestartCount);
            var (runningId, restarts, ip) = await node.RunningAsync(created.Metadata.Uid!);
            Assert.Equal(containerId, "containerd://" + runningId);
            Assert.Equal(0, restarts);
            Assert.Equal(podIp, ip);
            Assert.Equal("ok", (await http.GetStringAsync(new Uri($"http://{podIp}:3000/health"))).Trim());

            // The agent's /metrics: every series the issue asks for, with values that fit what happened.
            var metrics = await MetricsText.ScrapeAsync(http, node.MetricsUrl);
            Assert.Equal(1, metrics.Value("drover_agent_pods{phase=\"Running\"}"));
            Assert.Equal(0, metrics.Value("drover_agent_pods{phase=\"Pending\"}"));
            Assert.True(metrics.Value("drover_agent_pod_sync_duration_seconds_count") > 0, metrics.Text);
            Assert.True(metrics.Value("drover_agent_pod_sync_duration_seconds_sum") > 0, metrics.Text);
            Assert.True(metrics.Value("drover_agent_cri_request_duration_seconds_count{method=\"RunPodSandbox\"}") >= 1, metrics.Text);
            Assert.True(metrics.Value("drover_agent_cri_request_duration_seconds_count{method=\"ListContainers\"}") > 1, metrics.Text);
            Assert.True(metrics.Value("drover_agent_cri_request_duration_seconds_bucket{method=\"ListContainers\",le=\"+Inf\"}") > 1, metrics.Text);
            Assert.True(metrics.Value("drover_agent_probe_results_total{probe=\"readiness\",result=\"success\"}") > 0, metrics.Text);
            Assert.True(metrics.Has("drover_agent_probe_results_total{probe=\"liveness\",result=\"failure\"}"), metrics.Text);
            Assert.Equal(0, metrics.Value("drover_agent_container_restarts_total"));
            Assert.True(metrics.Has("drover_agent_heartbeat_failures_total"), metrics.Text);
            Assert.DoesNotContain(name, metrics.Text, StringComparison.Ordinal);
            output.WriteLine($"/metrics: {metrics.Text.Length} bytes, {metrics.Text.Split('\n').Count(l => l.StartsWith("drover_agent_", StringComparison.Ordinal))} drover_agent_ samples");
        }
        finally
        {
            await node.DeletePodQuietlyAsync(name);
            await agent.DisposeAsync();
            output.WriteLine("agent log:\n" + Log());
        }
    }
}
