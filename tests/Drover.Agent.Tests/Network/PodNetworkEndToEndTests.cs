using System.Text.RegularExpressions;
using Drover.Agent.Cluster.Tests;
using Drover.Api;
using Drover.Testing;

namespace Drover.Agent.Network.Tests;

/// <summary>
/// Issue 16 on real separate network stacks (<see cref="MultiHostCluster"/>): pods reach each other across hosts by
/// pod IP without NAT, the ingress on host 1 reaches pods on every host, and a host that falls off the LAN has its
/// pods replaced and, back, rejoins with its stale pods cleaned up. The same steps for each backend; the node failure
/// is last.
/// </summary>
[Trait("Category", "Process")]
public abstract partial class PodNetworkEndToEndTests(MultiHostCluster cluster)
{
    /// <summary>The issue's bound for a dead node's pods to be replaced (grace 20 s + eviction 10 s here), plus a pod start on a loaded host.</summary>
    private static readonly TimeSpan ReplaceBound = TimeSpan.FromSeconds(150);

    [Fact]
    [Step(1)]
    public async Task PodToPod_AcrossHosts_BothWaysServerSeesClientPodIp()
    {
        var pods = await cluster.HelloPodsAsync();
        var first = pods.Single(p => p.Spec.NodeName == "node-1");
        var third = pods.Single(p => p.Spec.NodeName == "node-3");

        foreach (var (client, server) in new[] { (first, third), (third, first) })
        {
            var result = await cluster.CurlFromPodAsync(client.Status!.PodIP!, $"http://{server.Status!.PodIP}:3000/cgi-bin/whoami");

            Assert.True(result.ExitCode == 0, $"{client.Metadata.Name} → {server.Status.PodIP}: {result.Stderr}\n{cluster.Logs()}");
            // busybox httpd prints an IPv4 peer as [::ffff:A.B.C.D].
            Assert.Equal(client.Status.PodIP, ClientAddress().Match(result.Stdout).Groups["ip"].Value);
            Assert.Contains(server.Metadata.Name!, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Step(2)]
    public async Task Ingress_OnHostOne_ReachesPodsOnEveryHost()
    {
        var pods = await cluster.HelloPodsAsync();
        Assert.Equal(["node-1", "node-2", "node-3"], pods.Select(p => p.Spec.NodeName!).Order(StringComparer.Ordinal));

        await AnswersFromEveryPodAsync([.. pods.Select(p => p.Metadata.Name!)]);
    }

    [Fact]
    [Step(3)]
    public async Task NodeFailure_LinkDownThenUp_PodsReplacedThenStaleOnesCleaned()
    {
        var down = await cluster.SetLinkAsync(3, up: false);
        Assert.True(down.ExitCode == 0, down.Stderr);
        try
        {
            await MultiHostCluster.WaitForAsync("node-3's pod replaced on the other hosts", ReplaceBound, async () =>
            {
                var pods = await cluster.HelloPodsAsync();
                return (pods.Count == 3 && pods.All(p => p.Spec.NodeName != "node-3" && TestCluster.IsReady(p)), Describe(pods));
            });
            await AnswersFromEveryPodAsync([.. (await cluster.HelloPodsAsync()).Select(p => p.Metadata.Name!)]);
        }
        finally
        {
            var up = await cluster.SetLinkAsync(3, up: true);
            Assert.True(up.ExitCode == 0, up.Stderr);
        }

        await MultiHostCluster.WaitForAsync("node-3 Ready again with its stale pod gone", TimeSpan.FromSeconds(120), async () =>
        {
            using var api = cluster.Client();
            var node = await api.GetAsync(ResourceTypes.Nodes, null, "node-3");
            var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True";
            var containers = await cluster.AppContainersOnHostAsync(3);
            return (ready && containers == 0, $"Ready={ready}, app containers on host 3: {containers}");
        });
        var after = await cluster.HelloPodsAsync();
        Assert.Equal(3, after.Count);
        using (var api = cluster.Client())
        {
            // Nothing started twice: the ReplicaSet has its 3 pods, no more.
            var all = await api.ListAsync(ResourceTypes.Pods, "default", labelSelector: "app=hello");
            Assert.Equal(3, all.Items.OfType<Pod>().Count(p => p.Metadata.DeletionTimestamp is null));
        }
    }

    private async Task AnswersFromEveryPodAsync(IReadOnlyList<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await MultiHostCluster.WaitForAsync("the ingress answering from every pod " + string.Join(",", names), TimeSpan.FromSeconds(60), async () =>
        {
            var result = await MultiHostCluster.CurlAsync($"http://{cluster.IngressAddress}/", "hello.local");
            foreach (var name in names)
            {
                if (result.Stdout.Contains(name, StringComparison.Ordinal))
                    seen.Add(name);
            }
            return (seen.Count == names.Count, $"seen {string.Join(",", seen)}; last: {result.Stdout}{result.Stderr}");
        });
    }

    private static string Describe(IReadOnlyList<Pod> pods) =>
        string.Join(", ", pods.Select(p => $"{p.Metadata.Name}@{p.Spec.NodeName} ready={TestCluster.IsReady(p)}"));

    [GeneratedRegex(@"sees client \[?(::ffff:)?(?<ip>[0-9.]+)\]?")]
    private static partial Regex ClientAddress();
}

[CollectionDefinition(Name)]
public sealed class HostGwClusterCollection : ICollectionFixture<HostGwCluster>
{
    public const string Name = "multi-host cluster, host-gw";
}

[CollectionDefinition(Name)]
public sealed class VxlanClusterCollection : ICollectionFixture<VxlanCluster>
{
    public const string Name = "multi-host cluster, vxlan";
}

[Collection(HostGwClusterCollection.Name)]
[TestCaseOrderer(StepOrderer.TypeName, StepOrderer.AssemblyName)]
[Trait("Category", "Process")]
public sealed class HostGwPodNetworkTests(HostGwCluster cluster) : PodNetworkEndToEndTests(cluster);

[Collection(VxlanClusterCollection.Name)]
[TestCaseOrderer(StepOrderer.TypeName, StepOrderer.AssemblyName)]
[Trait("Category", "Process")]
public sealed class VxlanPodNetworkTests(VxlanCluster cluster) : PodNetworkEndToEndTests(cluster);
