namespace Drover.Agent.Pods;

/// <summary>How the pod manager runs the pods bound to its node.</summary>
public sealed record PodManagerOptions
{
    /// <summary>The node whose pods (spec.nodeName) this agent runs.</summary>
    public required string NodeName { get; init; }

    /// <summary>Reported as status.hostIP of every pod.</summary>
    public required string NodeIp { get; init; }

    /// <summary>Pods get cgroup_parent ROOT/pod&lt;uid&gt; (cgroupfs driver).</summary>
    public string CgroupParentRoot { get; init; } = "/drover";

    /// <summary>CRI log directories: ROOT/NAMESPACE_NAME_UID/CONTAINER/RESTARTCOUNT.log, as the kubelet lays them out.</summary>
    public string PodLogRoot { get; init; } = "/var/log/pods";

    /// <summary>Pods' volumes: ROOT/UID/volumes/kubernetes.io~PLUGIN/NAME, as the kubelet lays them out (drover-agent: DATA/pods).</summary>
    public string PodDirectoryRoot { get; init; } = "/var/lib/drover/agent/pods";

    /// <summary>The host's resolver configuration, copied into pods (loopback name servers are dropped).</summary>
    public string ResolvConfPath { get; init; } = "/etc/resolv.conf";

    /// <summary>The address of this node's cluster DNS resolver, handed to ClusterFirst pods; null: pods get the host's resolv.conf.</summary>
    public string? ClusterDnsServer { get; init; }

    /// <summary>The cluster's DNS domain (the kubelet's --cluster-domain), for pods' search path.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>The cgroup v1 mount point; pod cgroups runc leaves behind are removed under it.</summary>
    public string CgroupMountRoot { get; init; } = "/sys/fs/cgroup";

    /// <summary>The first restart (or image pull) back-off; doubles on every failure up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Every pod is synced against CRI at least this often, events or not.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before re-listing after the API failed; doubles up to <see cref="WatchBackoffMax"/>.</summary>
    public TimeSpan WatchBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan WatchBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Grace period for containers of pods that are no longer known (orphans found in CRI).</summary>
    public TimeSpan OrphanGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The runtime name in containerStatuses[].containerID ("containerd://ID").</summary>
    public string RuntimeName { get; init; } = "containerd";

    /// <summary>Where the accepted pods are checkpointed (DATA/checkpoint/pods); null turns offline autonomy off.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Where the ConfigMaps and Secrets the pods read are checkpointed, sealed (DATA/checkpoint/objects); null: not kept.</summary>
    public string? ObjectCheckpointDirectory { get; init; }

    /// <summary>The key that seals <see cref="ObjectCheckpointDirectory"/> (DATA/credentials/checkpoint.key, 0600).</summary>
    public string? CheckpointKeyPath { get; init; }

    /// <summary>
    /// Whether Secrets go into <see cref="ObjectCheckpointDirectory"/> too (--checkpoint-secrets): off, they never reach
    /// the disk and pods reading one wait for droverd after a reboot; on, they start offline as ConfigMap-only pods do.
    /// </summary>
    public bool CheckpointSecrets { get; init; }

    /// <summary>
    /// Whether the ConfigMaps and Secrets the pods reference are watched, so that a change wakes those pods at once
    /// (kubelet's Watch change detection, the default); off (Get), a change reaches them at their next periodic sync.
    /// </summary>
    public bool WatchReferencedObjects { get; init; } = true;

    /// <summary>
    /// Until droverd has answered once, a pod list that takes longer than this (a dead uplink drops packets
    /// rather than refusing) starts the checkpointed pods while the list goes on.
    /// </summary>
    public TimeSpan CheckpointRestoreDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a pod deleted with a grace period keeps serving before its containers get SIGTERM (taken out
    /// of the grace period). droverd takes a terminating pod out of its Services' Endpoints when it sees the
    /// deletion, at the same moment this agent does; without a delay a client can still be sent to the
    /// address after the container stopped listening (measured in the three-node e2e test: connection
    /// refused from an address Endpoints still listed as ready; in IngressEndToEndTests, a failed POST through
    /// drover-ingress during a rolling update). Zero is kubelet's behaviour and this type's default, for
    /// in-process tests; drover-agent's flag defaults to 2 s (AgentOptions.DefaultTerminationDrainDelay says why).
    /// </summary>
    public TimeSpan TerminationDrainDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Whether to record Events (Pulling, Started, BackOff, Unhealthy…).</summary>
    public bool RecordEvents { get; init; } = true;
}
