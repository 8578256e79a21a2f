using System.Globalization;
using System.Net;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Testing;

/// <summary>
/// droverd in high availability on this machine: a 3-member etcd cluster and several droverd replicas on it, the
/// first started fresh, the others joined to it with its server token (as <c>install.sh server --server … --token …</c>
/// does). Each replica reaches each etcd member through its own <see cref="TcpForwarder"/>, so a test can cut one
/// replica off from etcd while the others keep it.
/// </summary>
public sealed class HaCluster : IAsyncDisposable
{
    private HaCluster(EtcdCluster etcd, TcpForwarder[][] links)
    {
        Etcd = etcd;
        Links = links;
        Replicas = new DroverdProcess[links.Length];
    }

    public EtcdCluster Etcd { get; }

    /// <summary>[replica][member]: the relays replica r dials for etcd member m.</summary>
    public TcpForwarder[][] Links { get; }

    public DroverdProcess[] Replicas { get; }

    public string ServerToken => File.ReadAllText(Path.Combine(Replicas[0].DataDirectory, "credentials", "server-token")).Trim();

    public static Task<HaCluster> StartAsync(int replicas = 3, params string[] extraArgs) => StartAsync(DroverBinaries.Built, replicas, extraArgs);

    /// <summary>As above, with droverd from <paramref name="binaries"/> (the published Native AOT binary for benchmarks).</summary>
    public static async Task<HaCluster> StartAsync(DroverBinaries binaries, int replicas = 3, params string[] extraArgs)
    {
        ArgumentNullException.ThrowIfNull(binaries);
        var etcd = await EtcdCluster.StartAsync(members: 3).ConfigureAwait(false);
        var links = new TcpForwarder[replicas][];
        for (var r = 0; r < replicas; r++)
            links[r] = [.. etcd.ClientUrls.Select(url => new TcpForwarder(new IPEndPoint(IPAddress.Loopback, url.Port)))];
        var cluster = new HaCluster(etcd, links);
        try
        {
            cluster.Replicas[0] = await DroverdProcess.StartFromAsync(binaries, null, [.. cluster.DatastoreArgs(0), .. extraArgs]).ConfigureAwait(false);
            for (var r = 1; r < replicas; r++)
            {
                cluster.Replicas[r] = await DroverdProcess.StartFromAsync(binaries, null,
                    [.. cluster.DatastoreArgs(r), "--server", cluster.Url(0).ToString(), "--token", cluster.ServerToken, .. extraArgs]).ConfigureAwait(false);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Uri Url(int replica) => new($"https://127.0.0.1:{Replicas[replica].Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The admin's settings with every replica to fail over to.</summary>
    public ClientSettings Settings => ClientSettings.Load(Replicas[0].ClientConfigPath) with
    {
        Server = Url(0),
        Servers = [.. Enumerable.Range(0, Replicas.Length).Select(Url)],
    };

    /// <summary>The admin's settings that go to <paramref name="replica"/> first and fail over to the others, in order.</summary>
    public ClientSettings SettingsStartingAt(int replica) => Settings with
    {
        Server = Url(replica),
        Servers = [.. Enumerable.Range(0, Replicas.Length).Select(i => Url((replica + i) % Replicas.Length))],
    };

    public DroverClient Client(TimeSpan? timeout = null) => new(Settings, timeout);

    /// <summary>The replica holding the leader Lease now (its identity names its port), or -1.</summary>
    public async Task<int> LeaderAsync(DroverClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (await client.TryGetAsync(ResourceTypes.Leases, "kube-system", "droverd").ConfigureAwait(false) is not Lease { Spec.HolderIdentity: { } holder })
            return -1;
        for (var r = 0; r < Replicas.Length; r++)
        {
            if (holder.Contains($":{Replicas[r].Port.ToString(CultureInfo.InvariantCulture)}_", StringComparison.Ordinal))
                return r;
        }
        return -1;
    }

    private string? _nodeWork;

    /// <summary>The node started by <see cref="StartNodeAsync"/>, or null.</summary>
    public ClusterNode? Node { get; private set; }

    /// <summary>
    /// A real node joined to the replicas: private containerd <paramref name="index"/> (run-private.sh; needs root and the
    /// machine-wide lock) and drover-agent given every replica's URL, so that it fails over as an edge node does. Returns
    /// once the node is Ready. Its Node is created first with podCIDR 10.88.INDEX.0/24, the range of its bridge.
    /// </summary>
    public async Task<ClusterNode> StartNodeAsync(int index, params string[] agentArgs)
    {
        if (Node is not null)
            throw new InvalidOperationException("this HA cluster has its node already");
        _nodeWork = Directory.CreateTempSubdirectory("drover-ha-node-").FullName;
        var node = new ClusterNode(index, _nodeWork);
        Node = node;
        await node.StartContainerdAsync().ConfigureAwait(false);
        using var api = Client(TimeSpan.FromSeconds(10));
        await api.CreateAsync(ResourceTypes.Nodes, new Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new ObjectMeta { Name = node.Name },
            Spec = new NodeSpec { PodCIDR = node.PodCidr, PodCIDRs = [node.PodCidr] },
        }).ConfigureAwait(false);
        var joinToken = (await File.ReadAllTextAsync(Path.Combine(Replicas[0].DataDirectory, "credentials", "join-token")).ConfigureAwait(false)).Trim();
        node.StartAgent(string.Join(',', Enumerable.Range(0, Replicas.Length).Select(r => Url(r).ToString().TrimEnd('/'))), joinToken, DroverBinaries.Built, agentArgs);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!TestCluster.IsReady(await api.TryGetAsync(ResourceTypes.Nodes, null, node.Name).ConfigureAwait(false)))
        {
            if (DateTime.UtcNow > deadline || node.Agent!.HasExited)
                throw new TimeoutException($"{node.Name} not Ready within 90 s (agent exited: {node.Agent!.HasExited})\n{node.Log}");
            await Task.Delay(200).ConfigureAwait(false);
        }
        return node;
    }

    public void CutFromEtcd(int replica)
    {
        foreach (var link in Links[replica])
            link.Cut();
    }

    public void RestoreEtcd(int replica)
    {
        foreach (var link in Links[replica])
            link.Restore();
    }

    public async ValueTask DisposeAsync()
    {
        // The node first: its agent would restart what containerd loses.
        var nodeProblem = Node is null ? null : await Node.StopAsync().ConfigureAwait(false);
        foreach (var replica in Replicas)
        {
            if (replica is not null)
                await replica.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var link in Links.SelectMany(l => l))
            await link.DisposeAsync().ConfigureAwait(false);
        await Etcd.DisposeAsync().ConfigureAwait(false);
        if (_nodeWork is not null && nodeProblem is null)
        {
            try
            {
                Directory.Delete(_nodeWork, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the machine's tmp clean-up; run-private.sh stop unmounted everything in it.
            }
        }
        if (nodeProblem is not null)
            throw new InvalidOperationException("the HA cluster's node did not stop cleanly:\n" + nodeProblem);
    }

    private string[] DatastoreArgs(int replica) =>
    [
        "--datastore-endpoint", string.Join(',', Links[replica].Select(l => $"http://127.0.0.1:{l.Port.ToString(CultureInfo.InvariantCulture)}")),
    ];
}
