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
var nodeMask = new Option<int>("--node-cidr-mask-size") { Description = "Prefix length of each node's podCIDR.", DefaultValueFactory = _ => 24 };
var compactionInterval = new Option<string>("--compaction-interval") { Description = "How much store history is kept for watch resumption (e.g. 5m).", DefaultValueFactory = _ => "5m" };
var nodeGrace = new Option<string>("--node-monitor-grace-period") { Description = "How long a node's Lease may go unrenewed before the node is marked Unknown and tainted unreachable (e.g. 20s, 1m).", DefaultValueFactory = _ => "20s" };
var evictionTimeout = new Option<string>("--pod-eviction-timeout") { Description = "How long pods without their own toleration stay on an unreachable node before they are evicted (e.g. 20s).", DefaultValueFactory = _ => "20s" };
var hpaSync = new Option<string>("--horizontal-pod-autoscaler-sync-period") { Description = "How often every HorizontalPodAutoscaler is reconciled.", DefaultValueFactory = _ => "15s" };
var hpaDownscale = new Option<string>("--horizontal-pod-autoscaler-downscale-stabilization") { Description = "How far back the highest recommendation holds a scale-down (for HPAs without their own window).", DefaultValueFactory = _ => "5m" };
var hpaTolerance = new Option<double>("--horizontal-pod-autoscaler-tolerance") { Description = "A usage ratio within 1 plus or minus this changes nothing.", DefaultValueFactory = _ => 0.1 };
var hpaCpuInit = new Option<string>("--horizontal-pod-autoscaler-cpu-initialization-period") { Description = "After a pod starts, its cpu counts only once ready for a whole metric window.", DefaultValueFactory = _ => "5m" };
var hpaReadiness = new Option<string>("--horizontal-pod-autoscaler-initial-readiness-delay") { Description = "A not-ready pod whose readiness changed within this long of its start counts as never ready yet.", DefaultValueFactory = _ => "30s" };
var signingDuration = new Option<string>("--cluster-signing-duration") { Description = "Lifetime of droverd's serving and apiserver-node-client certificates; each is renewed at two thirds of it while droverd runs (e.g. 8760h).", DefaultValueFactory = _ => "8760h" };
var caWarning = new Option<string>("--ca-expiry-warning") { Description = "Warn (log line, Warning Event CertificateExpirationWarning) once the cluster CA has less than this left.", DefaultValueFactory = _ => "2160h" };
var credentialLifetime = new Option<string>("--node-credential-lifetime") { Description = "How long a node credential works; agents renew theirs at two thirds of it.", DefaultValueFactory = _ => "8760h" };
var credentialOverlap = new Option<string>("--node-credential-overlap") { Description = "How long a renewed node credential keeps working once its successor is in use.", DefaultValueFactory = _ => "1h" };
var secretsEncryption = new Option<bool>("--secrets-encryption") { Description = "Encrypt Secrets at rest with AES-GCM (false: new ones are written in clear; encrypted ones still read with the key file).", DefaultValueFactory = _ => true };
var secretsKeyFile = new Option<string?>("--secrets-encryption-key-file") { Description = "The EncryptionConfiguration holding the keys (default: DATA/credentials/encryption-config.json, created 0600 on first start)." };
var metricsMaxAge = new Option<string>("--resource-metrics-max-age") { Description = "How long a node's last usage report is served before it counts as missing.", DefaultValueFactory = _ => "60s" };

var root = new RootCommand("droverd: the Drover control plane (API server, store, controllers).")
{
    dataDir, bindAddress, port, advertise, sans, clientConfig, bookmarkInterval, compactionInterval, clusterCidr, nodeMask, nodeGrace, evictionTimeout,
    hpaSync, hpaDownscale, hpaTolerance, hpaCpuInit, hpaReadiness, metricsMaxAge,
    signingDuration, caWarning, credentialLifetime, credentialOverlap, secretsEncryption, secretsKeyFile,
};
root.Subcommands.Add(SecretsEncryptCommand.Create());
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
        (bookmarkInterval, false), (compactionInterval, false), (nodeGrace, false), (evictionTimeout, true),
        (hpaSync, false), (metricsMaxAge, false), (hpaDownscale, true), (hpaCpuInit, true), (hpaReadiness, true),
        (signingDuration, false), (credentialLifetime, false), (caWarning, true), (credentialOverlap, true),
    })
    {
        if (GoDurations.ParseFlag(parse.GetValue(option), mayBeZero, out var value) is { } problem)
        {
            await Console.Error.WriteLineAsync($"{option.Name}: \"{parse.GetValue(option)}\" {problem}").ConfigureAwait(false);
            return 2;
        }
        durations[option] = value;
    }
    var tolerance = parse.GetValue(hpaTolerance);
    if (tolerance is < 0 or >= 1)
    {
        await Console.Error.WriteLineAsync($"--horizontal-pod-autoscaler-tolerance: {tolerance.ToString(CultureInfo.InvariantCulture)} is not in [0, 1)").ConfigureAwait(false);
        return 2;
    }
    var options = new ServerOptions
    {
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
        NodeMonitorGracePeriod = durations[nodeGrace],
        PodEvictionTimeout = durations[evictionTimeout],
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
    }
    catch (ArgumentException e)
    {
        await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
        return 2;
    }
    return await DroverServer.RunAsync(options, ct).ConfigureAwait(false);
});
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
