using Drover.Agent.Probes;

namespace Drover.Agent.Metrics;

/// <summary>
/// The agent's metrics, all in <see cref="MetricRegistry"/>, which <see cref="MetricsServer"/> serves:
/// heartbeat and node status, pods by phase, sync duration, CRI call latency, probe results, restarts.
/// </summary>
internal static class AgentMetrics
{
    public static readonly Counter Heartbeats = new("drover_agent_heartbeats_total", "Node Lease renewals that droverd accepted.");

    public static readonly Counter HeartbeatFailures = new("drover_agent_heartbeat_failures_total", "Node Lease renewals that failed (droverd unreachable or refusing).");

    public static readonly Gauge LastHeartbeat = new("drover_agent_last_heartbeat_timestamp_seconds", "Unix time of the last accepted Lease renewal.");

    public static readonly Counter StatusUpdates = new("drover_agent_node_status_updates_total", "Node status writes, by result (ok, error) and cause (changed, periodic).", "result", "cause");

    public static readonly Counter LogRequests = new("drover_agent_log_requests_total", "Container-log requests, by answer: the HTTP status, refused (TLS: not droverd) or busy (too many at once).", "result");

    public static readonly Counter StreamRequests = new("drover_agent_stream_requests_total", "exec, attach and port-forward sessions asked of the agent, by kind and answer (101, an HTTP error status, busy).", "kind", "result");

    public static readonly Gauge OpenStreams = new("drover_agent_open_streams", "exec, attach and port-forward sessions being prepared or relayed now.");

    public static readonly Gauge NodeReady = new("drover_agent_node_ready", "1 when the node reports Ready=True.");

    // ---- pods ----
    // Labels stay bounded: phases, CRI methods and probe kinds are fixed sets; never pod names or ids.

    private static readonly Gauge Pods = new("drover_agent_pods", "Pods this agent runs, by the phase of the status it last built.", "phase");

    public static readonly Gauge.Child PodsPending = Pods.WithLabels("Pending");
    public static readonly Gauge.Child PodsRunning = Pods.WithLabels("Running");
    public static readonly Gauge.Child PodsSucceeded = Pods.WithLabels("Succeeded");
    public static readonly Gauge.Child PodsFailed = Pods.WithLabels("Failed");
    public static readonly Gauge.Child PodsUnknown = Pods.WithLabels("Unknown");

    /// <summary>Few buckets: an edge device's scrape should stay small. A sync is ms when nothing changes, seconds when it starts a pod.</summary>
    public static readonly Histogram PodSyncDuration = new("drover_agent_pod_sync_duration_seconds", "Duration of one pod worker sync (read CRI, act, write status).", [0.01, 0.05, 0.25, 1, 5, 30]);

    public static readonly Counter ContainerRestarts = new("drover_agent_container_restarts_total", "Containers created again after one that ran before (crash, liveness failure, lost sandbox): the sum of restartCount increments.");

    // ---- CRI ----

    private static readonly Histogram CriRequestDuration = new("drover_agent_cri_request_duration_seconds", "Duration of CRI calls to the container runtime, failed ones included, by method.", [0.005, 0.025, 0.1, 0.5, 2.5, 10], "method");

    /// <summary>The histogram child of a CRI method (a fixed set of names: the label stays bounded).</summary>
    public static Histogram.Child CriRequest(string method) => CriRequestDuration.WithLabels(method);

    // ---- probes ----

    private static readonly Counter ProbeResults = new("drover_agent_probe_results_total", "Probe runs by probe (liveness, readiness, startup) and result (success, failure).", "probe", "result");

    private static readonly Counter.Child StartupSuccess = ProbeResults.WithLabels("startup", "success");
    private static readonly Counter.Child StartupFailure = ProbeResults.WithLabels("startup", "failure");
    private static readonly Counter.Child ReadinessSuccess = ProbeResults.WithLabels("readiness", "success");
    private static readonly Counter.Child ReadinessFailure = ProbeResults.WithLabels("readiness", "failure");
    private static readonly Counter.Child LivenessSuccess = ProbeResults.WithLabels("liveness", "success");
    private static readonly Counter.Child LivenessFailure = ProbeResults.WithLabels("liveness", "failure");

    /// <summary>Counts one probe run; the children are made once, so a probe costs no label lookup.</summary>
    public static void ProbeRan(ProbeKind kind, bool success) => (kind switch
    {
        ProbeKind.Startup => success ? StartupSuccess : StartupFailure,
        ProbeKind.Readiness => success ? ReadinessSuccess : ReadinessFailure,
        _ => success ? LivenessSuccess : LivenessFailure,
    }).Inc();

    // ---- images ----

    public static readonly Gauge ImageFsUsage = new("drover_agent_image_filesystem_usage_percent", "Usage of the runtime's image filesystem at the last garbage-collection round, in percent (as the kubelet computes it).");

    public static readonly Counter ImageGcRemovedImages = new("drover_agent_image_gc_removed_images_total", "Unused images removed by image garbage collection.");

    public static readonly Counter ImageGcFreedBytes = new("drover_agent_image_gc_freed_bytes_total", "Bytes of unused images removed by image garbage collection (the sizes the runtime reports).");

    // ---- pod network ----

    public static readonly Gauge PodNetworkPeers = new("drover_agent_pod_network_peers", "Other nodes whose podCIDR this node routes (host-gw or vxlan).");

    private static readonly Counter PodNetworkSyncs = new("drover_agent_pod_network_syncs_total", "Reconciles of routes, neighbours, FDB entries, the VXLAN device and the masquerade table that wrote something or were due, by result (ok, error).", "result");

    public static readonly Counter.Child PodNetworkSyncOk = PodNetworkSyncs.WithLabels("ok");
    public static readonly Counter.Child PodNetworkSyncError = PodNetworkSyncs.WithLabels("error");

    public static readonly Histogram PodNetworkSyncDuration = new("drover_agent_pod_network_sync_duration_seconds", "Duration of one pod network reconcile (read the kernel's entries, write the differences).", [0.005, 0.025, 0.1, 0.5, 2.5]);

    // ---- services: the proxy and the cluster DNS resolver ----

    public static readonly Histogram ServiceProxySyncDuration = new("drover_agent_service_proxy_sync_duration_seconds", "Duration of one service proxy sync (build the nft transaction, apply it).", [0.005, 0.025, 0.1, 0.5, 2.5]);

    public static readonly Gauge ServiceProxyPorts = new("drover_agent_service_proxy_service_ports", "Service ports (cluster IP or node port) programmed in the kernel's table ip drover-proxy.");

    public static readonly Gauge ServiceProxyTransactionBytes = new("drover_agent_service_proxy_last_transaction_bytes", "Size of the last nft transaction the proxy applied.");

    private static readonly Counter DnsQueries = new("drover_agent_dns_queries_total", "Datagrams the cluster DNS resolver handled, by result: the response code sent (NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED), forwarded (relayed from the upstream) or dropped.", "result");

    private static readonly Counter.Child[] DnsByCode = [.. new[] { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" }.Select(code => DnsQueries.WithLabels(code))];

    public static readonly Counter.Child DnsForwarded = DnsQueries.WithLabels("forwarded");

    public static readonly Counter.Child DnsDropped = DnsQueries.WithLabels("dropped");

    /// <summary>DNS-over-TCP connections closed unserved: over the total or per-client limit, idle, or a message over the size limit.</summary>
    public static readonly Counter DnsTcpClosed = new("drover_agent_dns_tcp_connections_closed_total", "DNS-over-TCP connections the cluster DNS resolver closed, by reason: limit (too many in all or from one client), idle (no query within the idle timeout) or oversize (a message longer than the query limit).", "reason");

    /// <summary>The child of a response code this resolver sends (0-5); the label set stays fixed.</summary>
    public static Counter.Child DnsAnswered(int responseCode) => DnsByCode[Math.Clamp(responseCode, 0, DnsByCode.Length - 1)];
}
