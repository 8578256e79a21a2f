using System.Net;
using Drover.Api.PodNetwork;

namespace Drover.ControlPlane;

/// <summary>droverd's settings, from its command line.</summary>
public sealed record ServerOptions
{
    public required string DataDirectory { get; init; }
    public IPAddress BindAddress { get; init; } = IPAddress.Any;
    public int Port { get; init; } = 6443;
    /// <summary>The address written into client configs and join tokens; also a SAN of the serving certificate.</summary>
    public string? AdvertiseAddress { get; init; }
    public IReadOnlyList<string> ExtraSans { get; init; } = [];
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>History older than one interval is compacted away; watches from before it get 410 Gone.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(5);
    public string? ClientConfigOutput { get; init; }
    /// <summary>Pod addresses of the whole cluster; each node gets one /<see cref="NodeCidrMaskSize"/> of it.</summary>
    public string ClusterCidr { get; init; } = "10.42.0.0/16";
    public int NodeCidrMaskSize { get; init; } = 24;
    /// <summary>Where Services' cluster IPs come from (k3s' default).</summary>
    public string ServiceCidr { get; init; } = "10.43.0.0/16";
    /// <summary>Ports NodePort and LoadBalancer Services get on every node.</summary>
    public string ServiceNodePortRange { get; init; } = "30000-32767";
    /// <summary>How often the cluster IP and node port records are reconciled with the Services (Kubernetes: 3 minutes).</summary>
    public TimeSpan ServiceAllocationRepairInterval { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>Seeds where dynamic cluster IPs and node ports are looked for, for reproducible tests; random when null.</summary>
    public int? AllocatorSeed { get; init; }
    /// <summary>
    /// How nodes route each other's podCIDRs, published to every agent in the ConfigMap kube-system/drover-pod-network.
    /// None by default for droverd itself (single-host setups, and the tests' many clusters that share one host's network
    /// stack); install.sh server defaults to vxlan, as k3s's flannel does.
    /// </summary>
    public PodNetworkBackend PodNetwork { get; init; } = PodNetworkBackend.None;

    /// <summary>What agents read: the backend and the cluster CIDR (pod traffic into it is never masqueraded).</summary>
    public PodNetworkSettings PodNetworkSettings => new() { Backend = PodNetwork, ClusterCidr = Ipv4Cidr.Parse(ClusterCidr) };
    /// <summary>A node whose Lease has not been renewed for this long is marked Unknown and tainted unreachable.</summary>
    public TimeSpan NodeMonitorGracePeriod { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>
    /// How long pods without their own toleration stay on an unreachable node before they are evicted (the
    /// tolerationSeconds Kubernetes' DefaultTolerationSeconds admission would give them; 300 s there, 20 s here).
    /// </summary>
    public TimeSpan PodEvictionTimeout { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>
    /// How long a node that pods are bound to may be missing before the pod garbage collector checks the store and, if it
    /// is really gone, force-deletes those pods (Kubernetes' podgc quarantineTime, 40 s).
    /// </summary>
    public TimeSpan PodGcOrphanQuarantine { get; init; } = TimeSpan.FromSeconds(40);
    /// <summary>Terminated pods beyond this many are deleted, oldest first; 0 turns that off (kube-controller-manager's default 12500).</summary>
    public int TerminatedPodGcThreshold { get; init; } = 12500;
    /// <summary>The HorizontalPodAutoscaler controller's periods and tolerance (kube-controller-manager's flags).</summary>
    public Controllers.Autoscaling.HpaOptions Autoscaling { get; init; } = new();
    /// <summary>How long a node's last usage report is served before its pods count as without metrics.</summary>
    public TimeSpan ResourceMetricsMaxAge { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>
    /// etcd client URLs (k3s' --datastore-endpoint): when set, the store is that etcd cluster instead of the embedded
    /// SQLite database, several droverd replicas may share it, and one of them leads (<see cref="LeaderElection"/>).
    /// </summary>
    public IReadOnlyList<Uri> DatastoreEndpoints { get; init; } = [];
    /// <summary>PEM CA bundle for the etcd members' certificates (--datastore-cafile).</summary>
    public string? DatastoreCaFile { get; init; }
    /// <summary>PEM client certificate and key droverd presents to etcd (--datastore-certfile, --datastore-keyfile).</summary>
    public string? DatastoreCertFile { get; init; }
    public string? DatastoreKeyFile { get; init; }
    /// <summary>Prepended to every key droverd writes to etcd (--datastore-prefix), so one etcd can hold several clusters.</summary>
    public string DatastorePrefix { get; init; } = string.Empty;
    /// <summary>The leader lease's durations (kube-controller-manager's --leader-elect-* flags); used with an etcd datastore.</summary>
    public Leadership.LeaderElectionOptions LeaderElection { get; init; } = new();
    /// <summary>A replica of the cluster to join (k3s' --server): with <see cref="JoinToken"/>, a data directory without a
    /// cluster CA fetches the CA, its key and the cluster's tokens from there before starting.</summary>
    public Uri? JoinServer { get; init; }
    /// <summary>The server token (DATA/credentials/server-token of a running replica) for <see cref="JoinServer"/>.</summary>
    public string? JoinToken { get; init; }
    /// <summary>
    /// Every replica's URL (--advertise-servers), for the client configs droverd writes: this replica first, then the
    /// others, so its clients fail over between them. Empty: this replica and <see cref="JoinServer"/>.
    /// </summary>
    public IReadOnlyList<Uri> AdvertiseServers { get; init; } = [];
    /// <summary>How long droverd's serving and apiserver-node-client certificates live; renewed at two thirds of it while running.</summary>
    public TimeSpan CertificateLifetime { get; init; } = Certificates.ClusterPki.DefaultCertificateLifetime;

    /// <summary>A warning (log line, Event, and daily after) once the cluster CA has less than this left (k3s warns 90 days ahead).</summary>
    public TimeSpan CaExpiryWarning { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How long node credentials live and overlap when renewed.</summary>
    public Auth.NodeCredentialOptions NodeCredentials { get; init; } = new();

    /// <summary>Secrets encrypted at rest (k3s --secrets-encryption); off still reads what is encrypted, with the key file.</summary>
    public bool SecretsEncryption { get; init; } = true;

    /// <summary>The encryption configuration (keys); null: DATA/credentials/encryption-config.json.</summary>
    public string? SecretsEncryptionKeyFile { get; init; }

    /// <summary>Seeds the scheduler's tie-breaking, for reproducible placements in tests; random when null.</summary>
    public int? SchedulerSeed { get; init; }
}
