using System.Globalization;
using System.Text;

namespace Drover.Agent.ServiceProxy;

/// <summary>
/// The service proxy's nftables table, kube-proxy's nftables layout in small: a verdict map from
/// (cluster IP, protocol, port) and one from (protocol, node port) to a chain per service port, which marks
/// traffic from outside the cluster CIDR for masquerade and picks an endpoint chain with <c>numgen random</c>; an
/// endpoint chain marks hairpin traffic (a pod reaching itself) and DNATs. <c>sessionAffinity: ClientIP</c> as
/// kube-proxy does it: a set per endpoint of the client addresses it served (entries expire after the affinity
/// timeout), which the service chain consults before balancing and the endpoint chain refreshes. Traffic policies
/// as kube-proxy's: <c>internalTrafficPolicy: Local</c> balances cluster-IP traffic over this node's endpoints only;
/// with <c>externalTrafficPolicy: Local</c> node-port and load-balancer traffic goes through an external chain that
/// sends outside clients to this node's endpoints without masquerade (the endpoint sees the client address), while
/// pods and the node itself are balanced over every endpoint of the cluster (kube-proxy's short-circuit, whatever the
/// internal policy); no local endpoint means drop, never another node. A transaction
/// rewrites only the service ports that changed; the first one after a start rewrites everything in place (flush,
/// never delete the table), so traffic flows throughout. Pure: state in, script out.
/// </summary>
internal static class NftRuleset
{
    public const string Table = "drover-proxy";
    private const string T = "ip " + Table;
    private const string MasqueradeMark = "0x00004000";

    /// <summary>Base chains, maps and their fixed rules; every statement idempotent (adds and flushes).</summary>
    public static void Skeleton(StringBuilder script)
    {
        ArgumentNullException.ThrowIfNull(script);
        script.Append("add table ").Append(T).Append('\n');
        script.Append("add map ").Append(T).Append(" service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }\n");
        script.Append("add map ").Append(T).Append(" service-nodeports { type inet_proto . inet_service : verdict ; }\n");
        script.Append("add chain ").Append(T).Append(" nat-prerouting { type nat hook prerouting priority dstnat ; policy accept ; }\n");
        script.Append("add chain ").Append(T).Append(" nat-output { type nat hook output priority -100 ; policy accept ; }\n");
        script.Append("add chain ").Append(T).Append(" nat-postrouting { type nat hook postrouting priority srcnat ; policy accept ; }\n");
        script.Append("add chain ").Append(T).Append(" services\n");
        script.Append("add chain ").Append(T).Append(" mark-for-masquerade\n");
        foreach (var chain in (string[])["nat-prerouting", "nat-output", "nat-postrouting", "services", "mark-for-masquerade"])
            script.Append("flush chain ").Append(T).Append(' ').Append(chain).Append('\n');
        script.Append("add rule ").Append(T).Append(" nat-prerouting jump services\n");
        script.Append("add rule ").Append(T).Append(" nat-output jump services\n");
        script.Append("add rule ").Append(T).Append(" services ip daddr . meta l4proto . th dport vmap @service-ips\n");
        script.Append("add rule ").Append(T).Append(" services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports\n");
        script.Append("add rule ").Append(T).Append(" mark-for-masquerade meta mark set meta mark | ").Append(MasqueradeMark).Append('\n');
        script.Append("add rule ").Append(T).Append(" nat-postrouting meta mark & ").Append(MasqueradeMark).Append(" == 0 return\n");
        script.Append("add rule ").Append(T).Append(" nat-postrouting meta mark set meta mark xor ").Append(MasqueradeMark).Append('\n');
        script.Append("add rule ").Append(T).Append(" nat-postrouting masquerade fully-random\n");
    }

    /// <summary>
    /// The transaction taking the kernel from <paramref name="applied"/> to <paramref name="desired"/>; with
    /// <paramref name="full"/> (the first after a start), everything is rewritten and every chain of ours in
    /// <paramref name="existingChains"/> that is no longer wanted goes. Empty when nothing changes.
    /// </summary>
    public static string Transaction(IReadOnlyDictionary<string, ProxiedPort> applied, IReadOnlyDictionary<string, ProxiedPort> desired,
        bool full, IReadOnlyCollection<string> existingChains, string clusterCidr)
    {
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(existingChains);
        var script = new StringBuilder();
        var removedElements = new StringBuilder();
        var rules = new StringBuilder();
        var addedElements = new StringBuilder();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        if (full)
        {
            Skeleton(script);
            removedElements.Append("flush map ").Append(T).Append(" service-ips\n");
            removedElements.Append("flush map ").Append(T).Append(" service-nodeports\n");
            foreach (var chain in existingChains)
                if (IsOurs(chain))
                    dropped.Add(chain);
        }
        foreach (var (key, port) in desired)
        {
            var old = applied.GetValueOrDefault(key);
            AddChainNames(port, wanted);
            if (!full && port.Equals(old))
                continue;
            if (!full && old is not null)
            {
                RemoveElements(removedElements, old);
                AddChainNames(old, dropped);
            }
            WriteChains(script, rules, port, clusterCidr);
            AddElements(addedElements, port);
        }
        if (!full)
        {
            foreach (var (key, old) in applied)
            {
                if (desired.ContainsKey(key))
                    continue;
                RemoveElements(removedElements, old);
                AddChainNames(old, dropped);
            }
        }
        dropped.ExceptWith(wanted);
        var droppedSets = dropped.Where(IsAffinitySet).Order(StringComparer.Ordinal).ToList();
        dropped.RemoveWhere(IsAffinitySet);
        if (script.Length == 0 && removedElements.Length == 0 && rules.Length == 0 && dropped.Count == 0 && droppedSets.Count == 0)
            return "";
        script.Append(removedElements).Append(rules).Append(addedElements);
        // Chains go last, once nothing refers to them any more: first emptied (a service chain's vmap refers to
        // endpoint chains), then deleted.
        var ordered = dropped.Order(StringComparer.Ordinal).ToList();
        foreach (var chain in ordered)
            script.Append("flush chain ").Append(T).Append(' ').Append(chain).Append('\n');
        foreach (var chain in ordered)
            script.Append("delete chain ").Append(T).Append(' ').Append(chain).Append('\n');
        // Affinity sets last, once no rule refers to them; declared first so that the delete cannot fail on one that
        // is gone already (nft 1.0.6 has no "destroy").
        foreach (var set in droppedSets)
            DeclareAffinitySet(script, set, 1);
        foreach (var set in droppedSets)
            script.Append("delete set ").Append(T).Append(' ').Append(set).Append('\n');
        return script.ToString();
    }

    /// <summary>The script that removes everything of ours (the uninstall, and tests).</summary>
    public static string Removal() => "delete table " + T + "\n";

    /// <summary>Chains and affinity sets of ours (what a full rewrite removes when no longer wanted).</summary>
    public static bool IsOurs(string chain) =>
        chain.StartsWith("svc-", StringComparison.Ordinal) || chain.StartsWith("ext-", StringComparison.Ordinal) || chain.StartsWith("clu-", StringComparison.Ordinal)
        || chain.StartsWith("ep-", StringComparison.Ordinal) || IsAffinitySet(chain);

    private static bool IsAffinitySet(string name) => name.StartsWith("aff-", StringComparison.Ordinal);

    public static string ServiceChain(ProxiedPort port) => "svc-" + Hash(port.Key);

    /// <summary>Node-port and load-balancer traffic of a port whose traffic policies tell it apart from cluster-IP traffic.</summary>
    public static string ExternalChain(ProxiedPort port) => "ext-" + Hash(port.Key);

    /// <summary>Pods' and the node's own node-port traffic over every endpoint, when the service chain keeps to local ones.</summary>
    public static string ClusterChain(ProxiedPort port) => "clu-" + Hash(port.Key);

    /// <summary>Where the node-port map sends a port's traffic.</summary>
    private static string ExternalTarget(ProxiedPort port) => port.HasExternalChain ? ExternalChain(port) : ServiceChain(port);

    public static string EndpointChain(ProxiedPort port, ProxyEndpoint endpoint) => "ep-" + EndpointHash(port, endpoint);

    /// <summary>The client addresses <paramref name="endpoint"/> served under sessionAffinity ClientIP (with their expiry).</summary>
    public static string AffinitySet(ProxiedPort port, ProxyEndpoint endpoint) => "aff-" + EndpointHash(port, endpoint);

    private static string EndpointHash(ProxiedPort port, ProxyEndpoint endpoint) =>
        Hash(port.Key + "|" + endpoint.Ip + ":" + endpoint.Port.ToString(CultureInfo.InvariantCulture));

    private static void AddChainNames(ProxiedPort port, HashSet<string> names)
    {
        names.Add(ServiceChain(port));
        if (port.HasExternalChain)
            names.Add(ExternalChain(port));
        if (port.HasClusterChain)
            names.Add(ClusterChain(port));
        foreach (var endpoint in port.Endpoints)
        {
            names.Add(EndpointChain(port, endpoint));
            if (port.AffinitySeconds > 0)
                names.Add(AffinitySet(port, endpoint));
        }
    }

    private static void DeclareAffinitySet(StringBuilder script, string set, int timeoutSeconds) =>
        script.Append("add set ").Append(T).Append(' ').Append(set).Append(" { type ipv4_addr ; flags dynamic,timeout ; timeout ")
            .Append(timeoutSeconds.ToString(CultureInfo.InvariantCulture)).Append("s ; }\n");

    private static void WriteChains(StringBuilder declarations, StringBuilder rules, ProxiedPort port, string clusterCidr)
    {
        var service = ServiceChain(port);
        declarations.Append("add chain ").Append(T).Append(' ').Append(service).Append('\n');
        rules.Append("flush chain ").Append(T).Append(' ').Append(service).Append('\n');
        // From outside the pod network (the host itself, a node port client): replies must come back through us.
        rules.Append("add rule ").Append(T).Append(' ').Append(service).Append(" ip saddr != ").Append(clusterCidr).Append(" jump mark-for-masquerade\n");
        if (port.AffinitySeconds > 0)
            foreach (var endpoint in port.Endpoints)
                DeclareAffinitySet(declarations, AffinitySet(port, endpoint), port.AffinitySeconds);
        Balance(rules, service, port, port.InternalLocal ? [.. port.LocalEndpoints] : port.Endpoints);
        if (port.HasExternalChain)
        {
            var external = ExternalChain(port);
            declarations.Append("add chain ").Append(T).Append(' ').Append(external).Append('\n');
            rules.Append("flush chain ").Append(T).Append(' ').Append(external).Append('\n');
            if (port.ExternalLocal)
            {
                // Pods and the node itself reaching a node port are cluster traffic over every endpoint (kube-proxy's
                // short-circuit), even under internalTrafficPolicy Local; a client from outside stays on this node,
                // unmasqueraded, so the endpoint sees its address.
                var cluster = service;
                if (port.HasClusterChain)
                {
                    cluster = ClusterChain(port);
                    declarations.Append("add chain ").Append(T).Append(' ').Append(cluster).Append('\n');
                    rules.Append("flush chain ").Append(T).Append(' ').Append(cluster).Append('\n');
                    rules.Append("add rule ").Append(T).Append(' ').Append(cluster).Append(" ip saddr != ").Append(clusterCidr).Append(" jump mark-for-masquerade\n");
                    Balance(rules, cluster, port, port.Endpoints);
                }
                rules.Append("add rule ").Append(T).Append(' ').Append(external).Append(" ip saddr ").Append(clusterCidr).Append(" goto ").Append(cluster).Append('\n');
                rules.Append("add rule ").Append(T).Append(' ').Append(external).Append(" fib saddr type local goto ").Append(cluster).Append('\n');
                Balance(rules, external, port, [.. port.LocalEndpoints]);
            }
            else
            {
                // internalTrafficPolicy Local only: external traffic is still balanced over the whole cluster.
                rules.Append("add rule ").Append(T).Append(' ').Append(external).Append(" ip saddr != ").Append(clusterCidr).Append(" jump mark-for-masquerade\n");
                Balance(rules, external, port, port.Endpoints);
            }
        }
        foreach (var endpoint in port.Endpoints)
        {
            var chain = EndpointChain(port, endpoint);
            declarations.Append("add chain ").Append(T).Append(' ').Append(chain).Append('\n');
            rules.Append("flush chain ").Append(T).Append(' ').Append(chain).Append('\n');
            // Hairpin: a pod reaching itself through the service must see the reply come from the service.
            rules.Append("add rule ").Append(T).Append(' ').Append(chain).Append(" ip saddr ").Append(endpoint.Ip).Append(" jump mark-for-masquerade\n");
            if (port.AffinitySeconds > 0)
                rules.Append("add rule ").Append(T).Append(' ').Append(chain).Append(" update @").Append(AffinitySet(port, endpoint)).Append(" { ip saddr }\n");
            rules.Append("add rule ").Append(T).Append(' ').Append(chain).Append(" meta l4proto ").Append(port.Protocol).Append(" dnat to ")
                .Append(endpoint.Ip).Append(':').Append(endpoint.Port.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    /// <summary>
    /// Picks one of <paramref name="endpoints"/>: a client seen within the affinity timeout goes back to the endpoint
    /// that served it, a new one is balanced with numgen. A policy that leaves no endpoint drops (kube-proxy: no
    /// local endpoints), rather than letting the untranslated packet wander.
    /// </summary>
    private static void Balance(StringBuilder rules, string chain, ProxiedPort port, IReadOnlyList<ProxyEndpoint> endpoints)
    {
        if (port.AffinitySeconds > 0)
            foreach (var endpoint in endpoints)
                rules.Append("add rule ").Append(T).Append(' ').Append(chain).Append(" ip saddr @").Append(AffinitySet(port, endpoint)).Append(" goto ").Append(EndpointChain(port, endpoint)).Append('\n');
        if (endpoints.Count == 0)
        {
            if (port.Endpoints.Count > 0)
                rules.Append("add rule ").Append(T).Append(' ').Append(chain).Append(" drop comment \"").Append(port.Key).Append(" has no local endpoints\"\n");
            return;
        }
        rules.Append("add rule ").Append(T).Append(' ').Append(chain).Append(" numgen random mod ").Append(endpoints.Count).Append(" vmap { ");
        for (var i = 0; i < endpoints.Count; i++)
            rules.Append(i == 0 ? "" : ", ").Append(i).Append(" : goto ").Append(EndpointChain(port, endpoints[i]));
        rules.Append(" } comment \"").Append(port.Key).Append("\"\n");
    }

    /// <summary>A port without ready endpoints has no map entry: its traffic is not translated (and finds no one).</summary>
    private static void AddElements(StringBuilder script, ProxiedPort port)
    {
        if (port.Endpoints.Count == 0)
            return;
        script.Append("add element ").Append(T).Append(" service-ips { ").Append(port.ClusterIp).Append(" . ").Append(port.Protocol).Append(" . ")
            .Append(port.Port.ToString(CultureInfo.InvariantCulture)).Append(" : goto ").Append(ServiceChain(port)).Append(" }\n");
        if (port.NodePort is { } nodePort)
            script.Append("add element ").Append(T).Append(" service-nodeports { ").Append(port.Protocol).Append(" . ")
                .Append(nodePort.ToString(CultureInfo.InvariantCulture)).Append(" : goto ").Append(ExternalTarget(port)).Append(" }\n");
        if (port.LoadBalancer)
            script.Append("add element ").Append(T).Append(" service-nodeports { ").Append(port.Protocol).Append(" . ")
                .Append(port.Port.ToString(CultureInfo.InvariantCulture)).Append(" : goto ").Append(ExternalTarget(port)).Append(" }\n");
    }

    private static void RemoveElements(StringBuilder script, ProxiedPort port)
    {
        if (port.Endpoints.Count == 0)
            return;
        script.Append("delete element ").Append(T).Append(" service-ips { ").Append(port.ClusterIp).Append(" . ").Append(port.Protocol).Append(" . ")
            .Append(port.Port.ToString(CultureInfo.InvariantCulture)).Append(" }\n");
        if (port.NodePort is { } nodePort)
            script.Append("delete element ").Append(T).Append(" service-nodeports { ").Append(port.Protocol).Append(" . ")
                .Append(nodePort.ToString(CultureInfo.InvariantCulture)).Append(" }\n");
        if (port.LoadBalancer)
            script.Append("delete element ").Append(T).Append(" service-nodeports { ").Append(port.Protocol).Append(" . ")
                .Append(port.Port.ToString(CultureInfo.InvariantCulture)).Append(" }\n");
    }

    /// <summary>FNV-1a, 64 bits in base32: a short, stable chain name for a key (names must be at most 255 bytes).</summary>
    private static string Hash(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in key)
            hash = (hash ^ c) * 1099511628211UL;
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        Span<char> chars = stackalloc char[13];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[(int)(hash & 31)];
            hash >>= 5;
        }
        return new string(chars);
    }
}
