using System.Globalization;
using Drover.E2E.Cluster.Tests;
using Drover.Api;
using Drover.Api.Client;
using Drover.Api.PodNetwork;
using Drover.Testing;

namespace Drover.E2E.PodNetwork.Tests;

/// <summary>
/// Issue 16's remaining proofs on the multi-host harness (kept apart from the Service steps of issue 15): the seed
/// Deployment, spread over the three hosts, answers through drover-ingress on host 1 from every pod; and Nodes with bad
/// pod-network input (a podCIDR overlapping a peer's, no InternalIP, an InternalIP or VTEP MAC that is another node's)
/// get their NetworkUnavailable condition and Warning Event while no host's route table or FDB takes them in.
/// </summary>
public abstract partial class PodNetworkEndToEndTests
{
    private const string SeedIngressHost = "my-app.local";

    /// <summary>After step 3's Service test (same step, later name), before step 4 scales the seed Deployment down.</summary>
    [Fact]
    [Step(3)]
    public async Task SeedService_ThroughTheIngressOnHostOne_EveryPodOnEveryHostAnswers()
    {
        // Applied again on its own (a no-op after step 3): the seed Deployment and Service plus an Ingress for them.
        await DroverOkAsync("apply", "-f", SeedManifests.WriteBehindIngress(Path.Combine(cluster.Directory, "seed-ingress"), SeedIngressHost));
        await DroverOkAsync("rollout", "status", "deployment/" + SeedManifests.DeploymentName, "--timeout", "300s");
        var servers = await SeedPodsAsync();
        Assert.True(servers.Select(p => p.Spec.NodeName).Distinct().Count() == MultiHostCluster.Nodes, "the seed Deployment is not spread over the three hosts: " + Describe(servers));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var requests = 0;
        var failures = new List<string>();
        await MultiHostCluster.WaitForAsync($"every seed pod answering through the ingress at {cluster.IngressAddress} (Host: {SeedIngressHost})", TimeSpan.FromSeconds(90), async () =>
        {
            var result = await MultiHostCluster.CurlAsync($"http://{cluster.IngressAddress}/", SeedIngressHost);
            requests++;
            var match = AnsweringPod().Match(result.Stdout);
            if (match.Success)
                seen.Add(match.Groups["pod"].Value);
            else if (seen.Count > 0)
                failures.Add($"{result.ExitCode}: {result.Stdout}{result.Stderr}".Trim());
            return (seen.Count == servers.Count, $"{requests} requests, seen {string.Join(",", seen)}; last: {result.Stdout}{result.Stderr}");
        });
        Assert.Equal(servers.Select(p => p.Metadata.Name!).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        // Once the ingress had the route, every request through it answered: no pod on a far host was unreachable.
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests through the ingress failed after the first answer: {string.Join(" | ", failures.Take(5))}");
    }

    /// <summary>
    /// Before step 8 (a node joining later takes the next podCIDR). Paper Nodes (no agent behind them, unschedulable), each
    /// wrong in one way, then a good one last: once the good one is routed on every host, every agent has acted on a
    /// Node list holding the bad ones too, so their absence from the kernel is a verdict, not a race.
    /// </summary>
    [Fact]
    [Step(8)]
    public async Task BadNodes_OverlapNoInternalIpAddressAndMacClash_ConditionAndEventNoHostRoutesThem()
    {
        using var api = cluster.Client();
        var nodes = new Dictionary<string, Api.Node>(StringComparer.Ordinal);
        for (var host = 1; host <= MultiHostCluster.Nodes; host++)
            nodes["node-" + host.ToString(CultureInfo.InvariantCulture)] = await api.GetAsync(ResourceTypes.Nodes, null, "node-" + host.ToString(CultureInfo.InvariantCulture));
        var vxlan = nodes["node-1"].Metadata.Annotations?.GetValueOrDefault(PodNetworkAnnotations.Backend) == "vxlan";
        var backend = vxlan ? "vxlan" : "host-gw";
        var node1Mac = nodes["node-1"].Metadata.Annotations?.GetValueOrDefault(PodNetworkAnnotations.VtepMac);
        Assert.True(!vxlan || node1Mac is not null, "node-1 publishes no VTEP MAC with vxlan");
        var node2Cidr = nodes["node-2"].Spec.PodCIDR!;
        var prefix = string.Join('.', node2Cidr.Split('.')[..2]);
        var overlap = string.Join('.', node2Cidr.Split('/')[0].Split('.')[..3]) + ".128/25";

        // name, podCIDR, InternalIP (null: none), VTEP MAC, the reason droverd must give.
        var bad = new List<(string Name, string Cidr, string? Ip, string Mac, string Reason)>
        {
            ("bad-overlap", overlap, cluster.LanAddress(201), "0a:00:00:00:c9:01", PodNetworkPeers.PodCidrOverlap),
            ("bad-noip", $"{prefix}.250.0/24", null, "0a:00:00:00:c9:02", PodNetworkPeers.NoInternalIp),
            ("bad-ip", $"{prefix}.251.0/24", cluster.LanAddress(13), "0a:00:00:00:c9:03", PodNetworkPeers.InternalIpClash),
        };
        // A MAC is a peer's identity with vxlan only; with host-gw it is not looked at.
        if (vxlan)
            bad.Add(("bad-mac", $"{prefix}.252.0/24", cluster.LanAddress(203), node1Mac!, PodNetworkPeers.VtepMacClash));
        var canary = ("good-late", $"{prefix}.253.0/24", cluster.LanAddress(204), "0a:00:00:00:c9:04");
        try
        {
            foreach (var (name, cidr, ip, mac, _) in bad)
                await CreatePaperNodeAsync(api, name, cidr, ip, mac, backend);
            await CreatePaperNodeAsync(api, canary.Item1, canary.Item2, canary.Item3, canary.Item4, backend);

            foreach (var (name, _, _, _, reason) in bad)
            {
                await MultiHostCluster.WaitForAsync($"{name}: NetworkUnavailable=True ({reason}) and a Warning Event", TimeSpan.FromSeconds(60), async () =>
                {
                    var node = await api.GetAsync(ResourceTypes.Nodes, null, name);
                    var condition = node.Status?.Conditions?.Find(c => c.Type == "NetworkUnavailable");
                    var events = await api.ListAsync(ResourceTypes.Events, "default", fieldSelector: $"involvedObject.name={name},reason={reason}");
                    var warned = events.Items.OfType<Event>().Any(e => e.Type == "Warning");
                    return (condition?.Status == "True" && condition.Reason == reason && warned, $"condition {condition?.Status} {condition?.Reason} \"{condition?.Message}\", Warning Event: {warned}");
                });
            }

            // Every host routes the good newcomer: each agent has acted on a list that holds the bad Nodes.
            for (var host = 1; host <= MultiHostCluster.Nodes; host++)
            {
                var h = host;
                await MultiHostCluster.WaitForAsync($"host {h} routing {canary.Item1} ({canary.Item2})", TimeSpan.FromSeconds(30), async () =>
                {
                    var routes = await RoutesAsync(h);
                    return (routes.Any(r => r.StartsWith(canary.Item2 + " ", StringComparison.Ordinal)), string.Join(" | ", routes));
                });
            }

            for (var host = 1; host <= MultiHostCluster.Nodes; host++)
            {
                var routes = await RoutesAsync(host);
                foreach (var (name, cidr, _, _, _) in bad)
                    Assert.False(routes.Any(r => r.StartsWith(cidr + " ", StringComparison.Ordinal)), $"host {host} routes {name}'s {cidr}: {string.Join(" | ", routes)}");
                // The peers' routes are untouched, node-2's too (the overlap was not laid over it).
                foreach (var (peer, node) in nodes.Where(n => n.Key != "node-" + host.ToString(CultureInfo.InvariantCulture)))
                    Assert.True(routes.Count(r => r.StartsWith(node.Spec.PodCIDR + " ", StringComparison.Ordinal)) == 1, $"host {host} lost or doubled its route to {peer}'s {node.Spec.PodCIDR}: {string.Join(" | ", routes)}");
                if (!vxlan)
                    continue;
                var fdb = await FdbAsync(host);
                foreach (var (name, _, ip, _, _) in bad.Where(b => b.Ip is not null && b.Reason != PodNetworkPeers.InternalIpClash))
                    Assert.False(fdb.Any(l => l.Contains(" dst " + ip + " ", StringComparison.Ordinal)), $"host {host}'s FDB sends to {name} ({ip}): {string.Join(" | ", fdb)}");
                if (host != 1)
                {
                    var node1Entries = fdb.Where(l => l.StartsWith(node1Mac + " ", StringComparison.Ordinal)).ToList();
                    Assert.True(node1Entries.Count == 1 && node1Entries[0].Contains(" dst " + cluster.LanAddress(11) + " ", StringComparison.Ordinal),
                        $"host {host}: node-1's VTEP MAC {node1Mac} no longer goes to {cluster.LanAddress(11)} alone: {string.Join(" | ", node1Entries)}");
                }
            }

            // And the real pods still reach each other across hosts.
            var pods = await cluster.HelloPodsAsync();
            var first = pods.Single(p => p.Spec.NodeName == "node-1");
            var second = pods.Single(p => p.Spec.NodeName == "node-2");
            var reached = await cluster.CurlFromPodAsync(first.Status!.PodIP!, $"http://{second.Status!.PodIP}:3000/cgi-bin/whoami");
            Assert.True(reached.ExitCode == 0 && reached.Stdout.Contains(second.Metadata.Name!, StringComparison.Ordinal), $"node-1's pod → node-2's pod with the bad Nodes present: {reached.Stdout}{reached.Stderr}");
        }
        finally
        {
            foreach (var name in bad.Select(b => b.Name).Append(canary.Item1))
            {
                try
                {
                    await api.DeleteAsync(ResourceTypes.Nodes, null, name);
                }
                catch (ApiClientException e) when (e.Code == 404)
                {
                    // Its create failed: nothing to remove.
                }
            }
        }

        // Gone from the API, gone from every host.
        for (var host = 1; host <= MultiHostCluster.Nodes; host++)
        {
            var h = host;
            await MultiHostCluster.WaitForAsync($"host {h}'s route to the deleted {canary.Item1}", TimeSpan.FromSeconds(30), async () =>
            {
                var routes = await RoutesAsync(h);
                return (!routes.Any(r => r.StartsWith(canary.Item2 + " ", StringComparison.Ordinal)), string.Join(" | ", routes));
            });
        }
    }

    /// <summary>A Node as an agent registers it (podCIDR, backend, VTEP MAC), unschedulable, then its first status (addresses, no conditions).</summary>
    private static async Task CreatePaperNodeAsync(DroverClient api, string name, string podCidr, string? internalIp, string mac, string backend)
    {
        await api.CreateAsync(ResourceTypes.Nodes, new Api.Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new ObjectMeta
            {
                Name = name,
                Annotations = new Dictionary<string, string> { [PodNetworkAnnotations.Backend] = backend, [PodNetworkAnnotations.VtepMac] = mac },
            },
            Spec = new NodeSpec { PodCIDR = podCidr, PodCIDRs = [podCidr], Unschedulable = true },
        });
        List<NodeAddress> addresses = internalIp is null ? [new NodeAddress { Type = "Hostname", Address = name }] : [new NodeAddress { Type = "InternalIP", Address = internalIp }];
        // droverd's pod-network controller may write its condition between the create and this.
        await ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var current = await api.GetAsync(ResourceTypes.Nodes, null, name);
            await api.UpdateAsync(ResourceTypes.Nodes, current with { Status = (current.Status ?? new NodeStatus()) with { Addresses = addresses } }, "status");
        });
    }

    /// <summary>Host <paramref name="host"/>'s IPv4 main table, one route a line ("DEST via … dev …").</summary>
    private async Task<List<string>> RoutesAsync(int host)
    {
        var result = await cluster.RunOnHostAsync(host, "ip", "-4", "-o", "route", "show");
        Assert.True(result.ExitCode == 0, $"ip route on host {host}: {result.Stderr}");
        return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>Host <paramref name="host"/>'s VXLAN forwarding entries ("MAC dst ADDRESS self permanent").</summary>
    private async Task<List<string>> FdbAsync(int host)
    {
        // The agent's VXLAN device (PodNetworkNames.VxlanDevice; flannel's is flannel.VNI).
        var result = await cluster.RunOnHostAsync(host, "bridge", "fdb", "show", "dev", "drover-vxlan");
        Assert.True(result.ExitCode == 0, $"bridge fdb on host {host}: {result.Stderr}");
        return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l + " ")];
    }
}
