using Drover.Agent.ServiceProxy;

namespace Drover.Agent.ServiceProxy.Tests;

public sealed class NftRulesetTests
{
    private const string Cidr = "10.42.0.0/16";

    private static ProxiedPort Port(string name, string ip, params string[] endpoints) =>
        new($"default/{name}:80/tcp", ip, "tcp", 80, null, [.. endpoints.Select(e => new ProxyEndpoint(e, 3000))]);

    private static Dictionary<string, ProxiedPort> State(params ProxiedPort[] ports) => ports.ToDictionary(p => p.Key, StringComparer.Ordinal);

    [Fact]
    public void Transaction_Full_SkeletonMapsAndEveryService_StaleChainsDeletedLast()
    {
        var desired = State(Port("web", "10.43.0.10", "10.42.0.5", "10.42.0.6"));

        var script = NftRuleset.Transaction(State(), desired, full: true, ["services", "svc-stale", "ep-stale"], Cidr);

        Assert.Contains("add table ip drover-proxy", script, StringComparison.Ordinal);
        Assert.Contains("flush map ip drover-proxy service-ips", script, StringComparison.Ordinal);
        Assert.Contains("add element ip drover-proxy service-ips { 10.43.0.10 . tcp . 80 : goto " + NftRuleset.ServiceChain(desired.Values.Single()) + " }", script, StringComparison.Ordinal);
        Assert.Contains("numgen random mod 2 vmap", script, StringComparison.Ordinal);
        Assert.Contains("dnat to 10.42.0.6:3000", script, StringComparison.Ordinal);
        Assert.DoesNotContain("delete table", script, StringComparison.Ordinal);
        Assert.DoesNotContain("delete chain ip drover-proxy services", script, StringComparison.Ordinal);
        Assert.True(script.IndexOf("delete chain ip drover-proxy svc-stale", StringComparison.Ordinal) > script.LastIndexOf("add element", StringComparison.Ordinal));
    }

    [Fact]
    public void Transaction_OneServiceChanged_TouchesOnlyThatService()
    {
        var others = Enumerable.Range(0, 50).Select(i => Port($"s{i}", $"10.43.1.{i + 1}", $"10.42.1.{i + 1}")).ToArray();
        var before = State([.. others, Port("web", "10.43.0.10", "10.42.0.5", "10.42.0.6")]);
        var after = State([.. others, Port("web", "10.43.0.10", "10.42.0.5")]);

        var script = NftRuleset.Transaction(before, after, full: false, [], Cidr);

        foreach (var other in others)
            Assert.DoesNotContain(NftRuleset.ServiceChain(other), script, StringComparison.Ordinal);
        Assert.DoesNotContain("add table", script, StringComparison.Ordinal);
        var web = after.Values.Single(p => p.Key.Contains("/web:", StringComparison.Ordinal));
        Assert.Contains("flush chain ip drover-proxy " + NftRuleset.ServiceChain(web), script, StringComparison.Ordinal);
        // The removed endpoint's chain goes after the service chain no longer jumps to it.
        var removed = NftRuleset.EndpointChain(web, new ProxyEndpoint("10.42.0.6", 3000));
        Assert.True(script.IndexOf("delete chain ip drover-proxy " + removed, StringComparison.Ordinal) > script.IndexOf("numgen random mod 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Transaction_NothingChanged_Empty()
    {
        var state = State(Port("web", "10.43.0.10", "10.42.0.5"));

        Assert.Equal("", NftRuleset.Transaction(state, State(Port("web", "10.43.0.10", "10.42.0.5")), full: false, [], Cidr));
    }

    [Fact]
    public void Transaction_ServiceRemoved_ElementDeletedThenChains()
    {
        var web = Port("web", "10.43.0.10", "10.42.0.5");

        var script = NftRuleset.Transaction(State(web), State(), full: false, [], Cidr);

        Assert.StartsWith("delete element ip drover-proxy service-ips { 10.43.0.10 . tcp . 80 }", script, StringComparison.Ordinal);
        Assert.Contains("delete chain ip drover-proxy " + NftRuleset.ServiceChain(web), script, StringComparison.Ordinal);
    }

    [Fact]
    public void Transaction_NoReadyEndpoints_NoMapEntry()
    {
        var script = NftRuleset.Transaction(State(), State(Port("web", "10.43.0.10")), full: false, [], Cidr);

        Assert.DoesNotContain("add element", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Transaction_ClientIpAffinity_SetPerEndpointConsultedBeforeBalancingAndRefreshedOnDnat()
    {
        var web = Port("web", "10.43.0.10", "10.42.0.5", "10.42.0.6") with { AffinitySeconds = 10800 };

        var script = NftRuleset.Transaction(State(), State(web), full: false, [], Cidr);

        foreach (var endpoint in web.Endpoints)
        {
            var set = NftRuleset.AffinitySet(web, endpoint);
            var chain = NftRuleset.EndpointChain(web, endpoint);
            Assert.Contains($"add set ip drover-proxy {set} {{ type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }}", script, StringComparison.Ordinal);
            var sticky = script.IndexOf($"add rule ip drover-proxy {NftRuleset.ServiceChain(web)} ip saddr @{set} goto {chain}", StringComparison.Ordinal);
            Assert.True(sticky > script.IndexOf("add set ip drover-proxy " + set, StringComparison.Ordinal), "the set is declared before a rule uses it");
            Assert.True(sticky < script.IndexOf("numgen random", StringComparison.Ordinal), "a known client skips the balancing");
            Assert.Contains($"add rule ip drover-proxy {chain} update @{set} {{ ip saddr }}", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Transaction_AffinityTurnedOff_SetsDeletedAfterNoRuleUsesThem()
    {
        var sticky = Port("web", "10.43.0.10", "10.42.0.5") with { AffinitySeconds = 10800 };
        var plain = Port("web", "10.43.0.10", "10.42.0.5");
        var set = NftRuleset.AffinitySet(sticky, sticky.Endpoints[0]);

        var script = NftRuleset.Transaction(State(sticky), State(plain), full: false, [], Cidr);

        Assert.DoesNotContain("@" + set, script, StringComparison.Ordinal);
        Assert.True(script.IndexOf("delete set ip drover-proxy " + set, StringComparison.Ordinal) > script.LastIndexOf("flush chain", StringComparison.Ordinal));
        Assert.DoesNotContain("delete chain", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Transaction_FullAfterRestart_StaleAffinitySetsOfOursRemovedOthersKept()
    {
        var script = NftRuleset.Transaction(State(), State(Port("web", "10.43.0.10", "10.42.0.5")), full: true, ["aff-stale", "svc-stale", "not-ours"], Cidr);

        Assert.Contains("delete set ip drover-proxy aff-stale", script, StringComparison.Ordinal);
        Assert.DoesNotContain("not-ours", script, StringComparison.Ordinal);
        Assert.True(script.IndexOf("delete set", StringComparison.Ordinal) > script.IndexOf("delete chain ip drover-proxy svc-stale", StringComparison.Ordinal));
    }

    [Fact]
    public void Transaction_LoadBalancer_ServicePortOnTheNodesAddressesBesideTheNodePort()
    {
        var lb = new ProxiedPort("default/web:80/tcp", "10.43.0.10", "tcp", 80, 30080, [new ProxyEndpoint("10.42.0.5", 3000)], LoadBalancer: true);

        var added = NftRuleset.Transaction(State(), State(lb), full: false, [], Cidr);
        var removed = NftRuleset.Transaction(State(lb), State(), full: false, [], Cidr);

        Assert.Contains("add element ip drover-proxy service-nodeports { tcp . 80 : goto " + NftRuleset.ServiceChain(lb) + " }", added, StringComparison.Ordinal);
        Assert.Contains("add element ip drover-proxy service-nodeports { tcp . 30080 : goto ", added, StringComparison.Ordinal);
        Assert.Contains("delete element ip drover-proxy service-nodeports { tcp . 80 }", removed, StringComparison.Ordinal);
    }

    private static ProxiedPort LocalPolicyPort(bool internalLocal, bool externalLocal, params ProxyEndpoint[] endpoints) =>
        new("default/web:80/tcp", "10.43.0.10", "tcp", 80, 30080, endpoints, InternalLocal: internalLocal, ExternalLocal: externalLocal);

    private static string Rules(string script, string chain) =>
        string.Join('\n', script.Split('\n').Where(line => line.StartsWith("add rule ip drover-proxy " + chain + " ", StringComparison.Ordinal)));

    [Fact]
    public void Transaction_InternalTrafficPolicyLocal_ClusterIpBalancedOverLocalEndpointsOnly()
    {
        var web = LocalPolicyPort(true, false, new("10.42.0.5", 3000, Local: true), new("10.42.1.5", 3000), new("10.42.0.6", 3000, Local: true));

        var script = NftRuleset.Transaction(State(), State(web), full: false, [], Cidr);

        var service = Rules(script, NftRuleset.ServiceChain(web));
        Assert.Contains("numgen random mod 2 vmap { 0 : goto " + NftRuleset.EndpointChain(web, web.Endpoints[0]) + ", 1 : goto " + NftRuleset.EndpointChain(web, web.Endpoints[2]) + " }", service, StringComparison.Ordinal);
        Assert.DoesNotContain(NftRuleset.EndpointChain(web, web.Endpoints[1]), service, StringComparison.Ordinal);
        // External traffic keeps the Cluster policy: all three, masqueraded from outside.
        var external = Rules(script, NftRuleset.ExternalChain(web));
        Assert.Contains("numgen random mod 3", external, StringComparison.Ordinal);
        Assert.Contains("jump mark-for-masquerade", external, StringComparison.Ordinal);
        Assert.Contains("service-nodeports { tcp . 30080 : goto " + NftRuleset.ExternalChain(web) + " }", script, StringComparison.Ordinal);
        Assert.Contains("service-ips { 10.43.0.10 . tcp . 80 : goto " + NftRuleset.ServiceChain(web) + " }", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Transaction_ExternalTrafficPolicyLocal_OutsideClientsToLocalEndpointsUnmasqueraded()
    {
        var web = LocalPolicyPort(false, true, new("10.42.0.5", 3000, Local: true), new("10.42.1.5", 3000));

        var script = NftRuleset.Transaction(State(), State(web), full: false, [], Cidr);

        var external = Rules(script, NftRuleset.ExternalChain(web)).Split('\n');
        Assert.Equal(3, external.Length);
        Assert.EndsWith("ip saddr 10.42.0.0/16 goto " + NftRuleset.ServiceChain(web), external[0], StringComparison.Ordinal);
        Assert.EndsWith("fib saddr type local goto " + NftRuleset.ServiceChain(web), external[1], StringComparison.Ordinal);
        Assert.Contains("numgen random mod 1 vmap { 0 : goto " + NftRuleset.EndpointChain(web, web.Endpoints[0]) + " }", external[2], StringComparison.Ordinal);
        Assert.DoesNotContain("masquerade", string.Join('\n', external), StringComparison.Ordinal);
        Assert.Contains("numgen random mod 2", Rules(script, NftRuleset.ServiceChain(web)), StringComparison.Ordinal);
    }

    [Fact]
    public void Transaction_LocalPolicyWithoutLocalEndpoints_Drops()
    {
        var web = LocalPolicyPort(true, true, new ProxyEndpoint("10.42.1.5", 3000));

        var script = NftRuleset.Transaction(State(), State(web), full: false, [], Cidr);

        Assert.Contains(" drop comment", Rules(script, NftRuleset.ServiceChain(web)), StringComparison.Ordinal);
        Assert.Contains(" drop comment", Rules(script, NftRuleset.ExternalChain(web)), StringComparison.Ordinal);
        Assert.DoesNotContain("numgen", Rules(script, NftRuleset.ServiceChain(web)), StringComparison.Ordinal);
        Assert.DoesNotContain("numgen", Rules(script, NftRuleset.ExternalChain(web)), StringComparison.Ordinal);
    }

    [Fact]
    public void Transaction_BothPoliciesLocal_PodsAndNodeReachingTheNodePortShortCircuitToEveryEndpoint()
    {
        var web = LocalPolicyPort(true, true, new("10.42.0.5", 3000, Local: true), new("10.42.1.5", 3000));

        var script = NftRuleset.Transaction(State(), State(web), full: false, [], Cidr);

        var cluster = NftRuleset.ClusterChain(web);
        var external = Rules(script, NftRuleset.ExternalChain(web)).Split('\n');
        Assert.EndsWith("ip saddr 10.42.0.0/16 goto " + cluster, external[0], StringComparison.Ordinal);
        Assert.EndsWith("fib saddr type local goto " + cluster, external[1], StringComparison.Ordinal);
        Assert.Contains("numgen random mod 1 vmap { 0 : goto " + NftRuleset.EndpointChain(web, web.Endpoints[0]) + " }", external[2], StringComparison.Ordinal);
        // Over both endpoints, the node's own traffic masqueraded (it leaves with a node address for another node's pod).
        var shortCircuit = Rules(script, cluster);
        Assert.Contains("ip saddr != 10.42.0.0/16 jump mark-for-masquerade", shortCircuit, StringComparison.Ordinal);
        Assert.Contains("numgen random mod 2 vmap { 0 : goto " + NftRuleset.EndpointChain(web, web.Endpoints[0]) + ", 1 : goto " + NftRuleset.EndpointChain(web, web.Endpoints[1]) + " }", shortCircuit, StringComparison.Ordinal);
        // Cluster-IP traffic keeps to the local endpoint.
        Assert.Contains("numgen random mod 1 vmap { 0 : goto " + NftRuleset.EndpointChain(web, web.Endpoints[0]) + " }", Rules(script, NftRuleset.ServiceChain(web)), StringComparison.Ordinal);
        Assert.True(script.IndexOf("add chain ip drover-proxy " + cluster, StringComparison.Ordinal) < script.IndexOf("goto " + cluster, StringComparison.Ordinal));

        // Internal policy back to Cluster: the service chain serves the short-circuit again, the chain of its own goes last.
        var back = NftRuleset.Transaction(State(web), State(web with { InternalLocal = false }), full: false, [], Cidr);
        Assert.EndsWith("ip saddr 10.42.0.0/16 goto " + NftRuleset.ServiceChain(web), Rules(back, NftRuleset.ExternalChain(web)).Split('\n')[0], StringComparison.Ordinal);
        Assert.True(back.IndexOf("delete chain ip drover-proxy " + cluster, StringComparison.Ordinal) > back.IndexOf("add rule ip drover-proxy " + NftRuleset.ExternalChain(web), StringComparison.Ordinal));
        Assert.DoesNotContain("add chain ip drover-proxy " + cluster, back, StringComparison.Ordinal);
    }

    [Fact]
    public void Transaction_PolicyBackToCluster_ExternalChainDeletedAfterTheMapNoLongerNamesIt()
    {
        var local = LocalPolicyPort(false, true, new ProxyEndpoint("10.42.0.5", 3000, Local: true));
        var cluster = local with { ExternalLocal = false };

        var script = NftRuleset.Transaction(State(local), State(cluster), full: false, [], Cidr);

        var external = NftRuleset.ExternalChain(local);
        Assert.True(script.IndexOf("delete chain ip drover-proxy " + external, StringComparison.Ordinal) > script.IndexOf("service-nodeports { tcp . 30080 : goto " + NftRuleset.ServiceChain(local), StringComparison.Ordinal));
        Assert.DoesNotContain("add chain ip drover-proxy " + external, script, StringComparison.Ordinal);
    }
}
