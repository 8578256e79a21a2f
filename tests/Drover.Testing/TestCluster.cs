using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Testing;

/// <summary>
/// A whole Drover cluster on this host, every part real: one droverd process and one <see cref="ClusterNode"/>
/// per node index (private containerd + drover-agent process). Shared by the multi-node end-to-end tests and
/// the cluster benchmark. <see cref="DisposeAsync"/> stops and removes everything, whatever state a failed
/// test left it in, and throws only after all of it was attempted.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly HashSet<(string Namespace, string Name, string Uid)> _pods = [];
    private readonly List<ClusterNode> _nodes;
    private DroverdProcess? _droverd;
    private string _joinToken = "";

    private TestCluster(TestClusterOptions options, string workDirectory)
    {
        _options = options;
        WorkDirectory = workDirectory;
        _nodes = [.. options.NodeIndexes.Select(i => new ClusterNode(i, workDirectory))];
    }

    public string WorkDirectory { get; }

    /// <summary>The nodes started with the cluster and those joined since (<see cref="JoinNodeAsync"/>).</summary>
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public DroverdProcess Droverd => _droverd ?? throw new InvalidOperationException("droverd is not running");

    public DroverBinaries Binaries => _options.Binaries;

    /// <summary>
    /// Agent flags for rollouts that drop no request: a deleted pod serves 1 s more before SIGTERM, while droverd
    /// takes it out of Endpoints. Without a drain the agent's SIGTERM and droverd's Endpoints update race, and a
    /// client that read the Endpoints just before gets connection refused (seen in ThreeNodeClusterTests on a
    /// loaded host: the address still listed ready ~65 ms after its container stopped). The agent's default is
    /// 2 s now; the three-node test and the cluster benchmark keep the 1 s their figures were measured with.
    /// </summary>
    public static IReadOnlyList<string> ZeroDowntimeAgentArgs { get; } = ["--termination-drain-delay", "1s"];

    /// <summary>
    /// Starts the containerds, droverd and the agents, and returns once every node is Ready. On any failure
    /// what was started is stopped again before the exception goes on.
    /// </summary>
    public static async Task<TestCluster> StartAsync(TestClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.NodeIndexes.Count == 0 || options.NodeIndexes.Distinct().Count() != options.NodeIndexes.Count)
            throw new ArgumentException("a cluster needs one or more distinct node indexes", nameof(options));
        var work = options.WorkDirectory is { } given ? Directory.CreateDirectory(given).FullName : Directory.CreateTempSubdirectory("drover-cluster-").FullName;
        var cluster = new TestCluster(options, work);
        try
        {
            await cluster.StartPartsAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartPartsAsync()
    {
        // One at a time: each start imports the images, and two at once only contend for the 2 cores.
        foreach (var node in Nodes)
            await node.StartContainerdAsync().ConfigureAwait(false);

        _droverd = await DroverdProcess.StartFromAsync(_options.Binaries, Path.Combine(WorkDirectory, "droverd"), [.. _options.DroverdArgs]).ConfigureAwait(false);
        _joinToken = (await File.ReadAllTextAsync(Path.Combine(_droverd.DataDirectory, "credentials", "join-token")).ConfigureAwait(false)).Trim();

        // Each Node is created with its podCIDR, as an operator may: droverd would hand out the lowest free
        // slice of its cluster CIDR, and 10.88.0-9 belong to other tests' bridges on this host.
        using (var api = Client())
        {
            foreach (var node in Nodes)
            {
                await api.CreateAsync(ResourceTypes.Nodes, new Node
                {
                    ApiVersion = "v1",
                    Kind = "Node",
                    Metadata = new ObjectMeta { Name = node.Name },
                    Spec = new NodeSpec { PodCIDR = node.PodCidr, PodCIDRs = [node.PodCidr] },
                }).ConfigureAwait(false);
            }
        }

        foreach (var node in Nodes)
            node.StartAgent(Droverd, _joinToken, _options.Binaries, _options.AgentArgs, _options.AgentMetrics);
        await WaitAsync(async api =>
        {
            foreach (var node in Nodes)
            {
                if (!IsReady(await api.TryGetAsync(ResourceTypes.Nodes, null, node.Name).ConfigureAwait(false)))
                    return false;
            }
            return true;
        }, TimeSpan.FromSeconds(60), "every node Ready").ConfigureAwait(false);
    }

    public DroverClient Client() => Droverd.Client(TimeSpan.FromSeconds(10));

    /// <summary>The drover CLI (same build as the daemons) against this cluster.</summary>
    public Task<CliResult> CliAsync(params string[] args) => CliRunner.RunAsync(_options.Binaries, Droverd, args);

    /// <summary>
    /// A node joins the running cluster, as a device installed later does: its containerd, its Node (with its podCIDR
    /// and <paramref name="labels"/>, as an operator would give them at install) and its agent; returns once it is Ready.
    /// It is stopped with the cluster, or earlier by <see cref="RemoveNodeAsync"/>.
    /// </summary>
    public async Task<ClusterNode> JoinNodeAsync(int index, IReadOnlyDictionary<string, string>? labels = null)
    {
        if (_nodes.Any(n => n.Index == index))
            throw new ArgumentException($"node-{index} is already in the cluster", nameof(index));
        var node = new ClusterNode(index, WorkDirectory);
        _nodes.Add(node);   // before anything starts: DisposeAsync stops whatever did
        await node.StartContainerdAsync().ConfigureAwait(false);
        using (var api = Client())
        {
            await api.CreateAsync(ResourceTypes.Nodes, new Node
            {
                ApiVersion = "v1",
                Kind = "Node",
                Metadata = new ObjectMeta { Name = node.Name, Labels = labels is null ? null : new Dictionary<string, string>(labels, StringComparer.Ordinal) },
                Spec = new NodeSpec { PodCIDR = node.PodCidr, PodCIDRs = [node.PodCidr] },
            }).ConfigureAwait(false);
        }
        node.StartAgent(Droverd, _joinToken, _options.Binaries, _options.AgentArgs, _options.AgentMetrics);
        await WaitAsync(async api => IsReady(await api.TryGetAsync(ResourceTypes.Nodes, null, node.Name).ConfigureAwait(false)),
            TimeSpan.FromSeconds(60), $"the joined node {node.Name} Ready").ConfigureAwait(false);
        return node;
    }

    /// <summary>A joined node leaves for good: its agent and containerd stopped, then its Node deleted.</summary>
    public async Task RemoveNodeAsync(ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var problem = await node.StopAsync().ConfigureAwait(false);
        _nodes.Remove(node);
        using (var api = Client())
        {
            try
            {
                await api.DeleteAsync(ResourceTypes.Nodes, null, node.Name).ConfigureAwait(false);
            }
            catch (ApiClientException e) when (e.Code == 404)
            {
                // Never registered.
            }
        }
        if (problem is not null)
            throw new InvalidOperationException(problem);
    }

    /// <summary>The node's power goes: agent, containerd, shims and containers killed (see <see cref="ClusterNode.PowerCutAsync"/>).</summary>
    public Task PowerCutAsync(ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.PowerCutAsync();
    }

    /// <summary>Starts the agent of a node again (after a power cut) and waits until the node is Ready.</summary>
    public async Task StartNodeAgainAsync(ClusterNode node)
    {
        StartAgentAgain(node);
        await WaitAsync(async api => IsReady(await api.TryGetAsync(ResourceTypes.Nodes, null, node.Name).ConfigureAwait(false)),
            TimeSpan.FromSeconds(60), $"node {node.Name} Ready again").ConfigureAwait(false);
    }

    /// <summary>Starts the agent of a node again (after it was killed), as a supervisor would; does not wait for anything.</summary>
    public void StartAgentAgain(ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.StartAgent(Droverd, _joinToken, _options.Binaries, _options.AgentArgs, _options.AgentMetrics);
    }

    /// <summary>The pods of <paramref name="namespace"/> matching <paramref name="labelSelector"/>; remembered for clean-up.</summary>
    public async Task<IReadOnlyList<Pod>> ListPodsAsync(DroverClient api, string @namespace, string? labelSelector = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var list = await api.ListAsync(ResourceTypes.Pods, @namespace, labelSelector).ConfigureAwait(false);
        var pods = list.Items.Cast<Pod>().ToList();
        lock (_pods)
        {
            foreach (var pod in pods)
                _pods.Add((pod.Metadata.Namespace ?? @namespace, pod.Metadata.Name!, pod.Metadata.Uid!));
        }
        return pods;
    }

    /// <summary>
    /// Waits until pod <paramref name="name"/> satisfies <paramref name="condition"/> (as <see cref="WaitAsync"/>) and
    /// returns it as last read; the pods labelled <paramref name="labelSelector"/> are remembered for clean-up.
    /// </summary>
    public async Task<Pod> WaitForPodAsync(string @namespace, string name, string labelSelector, Func<Pod, bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Pod? pod = null;
        await WaitAsync(async api =>
        {
            pod = await api.GetAsync(ResourceTypes.Pods, @namespace, name).ConfigureAwait(false);
            return condition(pod);
        }, timeout, $"pod {name} {what}").ConfigureAwait(false);
        using var client = Client();
        await ListPodsAsync(client, @namespace, labelSelector).ConfigureAwait(false);
        return pod!;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms; throws with every node's agent log when it never holds.</summary>
    public async Task WaitAsync(Func<DroverClient, Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var api = Client();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition(api).ConfigureAwait(false))
                    return;
            }
            catch (ApiClientException)
            {
                // A transient API error: the next poll asks again.
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not {what} within {timeout.TotalSeconds:0} s\n{Diagnostics()}");
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>The tail of droverd's output and of every agent's log, for failure messages.</summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        text.AppendLine("---- droverd (last 60 lines)").AppendLine(Tail(_droverd?.Output ?? "", 60));
        foreach (var node in Nodes)
            text.AppendLine(CultureInfo.InvariantCulture, $"---- {node.Name} agent (last 40 lines)").AppendLine(Tail(node.Log, 40));
        return text.ToString();
    }

    public static bool IsReady(Node? node) =>
        node?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static bool IsReady(Pod? pod) =>
        pod?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public async ValueTask DisposeAsync()
    {
        var problems = new StringBuilder();
        // Agents first (they would restart what containerd loses), then containerds, then droverd.
        foreach (var node in Nodes)
        {
            if (await node.StopAsync().ConfigureAwait(false) is { } problem)
                problems.AppendLine(problem);
        }
        if (_droverd is not null)
            await _droverd.DisposeAsync().ConfigureAwait(false);

        // What an agent makes outside containerd per pod; its teardown removes them, a killed agent may not.
        lock (_pods)
        {
            foreach (var (ns, name, uid) in _pods)
            {
                RemoveEmptyCgroups($"drover/pod{uid}");
                TryDelete(Path.Combine("/var/log/pods", $"{ns}_{name}_{uid}"));
            }
        }
        TryDelete(WorkDirectory);
        if (problems.Length > 0)
            throw new InvalidOperationException("cluster clean-up failed:\n" + problems);
    }

    private static void RemoveEmptyCgroups(string relative)
    {
        if (!Directory.Exists("/sys/fs/cgroup"))
            return;
        foreach (var controller in Directory.EnumerateDirectories("/sys/fs/cgroup"))
        {
            var path = Path.Combine(controller, relative);
            if (!Directory.Exists(path))
                continue;
            // Deepest first: a cgroup directory is removed with rmdir, and only once it holds no child.
            foreach (var dir in Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(path))
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                    // Still has tasks or children: not ours to force.
                }
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the machine's tmp clean-up; nothing mounted stays (run-private.sh stop unmounted it).
        }
    }

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}

/// <summary>What <see cref="TestCluster.StartAsync"/> starts.</summary>
public sealed record TestClusterOptions
{
    /// <summary>One node per index: bridge drover INDEX, podCIDR 10.88.INDEX.0/24 (see packaging/containerd/README.md).</summary>
    public required IReadOnlyList<int> NodeIndexes { get; init; }

    public DroverBinaries Binaries { get; init; } = DroverBinaries.Built;

    /// <summary>Extra droverd flags (e.g. --node-monitor-grace-period).</summary>
    public IReadOnlyList<string> DroverdArgs { get; init; } = [];

    /// <summary>Where the nodes' and droverd's directories go (created; removed at the end); default a new temp dir.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Extra drover-agent flags, for every node.</summary>
    public IReadOnlyList<string> AgentArgs { get; init; } = [];

    /// <summary>Every agent serves /metrics on a free loopback port (<see cref="ClusterNode.MetricsPort"/>); off by default.</summary>
    public bool AgentMetrics { get; init; }
}
