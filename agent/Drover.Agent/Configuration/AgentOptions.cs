using System.Net;
using Drover.Api;

namespace Drover.Agent.Configuration;

/// <summary>The agent's validated settings, from flags and the optional config file (flags win).</summary>
internal sealed record AgentOptions
{
    public const string AgentVersion = "v0.1.0";

    public required Uri Server { get; init; }

    /// <summary>Every droverd replica, <see cref="Server"/> first: joins and requests fail over between them.</summary>
    public IReadOnlyList<Uri> Servers { get; init; } = [];

    /// <summary>The cluster join token; needed only until the node holds its own credential.</summary>
    public string? Token { get; init; }

    public required string NodeName { get; init; }
    public required string DataDirectory { get; init; }
    public string ContainerdSocket { get; init; } = "/run/containerd/containerd.sock";
    public required IPAddress NodeIp { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<Taint> Taints { get; init; } = [];

    /// <summary>Where /metrics and /healthz listen; null turns the endpoint off.</summary>
    public IPEndPoint? MetricsAddress { get; init; } = new(IPAddress.Loopback, 9101);

    /// <summary>
    /// Where the HTTPS endpoint that serves container logs to droverd listens (the kubelet's port by
    /// default); null turns it off. Port 0 takes a free port, which is then published on the Node.
    /// </summary>
    public IPEndPoint? ServingAddress { get; init; } = new(IPAddress.Any, Api.Client.NodeServing.DefaultPort);

    /// <summary>
    /// The D-Bus address of logind and systemd (the inhibitor lock, the runtime unit's state); "system" is the
    /// system bus ($DBUS_SYSTEM_BUS_ADDRESS or its standard socket), null turns both off.
    /// </summary>
    public string? DBusAddress { get; init; } = "system";

    /// <summary>The container runtime's systemd unit, reported as the ContainerRuntimeUnit node condition.</summary>
    public string RuntimeUnit { get; init; } = "containerd.service";

    /// <summary>How long the agent's self-signed serving certificate lives; renewed at two thirds of it, the new hash published first.</summary>
    public TimeSpan ServingCertificateLifetime { get; init; } = TimeSpan.FromHours(8760);

    public TimeSpan LeaseInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A deleted pod serves this long before SIGTERM, while droverd takes it out of Endpoints and every
    /// ingress stops sending it requests (PodManagerOptions.TerminationDrainDelay). 2 s by default: the
    /// whole chain (deletion → Endpoints write → drover-ingress snapshot) took 0.2–0.65 s on a loaded 2-core
    /// host in IngressEndToEndTests, and with 0 s (kubelet's behaviour) that test's rolling update failed a
    /// request; 2 s leaves room for a slower edge device or an ingress on another machine, costs a deletion
    /// only those 2 s (taken out of the 30 s grace period), and spares users the preStop sleep Kubernetes
    /// manifests carry for the same reason.
    /// </summary>
    public TimeSpan TerminationDrainDelay { get; init; } = DefaultTerminationDrainDelay;

    public static readonly TimeSpan DefaultTerminationDrainDelay = TimeSpan.FromSeconds(2);

    /// <summary>How often cpu/memory usage goes to droverd; zero turns the reports off.</summary>
    public TimeSpan ResourceMetricsInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether this agent programs the service proxy (nftables) on its node; on by default, as kube-proxy in k3s.</summary>
    public bool ServiceProxy { get; init; } = true;

    /// <summary>The cluster's pod network; service traffic from outside it is masqueraded. Null: droverd's, from the pod-network ConfigMap.</summary>
    public string? ClusterCidr { get; init; }

    /// <summary>--cluster-dns's value that serves on the node's pod gateway (the first address of its podCIDR).</summary>
    public const string PodGatewayDns = "pod-gateway";

    /// <summary>Cluster DNS: null (off), <see cref="PodGatewayDns"/> or an IPv4 address to serve on and hand to pods.</summary>
    public string? ClusterDns { get; init; } = PodGatewayDns;

    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>A loopback resolver for names outside the cluster domain; null: they are refused.</summary>
    public System.Net.IPEndPoint? ClusterDnsUpstream { get; init; }

    public Quantity ReservedCpu { get; init; } = Quantity.Parse("100m");
    public Quantity ReservedMemory { get; init; } = Quantity.Parse("256Mi");
    public int MaxPods { get; init; } = 110;
    public string CniConfDirectory { get; init; } = "/etc/cni/net.d";
    public string CniBinDirectory { get; init; } = "/usr/lib/cni";
    public string CniBridge { get; init; } = "drover0";

    /// <summary>host-local's allocation state; under the data dir so one host can run several nodes.</summary>
    public string CniIpamDirectory => Path.Combine(DataDirectory, "cni", "ipam");

    /// <summary>
    /// Masquerade pod traffic leaving the cluster's pod network: the drover-podnet nftables table with a pod network, the CNI
    /// bridge plugin's own without one (off in tests: no traffic leaves the host there).
    /// </summary>
    public bool CniIpMasq { get; init; } = true;

    /// <summary>Pods' cgroups go under this (cgroup_parent ROOT/pod&lt;uid&gt;).</summary>
    public string CgroupRoot { get; init; } = "/drover";

    /// <summary>MemoryPressure when MemAvailable falls below this.</summary>
    public Quantity MemoryPressureThreshold { get; init; } = Quantity.Parse("100Mi");

    /// <summary>DiskPressure when the data dir's filesystem has less than this fraction free.</summary>
    public double DiskPressureFreeFraction { get; init; } = 0.10;

    /// <summary>Image garbage collection (the kubelet's thresholds and minimum age).</summary>
    public Drover.Agent.Images.ImageGcPolicy ImageGc { get; init; } = new();

    /// <summary>PIDPressure when the tasks in use exceed this fraction of pid_max.</summary>
    public double PidPressureFraction { get; init; } = 0.90;

    public string CredentialPath => Path.Combine(DataDirectory, "credentials", "node.config");

    /// <summary>The pods bound to this node, kept for a start without droverd (offline autonomy).</summary>
    public string PodCheckpointDirectory => Path.Combine(DataDirectory, "checkpoint", "pods");

    /// <summary>The ConfigMaps and Secrets those pods read, sealed with <see cref="CheckpointKeyPath"/> (ObjectCheckpoint).</summary>
    public string ObjectCheckpointDirectory => Path.Combine(DataDirectory, "checkpoint", "objects");

    public string CheckpointKeyPath => Path.Combine(DataDirectory, "credentials", "checkpoint.key");

    /// <summary>
    /// Whether the Secrets pods read are checkpointed (sealed) too, so that such pods start after a reboot without
    /// droverd; off by default: Secrets then never reach the node's disk (PodManagerOptions.CheckpointSecrets).
    /// </summary>
    public bool CheckpointSecrets { get; init; }

    /// <summary>--config-change-detection Watch (true, the default) or Get (PodManagerOptions.WatchReferencedObjects).</summary>
    public bool WatchReferencedObjects { get; init; } = true;

    /// <summary>The pods' volumes (emptyDirs, configMap and secret files, tmpfs mount points).</summary>
    public string PodDirectory => Path.Combine(DataDirectory, "pods");

    public string ServingCertificatePath => Path.Combine(DataDirectory, "credentials", "serving.crt");

    public string ServingKeyPath => Path.Combine(DataDirectory, "credentials", "serving.key");
}
