using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Auth.Tests;

/// <summary>
/// The cluster the authorization matrix asks: droverd and two real nodes (node-40 and node-41: private containerd
/// INDEX 40 and 41, bridges drover40/41, podCIDRs 10.88.40-41.0/24, drover-agent processes with the credentials
/// they obtained by joining), and in namespace "authz" one object of every kind: per node a pod bound to it
/// ("NODE-pod"), a pod pulling with its own Secret ("NODE-puller" with "NODE-pull", written to the store before
/// droverd starts since this version's API refuses imagePullSecrets) and an Event it reported ("NODE-ev"); and
/// Secrets "unused" and "tls", ConfigMap "cfg", Service, Endpoints, Deployment, Ingress and HPA "web",
/// ReplicaSet "rs", Event "matrix-ev". One HTTP client per identity; all requests are plain HTTP/1.1 so each
/// answer's status code is read as it is.
/// </summary>
public sealed class AuthorizationMatrixFixture : IAsyncLifetime
{
    /// <summary>Apart from every other containerd fixture's (0-22).</summary>
    public static readonly int[] NodeIndexes = [40, 41];

    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);
    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster did not start");

    public string NodeA => Cluster.Nodes[0].Name;

    public string NodeB => Cluster.Nodes[1].Name;

    public string OtherThan(string node) => node == NodeA ? NodeB : NodeA;

    /// <summary>The HTTP client of an identity: admin, NODE (a node's name), ingress, metrics, bad-token, no-token.</summary>
    public HttpClient Http(string identity) => _clients[identity];

    public async Task InitializeAsync()
    {
        var work = Directory.CreateTempSubdirectory("drover-authz-matrix-").FullName;
        var nodes = NodeIndexes.Select(i => "node-" + i).ToArray();
        await StoreSeed.WriteAsync(Path.Combine(work, "droverd"),
        [
            new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = MatrixObjects.Namespace } },
            .. nodes.Select(PullSecret),
            .. nodes.Select(PullerPod),
        ]);
        _cluster = await TestCluster.StartAsync(new TestClusterOptions { NodeIndexes = NodeIndexes, WorkDirectory = work });

        var admin = ClientSettings.Load(Cluster.Droverd.ClientConfigPath);
        _clients["admin"] = ClusterHttp.Create(admin, admin.Token);
        foreach (var node in Cluster.Nodes)
            _clients[node.Name] = ClusterHttp.Create(admin, ClientSettings.Load(Path.Combine(node.AgentDataDirectory, "credentials", "node.config")).Token);
        _clients["ingress"] = ClusterHttp.Create(admin, ClientSettings.Load(Cluster.Droverd.IngressConfigPath).Token);
        _clients["metrics"] = ClusterHttp.Create(admin, File.ReadAllText(Path.Combine(Cluster.Droverd.DataDirectory, "credentials", "metrics-token")).Trim());
        // A well-formed node token whose secret is wrong, and none at all.
        _clients["bad-token"] = ClusterHttp.Create(admin, $"drover-node:{NodeA}:{new string('0', 64)}");
        _clients["no-token"] = ClusterHttp.Create(admin, null);

        using var api = Cluster.Client();
        foreach (var node in nodes)
        {
            await CreateAsync(api, ResourceTypes.Pods, MatrixObjects.Manifest(ResourceTypes.Pods, MatrixObjects.Namespace, node + "-pod", node, node));
            await CreateAsync(api, ResourceTypes.Events, MatrixObjects.Manifest(ResourceTypes.Events, MatrixObjects.Namespace, node + "-ev", node));
        }
        await CreateAsync(api, ResourceTypes.Events, MatrixObjects.Manifest(ResourceTypes.Events, MatrixObjects.Namespace, "matrix-ev", "droverd")
            .Replace("component: drover-agent", "component: default-scheduler", StringComparison.Ordinal));
        await CreateAsync(api, ResourceTypes.Secrets, MatrixObjects.Manifest(ResourceTypes.Secrets, MatrixObjects.Namespace, "unused", ""));
        await api.CreateAsync(ResourceTypes.Secrets, new Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "kubernetes.io/tls",
            Metadata = new ObjectMeta { Name = "tls", Namespace = MatrixObjects.Namespace },
            Data = new() { ["tls.crt"] = Encoding.ASCII.GetBytes("not really"), ["tls.key"] = Encoding.ASCII.GetBytes("not really") },
        });
        await CreateAsync(api, ResourceTypes.ConfigMaps, MatrixObjects.Manifest(ResourceTypes.ConfigMaps, MatrixObjects.Namespace, "cfg", ""));
        await CreateAsync(api, ResourceTypes.EndpointSlices, MatrixObjects.Manifest(ResourceTypes.EndpointSlices, MatrixObjects.Namespace, "matrix-eps", ""));
        foreach (var type in new ResourceType[] { ResourceTypes.Services, ResourceTypes.Deployments, ResourceTypes.Ingresses, ResourceTypes.HorizontalPodAutoscalers, ResourceTypes.Jobs, ResourceTypes.DaemonSets, ResourceTypes.ControllerRevisions, ResourceTypes.CronJobs })
            await CreateAsync(api, type, MatrixObjects.Manifest(type, MatrixObjects.Namespace, "web", ""));
        await CreateAsync(api, ResourceTypes.ReplicaSets, MatrixObjects.Manifest(ResourceTypes.ReplicaSets, MatrixObjects.Namespace, "rs", ""));

        // Everything the rows read exists, and the pods run (pods/log asks a running container's agent).
        await Cluster.WaitAsync(async client =>
        {
            var pods = await Cluster.ListPodsAsync(client, MatrixObjects.Namespace);
            return pods.Count(TestCluster.IsReady) == 2 * nodes.Length
                && await client.TryGetAsync(ResourceTypes.Endpoints, MatrixObjects.Namespace, "web") is not null
                && await ExistAsync(client, ResourceTypes.Leases, "kube-node-lease", nodes)
                && await ExistAsync(client, ResourceTypes.Secrets, "kube-system", [.. nodes.Select(n => n + ".node-credential")]);
        }, TimeSpan.FromSeconds(120), "the matrix's pods Ready, Endpoints web, both leases and credentials");
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
            client.Dispose();
        if (_cluster is null)
            return;
        // Remembered for clean-up: what the agents made for the pods the matrix created (TestCluster removes it).
        try
        {
            using var api = Cluster.Client();
            await Cluster.ListPodsAsync(api, MatrixObjects.Namespace);
        }
        catch (ApiClientException)
        {
        }
        await _cluster.DisposeAsync();
    }

    private static async Task CreateAsync(DroverClient api, ResourceType type, string yaml) =>
        await api.CreateRawAsync(type, MatrixObjects.Namespace, Encoding.UTF8.GetBytes(yaml), "application/yaml");

    private static async Task<bool> ExistAsync(DroverClient api, ResourceType type, string ns, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (await api.TryGetAsync(type, ns, name) is null)
                return false;
        }
        return true;
    }

    private static Secret PullSecret(string node) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = "Opaque",
        Metadata = new ObjectMeta { Name = node + "-pull", Namespace = MatrixObjects.Namespace },
        Data = new() { ["k"] = Encoding.ASCII.GetBytes(node) },
    };

    private static Pod PullerPod(string node) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = MatrixObjects.PullerPod(node), Namespace = MatrixObjects.Namespace },
        Spec = new PodSpec
        {
            NodeName = node,
            TerminationGracePeriodSeconds = 1,
            Containers = [new Container { Name = "app", Image = MatrixObjects.Image }],
            ImagePullSecrets = [new LocalObjectReference { Name = node + "-pull" }],
        },
        Status = new PodStatus { Phase = "Pending" },
    };
}

[CollectionDefinition(Name)]
public sealed class AuthorizationMatrixCollection : ICollectionFixture<AuthorizationMatrixFixture>
{
    public const string Name = "authorization matrix (droverd + containerd 40, 41 + two drover-agents)";
}
