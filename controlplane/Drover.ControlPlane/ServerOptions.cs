using System.Net;

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
    /// <summary>A node whose Lease has not been renewed for this long is marked Unknown and tainted unreachable.</summary>
    public TimeSpan NodeMonitorGracePeriod { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>
    /// How long pods without their own toleration stay on an unreachable node before they are evicted (the
    /// tolerationSeconds Kubernetes' DefaultTolerationSeconds admission would give them; 300 s there, 20 s here).
    /// </summary>
    public TimeSpan PodEvictionTimeout { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>The HorizontalPodAutoscaler controller's periods and tolerance (kube-controller-manager's flags).</summary>
    public Controllers.Autoscaling.HpaOptions Autoscaling { get; init; } = new();
    /// <summary>How long a node's last usage report is served before its pods count as without metrics.</summary>
    public TimeSpan ResourceMetricsMaxAge { get; init; } = TimeSpan.FromSeconds(60);
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
