using System.Diagnostics;
using System.Globalization;
using Drover.Api;
using Drover.Testing;

namespace Drover.Bench.Chaos;

/// <summary>
/// Does one fault to the cluster and undoes it as the real world would: a killed daemon is started again after
/// RestartSec (systemd's part), a cut pod network comes back after 8–15 s. Returns once the fault is over — the daemon
/// started again, the link up — which is when the time to converge starts. Only what the soak itself created is
/// touched: its own daemons, its own containerds' tasks, its own nodes' bridges.
/// </summary>
internal sealed class FaultInjector(ChaosCluster chaos, Random random)
{
    public async Task<string> InjectAsync(FaultKind kind)
    {
        return kind switch
        {
            FaultKind.DroverdKill => await chaos.FaultAsync(KillDroverdAsync).ConfigureAwait(false),
            FaultKind.AgentKill => await chaos.FaultAsync(KillAgentAsync).ConfigureAwait(false),
            FaultKind.ContainerdKill => await chaos.FaultAsync(KillContainerdAsync).ConfigureAwait(false),
            FaultKind.IngressKill => await chaos.FaultAsync(KillIngressAsync).ConfigureAwait(false),
            FaultKind.PodKill => await KillPodAsync().ConfigureAwait(false),
            FaultKind.NetworkCut => await CutNetworkAsync().ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private ClusterNode AnyNode() => chaos.Cluster.Nodes[random.Next(chaos.Cluster.Nodes.Count)];

    private async Task<string> KillDroverdAsync()
    {
        chaos.Droverd.KillHard();
        await Task.Delay(ChaosCluster.RestartDelay).ConfigureAwait(false);
        await chaos.Droverd.StartAgainAsync().ConfigureAwait(false);
        return "droverd";
    }

    private async Task<string> KillAgentAsync()
    {
        var node = AnyNode();
        if (node.Agent is { } agent)
            await agent.KillAsync().ConfigureAwait(false);
        await Task.Delay(ChaosCluster.RestartDelay).ConfigureAwait(false);
        chaos.Cluster.StartAgentAgain(node);
        return node.Name;
    }

    private async Task<string> KillContainerdAsync()
    {
        var node = AnyNode();
        if (ChaosCluster.ContainerdPid(node) is { } pid)
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        await Task.Delay(ChaosCluster.RestartDelay).ConfigureAwait(false);
        await ChaosCluster.StartContainerdAsync(node).ConfigureAwait(false);
        return node.Name;
    }

    private async Task<string> KillIngressAsync()
    {
        chaos.Ingress.KillHard();
        await Task.Delay(ChaosCluster.RestartDelay).ConfigureAwait(false);
        await chaos.Ingress.StartAgainAsync().ConfigureAwait(false);
        return "drover-ingress";
    }

    /// <summary>SIGKILL to the app container's task through its node's containerd, as the OOM killer or a crash would end it.</summary>
    private async Task<string> KillPodAsync()
    {
        using var api = chaos.Droverd.Client(TimeSpan.FromSeconds(10));
        var running = (await api.ListAsync(ResourceTypes.Pods, "default", SeedManifests.Selector).ConfigureAwait(false)).Items
            .OfType<Pod>()
            .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.ContainerStatuses is [{ ContainerID: { Length: > 0 } }, ..])
            .ToList();
        if (running.Count == 0)
            return "no running pod to kill";
        var pod = running[random.Next(running.Count)];
        var node = chaos.Cluster.Nodes.Single(n => n.Name == pod.Spec.NodeName);
        var containerId = pod.Status!.ContainerStatuses![0].ContainerID!;
        containerId = containerId[(containerId.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var killed = await ProcessRunner.RunAsync(ProcessRunner.Command("ctr", ["-a", node.SocketPath, "-n", "k8s.io", "task", "kill", "-s", "SIGKILL", containerId]), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return killed.ExitCode == 0
            ? $"{pod.Metadata.Name} on {node.Name}"
            : $"{pod.Metadata.Name} on {node.Name}: ctr task kill failed ({killed.Stderr.Trim()})";
    }

    /// <summary>
    /// The node's pod network cut for 8–15 s: every port of its bridge (the pods' veths) down, so its pods cannot be
    /// reached, neither by the ingress nor by their probes. The bridge itself stays up with its address: taking it down
    /// would drop its route, and traffic for the pods would follow the default route off the host.
    /// </summary>
    private async Task<string> CutNetworkAsync()
    {
        var node = AnyNode();
        var duration = TimeSpan.FromSeconds(8 + random.Next(8));
        var ports = await BridgePortsAsync(node.Bridge).ConfigureAwait(false);
        try
        {
            foreach (var port in ports)
                await IpLinkAsync(port, "down").ConfigureAwait(false);
            await Task.Delay(duration).ConfigureAwait(false);
        }
        finally
        {
            // A port whose pod went away meanwhile is gone with it; every other one must come up again.
            var remaining = (await BridgePortsAsync(node.Bridge).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            foreach (var port in ports.Where(remaining.Contains))
                await IpLinkAsync(port, "up").ConfigureAwait(false);
        }
        return string.Create(CultureInfo.InvariantCulture, $"{node.Name}: {ports.Count} pod port(s) of {node.Bridge} down {duration.TotalSeconds:0} s");
    }

    private static async Task<List<string>> BridgePortsAsync(string bridge)
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("ip", ["-o", "link", "show", "master", bridge]), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ip link show master {bridge} failed: {result.Stderr}");
        // "7: veth1a2b3c4d@if2: <BROADCAST,…> …": the name is the second field, before any "@".
        return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1].TrimEnd(':').Split('@')[0])];
    }

    private static async Task IpLinkAsync(string link, string state)
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("ip", ["link", "set", link, state]), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ip link set {link} {state} failed: {result.Stderr}");
    }
}
