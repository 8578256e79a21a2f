using System.Diagnostics;
using System.Globalization;
using Drover.Agent.ServiceProxy;
using Drover.Api;
using Drover.Testing;

namespace Drover.Agent.ServiceProxy.Tests;

/// <summary>
/// internalTrafficPolicy and externalTrafficPolicy Local in the real kernel (run under <c>flock -o /tmp/drover-e2e.lock</c>):
/// three network namespaces of the test's own, so traffic is forwarded and masquerade shows. The "node" routes between
/// a pod namespace (10.42.7.0/24: endpoint "a" 10.42.7.5:3000 on this node, "b" 10.42.7.6:3001 on another) and a
/// client outside the cluster (203.0.113.10, a documentation address), and a client pod of the cluster (10.42.8.9, in a
/// namespace of its own, routed through the node). The endpoints answer their name on / and
/// the client address they see on /cgi-bin/who. The proxy's own model and renderer program the node's nftables.
/// </summary>
[Trait("Category", "Process")]
public sealed class TrafficPolicyKernelTests : IAsyncLifetime
{
    private const string ClusterIp = "10.43.7.7";
    private const string NodeAddress = "203.0.113.1";
    private const string ClientAddress = "203.0.113.10";
    private const int NodePort = 30080;
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];
    private readonly List<Process> _servers = [];
    private readonly string _root = Directory.CreateTempSubdirectory("svcpolicy-").FullName;
    private bool _proxied;

    private string Node => "drover-tpn-" + _id;
    private string Pods => "drover-tpp-" + _id;
    private string Client => "drover-tpc-" + _id;
    private string PodClient => "drover-tpk-" + _id;

    private NftClient Nft => new(["ip", "netns", "exec", Node, "nft"]);

    public async Task InitializeAsync()
    {
        foreach (var ns in new[] { Node, Pods, Client, PodClient })
            await Ip("netns", "add", ns);
        try
        {
            await SetUpAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync()
    {
        foreach (var ns in new[] { Node, Pods, Client, PodClient })
            await In(ns, "ip", "link", "set", "lo", "up");
        await Ip("link", "add", "tpe" + _id, "netns", Node, "type", "veth", "peer", "name", "tpp" + _id, "netns", Pods);
        await Ip("link", "add", "tpc" + _id, "netns", Node, "type", "veth", "peer", "name", "tpk" + _id, "netns", Client);
        await In(Node, "ip", "addr", "add", "10.42.7.1/24", "dev", "tpe" + _id);
        await In(Node, "ip", "addr", "add", NodeAddress + "/24", "dev", "tpc" + _id);
        await In(Node, "ip", "link", "set", "tpe" + _id, "up");
        await In(Node, "ip", "link", "set", "tpc" + _id, "up");
        await In(Node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        await In(Pods, "ip", "addr", "add", "10.42.7.5/24", "dev", "tpp" + _id);
        await In(Pods, "ip", "addr", "add", "10.42.7.6/24", "dev", "tpp" + _id);
        await In(Pods, "ip", "link", "set", "tpp" + _id, "up");
        await In(Pods, "ip", "route", "add", "default", "via", "10.42.7.1");
        await In(Client, "ip", "addr", "add", ClientAddress + "/24", "dev", "tpk" + _id);
        await In(Client, "ip", "link", "set", "tpk" + _id, "up");
        await In(Client, "ip", "route", "add", "default", "via", NodeAddress);
        await Ip("link", "add", "tpq" + _id, "netns", Node, "type", "veth", "peer", "name", "tpr" + _id, "netns", PodClient);
        await In(Node, "ip", "addr", "add", "10.42.8.1/24", "dev", "tpq" + _id);
        await In(Node, "ip", "link", "set", "tpq" + _id, "up");
        await In(PodClient, "ip", "addr", "add", "10.42.8.9/24", "dev", "tpr" + _id);
        await In(PodClient, "ip", "link", "set", "tpr" + _id, "up");
        await In(PodClient, "ip", "route", "add", "default", "via", "10.42.8.1");
        foreach (var (name, address, port) in new[] { ("a", "10.42.7.5", 3000), ("b", "10.42.7.6", 3001) })
        {
            var dir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
            await File.WriteAllTextAsync(Path.Combine(dir, "index.html"), name);
            var cgi = Directory.CreateDirectory(Path.Combine(dir, "cgi-bin")).FullName;
            var who = Path.Combine(cgi, "who");
            await File.WriteAllTextAsync(who, "#!/bin/sh\necho \"Content-Type: text/plain\"\necho\necho \"$REMOTE_ADDR\"\n");
            File.SetUnixFileMode(who, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            _servers.Add(Process.Start(ProcessRunner.Command("ip", ["netns", "exec", Pods, "busybox", "httpd", "-f", "-p", $"{address}:{port.ToString(CultureInfo.InvariantCulture)}", "-h", dir]))!);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Kill();
            await server.WaitForExitAsync();
            server.Dispose();
        }
        foreach (var ns in new[] { Node, Pods, Client, PodClient })
            await ProcessRunner.RunAsync(ProcessRunner.Command("ip", ["netns", "del", ns]), TimeSpan.FromSeconds(10));
        Directory.Delete(_root, recursive: true);
    }

    private static async Task Ip(params string[] args)
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("ip", args), TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', args)}: {result}");
    }

    private static Task In(string ns, params string[] args) => Ip(["netns", "exec", ns, .. args]);

    private Task<string?> GetAsync(string url) => GetFromAsync(Client, url);

    private static async Task<string?> GetFromAsync(string ns, string url)
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("ip", ["netns", "exec", ns, "curl", "-s", "-m", "3", url]), TimeSpan.FromSeconds(10));
        return result.ExitCode == 0 ? result.Stdout.Trim() : null;
    }

    private static Service Service(string internalPolicy, string externalPolicy) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = "web", Namespace = "policy" },
        Spec = new ServiceSpec
        {
            Type = "NodePort",
            ClusterIP = ClusterIp,
            InternalTrafficPolicy = internalPolicy,
            ExternalTrafficPolicy = externalPolicy,
            Ports = [new ServicePort { Name = "http", Port = 80, Protocol = "TCP", NodePort = NodePort }],
        },
    };

    private static EndpointSlice Slice(string name, string ip, int port, string node) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "policy", Labels = new() { [WellKnownLabels.ServiceName] = "web" } },
        AddressType = "IPv4",
        Ports = [new EndpointSlicePort { Name = "http", Port = port, Protocol = "TCP" }],
        Endpoints = [new SliceEndpoint { Addresses = [ip], NodeName = node, Conditions = new EndpointConditions { Ready = true, Serving = true, Terminating = false } }],
    };

    private static readonly EndpointSlice[] Slices = [Slice("web-a", "10.42.7.5", 3000, "this-node"), Slice("web-b", "10.42.7.6", 3001, "other-node")];

    /// <summary>Programs the node as the proxy does: the model for this node, then the transaction from what is applied.</summary>
    private async Task<Dictionary<string, ProxiedPort>> ProgramAsync(Dictionary<string, ProxiedPort> applied, Service service)
    {
        var desired = ProxyModel.Build([service], Slices, "this-node");
        await Nft.ApplyAsync(NftRuleset.Transaction(applied, desired, full: !_proxied, [], "10.42.0.0/16"), default);
        _proxied = true;
        return desired;
    }

    private async Task<HashSet<string?>> AnswersAsync(string url, int requests)
    {
        var seen = new HashSet<string?>();
        for (var i = 0; i < requests; i++)
            seen.Add(await GetAsync(url));
        return seen;
    }

    [Fact]
    public async Task Proxy_LocalTrafficPolicies_OnlyThisNodesEndpointAndTheClientAddressPreserved()
    {
        try
        {
            var applied = await ProgramAsync([], Service("Local", "Local"));

            // Local: 16 requests (each would miss the other endpoint with probability 1/2 under Cluster) all reach a.
            Assert.Equal("a", Assert.Single(await AnswersAsync($"http://{ClusterIp}/", 16)));
            Assert.Equal("a", Assert.Single(await AnswersAsync($"http://{NodeAddress}:{NodePort}/", 16)));
            // externalTrafficPolicy Local: no masquerade, the endpoint sees the client itself.
            Assert.Equal(ClientAddress, await GetAsync($"http://{NodeAddress}:{NodePort}/cgi-bin/who"));

            // Back to Cluster in one incremental transaction: both endpoints, and the client masqueraded to the node.
            await ProgramAsync(applied, Service("Cluster", "Cluster"));
            var seen = new HashSet<string?>();
            for (var i = 0; i < 60 && seen.Count < 2; i++)
                seen.Add(await GetAsync($"http://{NodeAddress}:{NodePort}/"));
            Assert.Equal("a,b", string.Join(',', seen.Order()));
            Assert.Equal("10.42.7.1", await GetAsync($"http://{NodeAddress}:{NodePort}/cgi-bin/who"));
            Assert.DoesNotContain("ext-", await Nft.ListTableAsync(NftRuleset.Table, default), StringComparison.Ordinal);
        }
        finally
        {
            if (_proxied)
                await Nft.ApplyAsync(NftRuleset.Removal(), default);
        }
    }

    /// <summary>
    /// kube-proxy's short-circuit: a pod reaching a node port is balanced over the cluster's endpoints even when both
    /// policies are Local (as if it went out to a load balancer and came back), while its cluster-IP traffic keeps to
    /// this node's endpoint and an outside client to this node's, unmasqueraded.
    /// </summary>
    [Fact]
    public async Task Proxy_BothPoliciesLocal_PodReachingTheNodePortGetsEveryEndpoint()
    {
        try
        {
            await ProgramAsync([], Service("Local", "Local"));

            var seen = new HashSet<string?>();
            for (var i = 0; i < 60 && seen.Count < 2; i++)
                seen.Add(await GetFromAsync(PodClient, $"http://{NodeAddress}:{NodePort}/"));
            Assert.Equal("a,b", string.Join(',', seen.Order()));
            // The pod's own address reaches the endpoint: pod traffic is never masqueraded.
            Assert.Equal("10.42.8.9", await GetFromAsync(PodClient, $"http://{NodeAddress}:{NodePort}/cgi-bin/who"));

            var clusterIp = new HashSet<string?>();
            for (var i = 0; i < 16; i++)
                clusterIp.Add(await GetFromAsync(PodClient, $"http://{ClusterIp}/"));
            Assert.Equal("a", Assert.Single(clusterIp));
            Assert.Equal("a", Assert.Single(await AnswersAsync($"http://{NodeAddress}:{NodePort}/", 16)));
            Assert.Equal(ClientAddress, await GetAsync($"http://{NodeAddress}:{NodePort}/cgi-bin/who"));
        }
        finally
        {
            if (_proxied)
                await Nft.ApplyAsync(NftRuleset.Removal(), default);
        }
    }
}
