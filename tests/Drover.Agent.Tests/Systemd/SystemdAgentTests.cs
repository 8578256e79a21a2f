using System.Text;
using Drover.Agent.Node;
using Drover.Agent.Pods;
using Drover.Api;
using Drover.Testing;
using Xunit.Abstractions;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Systemd.Tests;

/// <summary>
/// The agent process under a simulated systemd: its notify socket is a real datagram socket, logind and
/// systemd are the test peer on a real private dbus-daemon, the pods are real containers on containerd 19.
/// </summary>
[Collection(SystemdNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class SystemdAgentTests(SystemdNodeFixture node, ITestOutputHelper output)
{
    private static Func<string> LogOf(StringBuilder log) => () => { lock (log) return log.ToString(); };

    private static NodeCondition? RuntimeUnit(Api.Node n) => n.Status?.Conditions?.FirstOrDefault(c => c.Type == NodeConditions.ContainerRuntimeUnit);

    [Fact]
    public async Task Agent_UnderSystemd_NotifiesInOrder_HoldsInhibitorLock_ReportsContainerdUnit()
    {
        var log = new StringBuilder();
        using var notify = NotifySocketListener.AtPath(Path.Combine(Path.GetTempPath(), $"drover-notify-{Guid.NewGuid():N}.sock"));
        var locksBefore = node.Peer.Locks.Count;
        node.Peer.ContainerdState = ("loaded", "active", "running");
        var agent = node.StartAgent(log, node.Bus.Address, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Name, ["WATCHDOG_USEC"] = "3000000" });
        try
        {
            var ready = await notify.WaitForAsync(t => t.StartsWith("READY=1", StringComparison.Ordinal), "READY=1", TimeSpan.FromSeconds(90), LogOf(log));
            Assert.StartsWith("STATUS=registering node " + SystemdNodeFixture.NodeName, notify.Messages[0].Text, StringComparison.Ordinal);
            Assert.Contains("STATUS=running 0 pod(s) as node " + SystemdNodeFixture.NodeName, ready.Text, StringComparison.Ordinal);

            // The delay lock, taken at start and held.
            await WaitUntilAsync(() => node.Peer.Locks.Count > locksBefore, "an Inhibit call", LogOf(log));
            var inhibitor = node.Peer.Locks[^1];
            Assert.Equal(("shutdown", "drover-agent", "Draining pods before shutdown", "delay"), (inhibitor.What, inhibitor.Who, inhibitor.Why, inhibitor.Mode));
            Assert.False(inhibitor.Released.IsCompleted);

            // containerd.service's state in the node's conditions, following systemd's changes.
            var active = await node.WaitForNodeAsync(n => RuntimeUnit(n)?.Status == "True", "ContainerRuntimeUnit=True", LogOf(log));
            Assert.Equal(("UnitActive", "containerd.service is active (running)"), (RuntimeUnit(active)!.Reason, RuntimeUnit(active)!.Message));
            node.Peer.ContainerdState = ("loaded", "failed", "failed");
            var failed = await node.WaitForNodeAsync(n => RuntimeUnit(n)?.Status == "False", "ContainerRuntimeUnit=False", LogOf(log));
            Assert.Equal(("UnitFailed", "containerd.service is failed (failed)"), (RuntimeUnit(failed)!.Reason, RuntimeUnit(failed)!.Message));
            var describe = await CliRunner.RunAsync(node.Droverd, "describe", "node", SystemdNodeFixture.NodeName);
            Assert.True(describe.ExitCode == 0, describe.ToString());
            Assert.Contains("ContainerRuntimeUnit", describe.Stdout, StringComparison.Ordinal);
            Assert.Contains("containerd.service is failed (failed)", describe.Stdout, StringComparison.Ordinal);

            // Pings from the relist loop at half of WATCHDOG_USEC: no gap systemd would act on.
            await Task.Delay(TimeSpan.FromSeconds(7));
            await agent.StopAsync();
            var stopping = await notify.WaitForAsync(t => t.StartsWith("STOPPING=1", StringComparison.Ordinal), "STOPPING=1", TimeSpan.FromSeconds(10), LogOf(log));

            var messages = notify.Messages;
            var pings = notify.Messages.Where(m => m.Text == "WATCHDOG=1" && m.At > ready.At && m.At < stopping.At).Select(m => m.At).ToList();
            Assert.True(pings.Count >= 3, $"{pings.Count} watchdog pings in ~10 s:\n{notify.Transcript}");
            var gaps = pings.Zip(pings.Skip(1), (a, b) => b - a).ToList();
            output.WriteLine($"READY=1 {(ready.At - messages[0].At).TotalSeconds:F2} s after the first STATUS; {pings.Count} watchdog pings, gaps {string.Join(", ", gaps.Select(g => g.TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s (WATCHDOG_USEC 3 s)");
            Assert.True(gaps.All(g => g >= TimeSpan.FromSeconds(1.4) && g < TimeSpan.FromSeconds(3)), "gaps " + string.Join(", ", gaps) + "\n" + notify.Transcript);
            var readyIndex = messages.ToList().FindIndex(m => m.Text.StartsWith("READY=1", StringComparison.Ordinal));
            var stoppingIndex = messages.ToList().FindIndex(m => m.Text.StartsWith("STOPPING=1", StringComparison.Ordinal));
            Assert.True(readyIndex < stoppingIndex, notify.Transcript);
            Assert.Single(messages, m => m.Text.StartsWith("READY=1", StringComparison.Ordinal));
            Assert.DoesNotContain(messages.Skip(stoppingIndex + 1), m => m.Text != "WATCHDOG=1");

            // The process exited: its descriptor, and so the lock, is gone.
            await inhibitor.Released.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await agent.DisposeAsync();
            node.Peer.ContainerdState = ("loaded", "active", "running");
        }
    }

    [Fact]
    public async Task PrepareForShutdown_StopsPodsWithinGraceAndDelay_CordonsThenReleasesLock_CancelTakesItAgain()
    {
        var log = new StringBuilder();
        node.Peer.InhibitDelayMaxUSec = 6_000_000;
        var locksBefore = node.Peer.Locks.Count;
        var agent = node.StartAgent(log, node.Bus.Address);
        using var api = node.Droverd.Client();
        try
        {
            // One pod whose preStop outlasts logind's delay (bounded by it), one bounded by its own grace period.
            var suffix = Guid.NewGuid().ToString("N")[..5];
            var names = new[] { "drain-long-" + suffix, "drain-short-" + suffix };
            var created = new List<Pod>
            {
                await api.CreateAsync(ResourceTypes.Pods, SystemdNodeFixture.SleepyPod(names[0], graceSeconds: 30, preStopSleepSeconds: 30)),
                await api.CreateAsync(ResourceTypes.Pods, SystemdNodeFixture.SleepyPod(names[1], graceSeconds: 3, preStopSleepSeconds: 1)),
            };
            created.ForEach(node.Track);
            foreach (var name in names)
                await WaitForPodAsync(api, name, p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Running is not null, "running", LogOf(log));
            await WaitUntilAsync(() => node.Peer.Locks.Count > locksBefore, "an Inhibit call", LogOf(log));
            var first = node.Peer.Locks[^1];
            Assert.False(first.Released.IsCompleted);

            var signalled = DateTimeOffset.UtcNow;
            node.Peer.PrepareForShutdown(true);
            var released = await first.Released.WaitAsync(TimeSpan.FromSeconds(20));

            // Reported before the release: the pods are Failed as the kubelet reports a node shutdown.
            foreach (var name in names)
            {
                var pod = (await api.TryGetAsync(ResourceTypes.Pods, "default", name))!;
                Assert.True(pod.Status?.Phase == "Failed" && pod.Status.Reason == "Terminated", $"{name}: {pod.Status?.Phase} {pod.Status?.Reason}\n{LogOf(log)()}");
                Assert.Equal("Pod was terminated in response to imminent node shutdown.", pod.Status!.Message);
            }

            // Stopped in CRI before the lock went, each within its bound.
            var finished = new List<DateTimeOffset>();
            foreach (var pod in created)
            {
                var containers = await node.Cri.ListContainersAsync(new CriV1.ContainerFilter { LabelSelector = { [PodLabels.PodUid] = pod.Metadata.Uid! } });
                Assert.All(containers, c => Assert.NotEqual(CriV1.ContainerState.ContainerRunning, c.State));
                var status = (await node.Cri.ContainerStatusAsync(Assert.Single(containers).Id)).Status;
                finished.Add(DateTimeOffset.FromUnixTimeMilliseconds(status.FinishedAt / 1_000_000));
            }
            var (longStop, shortStop) = (finished[0] - signalled, finished[1] - signalled);
            output.WriteLine($"PrepareForShutdown(true) → short pod stopped {shortStop.TotalSeconds:F2} s, long pod {longStop.TotalSeconds:F2} s, lock released {(released - signalled).TotalSeconds:F2} s (logind delay 6 s)");
            var facts = $"long pod stopped after {longStop}, short after {shortStop}, lock released after {released - signalled}\n{LogOf(log)()}";
            Assert.True(shortStop >= TimeSpan.FromSeconds(0.9) && shortStop < TimeSpan.FromSeconds(4), "short pod (preStop 1 s, grace 3 s): " + facts);
            Assert.True(longStop >= TimeSpan.FromSeconds(4) && longStop < TimeSpan.FromSeconds(6), "long pod (preStop 30 s, grace 30 s, logind delay 6 s): " + facts);
            Assert.True(released >= finished.Max(), "the lock went before the pods stopped: " + facts);
            Assert.True(released - signalled < TimeSpan.FromSeconds(6.5), "the lock outlived logind's delay: " + facts);

            var cordoned = await node.WaitForNodeAsync(n => n.Spec.Unschedulable == true, "unschedulable", LogOf(log));
            Assert.Equal(NodeCordon.ShutdownValue, cordoned.Metadata.Annotations?.GetValueOrDefault(NodeCordon.Annotation));

            // Cancelled: the lock is taken again and the node schedulable again.
            var locksNow = node.Peer.Locks.Count;
            node.Peer.PrepareForShutdown(false);
            await WaitUntilAsync(() => node.Peer.Locks.Count > locksNow, "a second Inhibit call", LogOf(log));
            Assert.False(node.Peer.Locks[^1].Released.IsCompleted);
            var uncordoned = await node.WaitForNodeAsync(n => n.Spec.Unschedulable != true, "schedulable again", LogOf(log));
            Assert.Null(uncordoned.Metadata.Annotations?.GetValueOrDefault(NodeCordon.Annotation));
            Assert.False(agent.HasExited);
        }
        finally
        {
            await node.DeletePodsQuietlyAsync();
            await agent.DisposeAsync();
            node.Peer.InhibitDelayMaxUSec = 5_000_000;
        }
    }

    [Fact]
    public async Task NoSystemBus_OneWarning_AgentReadyAndRunsOn()
    {
        var log = new StringBuilder();
        using var notify = NotifySocketListener.Abstract($"drover-notify-{Guid.NewGuid():N}");
        var missing = Path.Combine(Path.GetTempPath(), $"drover-no-bus-{Guid.NewGuid():N}.sock");
        var agent = node.StartAgent(log, "unix:path=" + missing, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Name });
        try
        {
            await notify.WaitForAsync(t => t.StartsWith("READY=1", StringComparison.Ordinal), "READY=1", TimeSpan.FromSeconds(90), LogOf(log));
            var ready = await node.WaitForNodeAsync(
                n => n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true && RuntimeUnit(n)?.Status == "Unknown", "Ready with ContainerRuntimeUnit Unknown", LogOf(log));
            Assert.Equal("SystemdUnavailable", RuntimeUnit(ready)!.Reason);
            await Task.Delay(TimeSpan.FromSeconds(3));

            Assert.False(agent.HasExited, LogOf(log)());
            var lines = LogOf(log)().Split('\n');
            Assert.Single(lines, l => l.Contains(missing, StringComparison.Ordinal));
            Assert.Single(lines, l => l.Contains(" warn: ", StringComparison.Ordinal) && l.Contains("systemd integration unavailable", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("logind", StringComparison.Ordinal) || l.Contains("Unhandled", StringComparison.Ordinal));
        }
        finally
        {
            await agent.DisposeAsync();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, Func<string> log)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (condition())
                return;
        }
        throw new TimeoutException($"never saw {what}\nagent log:\n{log()}");
    }

    private static async Task<Pod> WaitForPodAsync(Drover.Api.Client.DroverClient api, string name, Func<Pod, bool> condition, string what, Func<string> log)
    {
        Pod? last = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            last = await api.TryGetAsync(ResourceTypes.Pods, "default", name);
            if (last is not null && condition(last))
                return last;
        }
        throw new TimeoutException($"pod {name} never became {what} (phase {last?.Status?.Phase})\nagent log:\n{log()}");
    }
}
