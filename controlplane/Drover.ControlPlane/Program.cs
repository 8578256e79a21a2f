using System.CommandLine;
using System.Globalization;
using System.Net;
using Drover.Api;
using Drover.ControlPlane;

var dataDir = new Option<string>("--data-dir") { Description = "Where the store, PKI and credentials live.", DefaultValueFactory = _ => "/var/lib/drover/server" };
var bindAddress = new Option<string>("--bind-address") { Description = "Address to listen on.", DefaultValueFactory = _ => "0.0.0.0" };
var port = new Option<int>("--port") { Description = "HTTPS port.", DefaultValueFactory = _ => 6443 };
var advertise = new Option<string?>("--advertise-address") { Description = "Address clients and nodes use to reach this server (default: 127.0.0.1 when bound to loopback, else this host's first address)." };
var sans = new Option<string[]>("--tls-san") { Description = "Extra names or IPs for the serving certificate.", AllowMultipleArgumentsPerToken = true };
var clientConfig = new Option<string?>("--write-client-config") { Description = "Also write the admin client config to this path." };
var bookmarkInterval = new Option<string>("--watch-bookmark-interval") { Description = "Time between BOOKMARK events on watches that ask for them (e.g. 60s, 500ms).", DefaultValueFactory = _ => "60s" };
var clusterCidr = new Option<string>("--cluster-cidr") { Description = "IPv4 range pod addresses come from; each node gets one slice.", DefaultValueFactory = _ => "10.42.0.0/16" };
var podNetwork = new Option<string>("--pod-network") { Description = "How nodes route each other's pods: vxlan (any IP network between nodes), host-gw (nodes on one L2 segment) or none (no routes between nodes). Agents read it from the ConfigMap kube-system/drover-pod-network. vxlan by default, as flannel's in k3s.", DefaultValueFactory = _ => "vxlan" };
var nodeMask = new Option<int>("--node-cidr-mask-size") { Description = "Prefix length of each node's podCIDR.", DefaultValueFactory = _ => 24 };
var serviceCidr = new Option<string>("--service-cidr") { Description = "IPv4 range Services' cluster IPs come from.", DefaultValueFactory = _ => "10.43.0.0/16" };
var nodePortRange = new Option<string>("--service-node-port-range") { Description = "Ports NodePort and LoadBalancer Services are given on every node.", DefaultValueFactory = _ => "30000-32767" };
var compactionInterval = new Option<string>("--compaction-interval") { Description = "How much store history is kept for watch resumption (e.g. 5m).", DefaultValueFactory = _ => "5m" };
var nodeGrace = new Option<string>("--node-monitor-grace-period") { Description = "How long a node's Lease may go unrenewed before the node is marked Unknown and tainted unreachable (e.g. 20s, 1m).", DefaultValueFactory = _ => "20s" };
var evictionTimeout = new Option<string>("--pod-eviction-timeout") { Description = "How long pods without their own toleration stay on an unreachable node before they are evicted (e.g. 20s).", DefaultValueFactory = _ => "20s" };
var podGcQuarantine = new Option<string>("--pod-gc-orphan-quarantine") { Description = "How long a node that pods are bound to may be missing before its pods are force-deleted, once the store confirms it is gone (Kubernetes' pod GC quarantine).", DefaultValueFactory = _ => "40s" };
var terminatedThreshold = new Option<int>("--terminated-pod-gc-threshold") { Description = "Terminated pods (Succeeded or Failed) beyond this many are deleted, oldest first; 0 keeps them all.", DefaultValueFactory = _ => 12500 };
var hpaSync = new Option<string>("--horizontal-pod-autoscaler-sync-period") { Description = "How often every HorizontalPodAutoscaler is reconciled.", DefaultValueFactory = _ => "15s" };
var hpaDownscale = new Option<string>("--horizontal-pod-autoscaler-downscale-stabilization") { Description = "How far back the highest recommendation holds a scale-down (for HPAs without their own window).", DefaultValueFactory = _ => "5m" };
var hpaTolerance = new Option<double>("--horizontal-pod-autoscaler-tolerance") { Description = "A usage ratio within 1 plus or minus this changes nothing.", DefaultValueFactory = _ => 0.1 };
var hpaCpuInit = new Option<string>("--horizontal-pod-autoscaler-cpu-initialization-period") { Description = "After a pod starts, its cpu counts only once ready for a whole metric window.", DefaultValueFactory = _ => "5m" };
var hpaReadiness = new Option<string>("--horizontal-pod-autoscaler-initial-readiness-delay") { Description = "A not-ready pod whose readiness changed within this long of its start counts as never ready yet.", DefaultValueFactory = _ => "30s" };
var datastoreEndpoint = new Option<string?>("--datastore-endpoint") { Description = "etcd client URLs, comma-separated (https://h1:2379,https://h2:2379,https://h3:2379): store the cluster there instead of the embedded SQLite database, so several droverd replicas can serve it (one leads)." };
var datastoreCa = new Option<string?>("--datastore-cafile") { Description = "PEM CA bundle that signed the etcd members' certificates." };
var datastoreCert = new Option<string?>("--datastore-certfile") { Description = "PEM client certificate droverd presents to etcd." };
var datastoreKey = new Option<string?>("--datastore-keyfile") { Description = "PEM key of --datastore-certfile." };
var datastorePrefix = new Option<string>("--datastore-prefix") { Description = "Prepended to every key droverd writes to etcd (several clusters on one etcd).", DefaultValueFactory = _ => "" };
var leaseDuration = new Option<string>("--leader-elect-lease-duration") { Description = "How long the other replicas wait, after they last saw the leader renew, before one takes over.", DefaultValueFactory = _ => "3s" };
var renewDeadline = new Option<string>("--leader-elect-renew-deadline") { Description = "How long the leader keeps acting without a successful renewal (shorter than the lease duration).", DefaultValueFactory = _ => "2s" };
var retryPeriod = new Option<string>("--leader-elect-retry-period") { Description = "How often the leader renews and the others look at the lease.", DefaultValueFactory = _ => "500ms" };
var joinServer = new Option<string?>("--server") { Description = "Join the cluster of this droverd replica (https://first:6443): fetch its CA, keys and tokens on the first start (with --token)." };
var joinToken = new Option<string?>("--token") { Description = "The server token for --server (DATA/credentials/server-token on that replica)." };
var joinTokenFile = new Option<string?>("--token-file") { Description = "A file holding the server token for --server (instead of --token, so the token is not on the command line)." };
var advertiseServers = new Option<string?>("--advertise-servers") { Description = "Every droverd replica's URL, comma-separated (https://a:6443,https://b:6443,https://c:6443): the client configs droverd writes (admin, ingress) list them all, this replica first, and clients fail over between them (default: this replica and the one it joined)." };
var signingDuration = new Option<string>("--cluster-signing-duration") { Description = "Lifetime of droverd's serving and apiserver-node-client certificates; each is renewed at two thirds of it while droverd runs (e.g. 8760h).", DefaultValueFactory = _ => "8760h" };
var caWarning = new Option<string>("--ca-expiry-warning") { Description = "Warn (log line, Warning Event CertificateExpirationWarning) once the cluster CA has less than this left.", DefaultValueFactory = _ => "2160h" };
var credentialLifetime = new Option<string>("--node-credential-lifetime") { Description = "How long a node credential works; agents renew theirs at two thirds of it.", DefaultValueFactory = _ => "8760h" };
var credentialOverlap = new Option<string>("--node-credential-overlap") { Description = "How long a renewed node credential keeps working once its successor is in use.", DefaultValueFactory = _ => "1h" };
var secretsEncryption = new Option<bool>("--secrets-encryption") { Description = "Encrypt Secrets at rest with AES-GCM (false: new ones are written in clear; encrypted ones still read with the key file).", DefaultValueFactory = _ => true };
var secretsKeyFile = new Option<string?>("--secrets-encryption-key-file") { Description = "The EncryptionConfiguration holding the keys (default: DATA/credentials/encryption-config.json, created 0600 on first start)." };
var metricsMaxAge = new Option<string>("--resource-metrics-max-age") { Description = "How long a node's last usage report is served before it counts as missing.", DefaultValueFactory = _ => "60s" };

var root = new RootCommand("droverd: the Drover control plane (API server, store, controllers).")
{
    dataDir, bindAddress, port, advertise, sans, clientConfig, bookmarkInterval, compactionInterval, clusterCidr, podNetwork, nodeMask, serviceCidr, nodePortRange, nodeGrace, evictionTimeout,
    podGcQuarantine, terminatedThreshold, hpaSync, hpaDownscale, hpaTolerance, hpaCpuInit, hpaReadiness, metricsMaxAge,
    datastoreEndpoint, datastoreCa, datastoreCert, datastoreKey, datastorePrefix, leaseDuration, renewDeadline, retryPeriod, joinServer, joinToken, joinTokenFile, advertiseServers,
    signingDuration, caWarning, credentialLifetime, credentialOverlap, secretsEncryption, secretsKeyFile,
};
root.Subcommands.Add(SecretsEncryptCommand.Create());
root.Subcommands.Add(SnapshotCommand.Create());
root.SetAction(async (parse, ct) =>
{
    if (!IPAddress.TryParse(parse.GetValue(bindAddress), out var bind))
    {
        await Console.Error.WriteLineAsync($"--bind-address: \"{parse.GetValue(bindAddress)}\" is not an IP address").ConfigureAwait(false);
        return 2;
    }
    var portValue = parse.GetValue(port);
    if (portValue is < 0 or > 65535)
    {
        await Console.Error.WriteLineAsync($"--port: {portValue.ToString(CultureInfo.InvariantCulture)} is not in 0-65535").ConfigureAwait(false);
        return 2;
    }
    // Every duration flag takes Go's grammar (GoDurations); periods must be positive; windows, delays and timeouts may be
    // 0 (no stabilisation, no initialisation allowance, eviction at once).
    var durations = new Dictionary<Option<string>, TimeSpan>();
    foreach (var (option, mayBeZero) in new[]
    {
        (bookmarkInterval, false), (compactionInterval, false), (nodeGrace, false), (evictionTimeout, true), (podGcQuarantine, false),
        (hpaSync, false), (metricsMaxAge, false), (hpaDownscale, true), (hpaCpuInit, true), (hpaReadiness, true),
        (signingDuration, false), (credentialLifetime, false), (caWarning, true), (credentialOverlap, true),
        (leaseDuration, false), (renewDeadline, false), (retryPeriod, false),
    })
    {
        if (GoDurations.ParseFlag(parse.GetValue(option), mayBeZero, out var value) is { } problem)
        {
            await Console.Error.WriteLineAsync($"{option.Name}: \"{parse.GetValue(option)}\" {problem}").ConfigureAwait(false);
            return 2;
        }
        durations[option] = value;
    }
    var gcThreshold = parse.GetValue(terminatedThreshold);
    if (gcThreshold < 0)
    {
        await Console.Error.WriteLineAsync($"--terminated-pod-gc-threshold: {gcThreshold.ToString(CultureInfo.InvariantCulture)} is negative (0 turns it off)").ConfigureAwait(false);
        return 2;
    }
    var tolerance = parse.GetValue(hpaTolerance);
    if (tolerance is < 0 or >= 1)
    {
        await Console.Error.WriteLineAsync($"--horizontal-pod-autoscaler-tolerance: {tolerance.ToString(CultureInfo.InvariantCulture)} is not in [0, 1)").ConfigureAwait(false);
        return 2;
    }
    if (!Drover.Api.PodNetwork.PodNetworkBackends.TryParse(parse.GetValue(podNetwork), out var podNetworkBackend))
    {
        await Console.Error.WriteLineAsync($"--pod-network: \"{parse.GetValue(podNetwork)}\" is not vxlan, host-gw or none").ConfigureAwait(false);
        return 2;
    }
    var endpoints = new List<Uri>();
    foreach (var part in (parse.GetValue(datastoreEndpoint) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        if (!Uri.TryCreate(part, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https") || endpoint.AbsolutePath != "/" || endpoints.Count == 16)
        {
            await Console.Error.WriteLineAsync($"--datastore-endpoint: \"{part}\" is not an etcd client URL such as https://10.0.0.1:2379 (at most 16)").ConfigureAwait(false);
            return 2;
        }
        endpoints.Add(endpoint);
    }
    var election = new Drover.ControlPlane.Leadership.LeaderElectionOptions
    {
        LeaseDuration = durations[leaseDuration],
        RenewDeadline = durations[renewDeadline],
        RetryPeriod = durations[retryPeriod],
    };
    try
    {
        election.Validate();
    }
    catch (ArgumentException e)
    {
        await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
        return 2;
    }
    Uri? joinUri = null;
    if (parse.GetValue(joinServer) is { } joinValue && (!Uri.TryCreate(joinValue, UriKind.Absolute, out joinUri) || joinUri.Scheme != Uri.UriSchemeHttps))
    {
        await Console.Error.WriteLineAsync($"--server: \"{joinValue}\" is not an https:// URL of a droverd replica").ConfigureAwait(false);
        return 2;
    }
    var token = parse.GetValue(joinToken);
    if (parse.GetValue(joinTokenFile) is { } tokenFile)
    {
        if (token is not null)
        {
            await Console.Error.WriteLineAsync("--token and --token-file: give one of them").ConfigureAwait(false);
            return 2;
        }
        try
        {
            token = InputFiles.ReadText(tokenFile, InputLimits.MaxConfigFileBytes, nameof(InputLimits.MaxConfigFileBytes)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ManifestException)
        {
            await Console.Error.WriteLineAsync($"--token-file: cannot read \"{tokenFile}\": {e.Message}").ConfigureAwait(false);
            return 2;
        }
        if (token.Length == 0)
        {
            await Console.Error.WriteLineAsync($"--token-file: \"{tokenFile}\" is empty").ConfigureAwait(false);
            return 2;
        }
    }
    if ((joinUri is null) != (token is null))
    {
        await Console.Error.WriteLineAsync("--server and --token (or --token-file) go together (joining another replica's cluster)").ConfigureAwait(false);
        return 2;
    }
    var replicaUrls = new List<Uri>();
    foreach (var part in (parse.GetValue(advertiseServers) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
    {
        if (!Uri.TryCreate(part, UriKind.Absolute, out var replicaUrl) || replicaUrl.Scheme != Uri.UriSchemeHttps || replicaUrl.AbsolutePath != "/" || replicaUrls.Count == 16)
        {
            await Console.Error.WriteLineAsync($"--advertise-servers: \"{part}\" is not a droverd URL such as https://10.0.0.1:6443 (at most 16)").ConfigureAwait(false);
            return 2;
        }
        replicaUrls.Add(replicaUrl);
    }
    var options = new ServerOptions
    {
        JoinServer = joinUri,
        JoinToken = token,
        AdvertiseServers = replicaUrls,
        DatastoreEndpoints = endpoints,
        DatastoreCaFile = parse.GetValue(datastoreCa),
        DatastoreCertFile = parse.GetValue(datastoreCert),
        DatastoreKeyFile = parse.GetValue(datastoreKey),
        DatastorePrefix = parse.GetValue(datastorePrefix) ?? "",
        LeaderElection = election,
        DataDirectory = Path.GetFullPath(parse.GetValue(dataDir)!),
        BindAddress = bind,
        Port = portValue,
        AdvertiseAddress = parse.GetValue(advertise),
        ExtraSans = parse.GetValue(sans) ?? [],
        ClientConfigOutput = parse.GetValue(clientConfig),
        BookmarkInterval = durations[bookmarkInterval],
        CompactionInterval = durations[compactionInterval],
        ClusterCidr = parse.GetValue(clusterCidr)!,
        NodeCidrMaskSize = parse.GetValue(nodeMask),
        ServiceCidr = parse.GetValue(serviceCidr)!,
        ServiceNodePortRange = parse.GetValue(nodePortRange)!,
        PodNetwork = podNetworkBackend,
        NodeMonitorGracePeriod = durations[nodeGrace],
        PodEvictionTimeout = durations[evictionTimeout],
        PodGcOrphanQuarantine = durations[podGcQuarantine],
        TerminatedPodGcThreshold = gcThreshold,
        Autoscaling = new Drover.ControlPlane.Controllers.Autoscaling.HpaOptions
        {
            SyncPeriod = durations[hpaSync],
            DownscaleStabilizationWindow = durations[hpaDownscale],
            Calculator = new Drover.ControlPlane.Controllers.Autoscaling.ReplicaCalculatorOptions
            {
                Tolerance = tolerance,
                CpuInitializationPeriod = durations[hpaCpuInit],
                InitialReadinessDelay = durations[hpaReadiness],
            },
        },
        ResourceMetricsMaxAge = durations[metricsMaxAge],
        CertificateLifetime = durations[signingDuration],
        CaExpiryWarning = durations[caWarning],
        NodeCredentials = new Drover.ControlPlane.Auth.NodeCredentialOptions { Lifetime = durations[credentialLifetime], Overlap = durations[credentialOverlap] },
        SecretsEncryption = parse.GetValue(secretsEncryption),
        SecretsEncryptionKeyFile = parse.GetValue(secretsKeyFile) is { Length: > 0 } keyFile ? Path.GetFullPath(keyFile) : null,
    };
    try
    {
        var (_, clusterBits) = Drover.ControlPlane.Registry.Allocation.PodCidrAllocator.ParseIPv4Cidr(options.ClusterCidr);
        if (options.NodeCidrMaskSize < clusterBits || options.NodeCidrMaskSize > 30)
            throw new ArgumentException($"--node-cidr-mask-size {options.NodeCidrMaskSize.ToString(CultureInfo.InvariantCulture)} must be between the cluster prefix /{clusterBits.ToString(CultureInfo.InvariantCulture)} and /30");
        Drover.ControlPlane.Registry.Allocation.ServiceAllocator.CheckRanges(options);
    }
    catch (ArgumentException e)
    {
        await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
        return 2;
    }
    // A deposed leader starts over in the same process (see ServerRestart), with everything built anew.
    while (true)
    {
        var exitCode = await DroverServer.RunAsync(options, ct).ConfigureAwait(false);
        if (exitCode != DroverServer.RestartExitCode || ct.IsCancellationRequested)
            return exitCode;
    }
});
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
