using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Drover.Api;

namespace Drover.Agent.Configuration;

/// <summary>
/// Flags and config-file keys of drover-agent. Every value is taken as text and checked here, so a bad
/// value from either source gives one line naming the flag and the value (exit 2).
/// </summary>
internal static partial class AgentCommandLine
{
    private sealed record Flag(string Name, string Description, string? Default = null);

    private static readonly Flag[] Flags =
    [
        new("server", "droverd's URL, e.g. https://10.0.0.1:6443; several replicas comma-separated (the agent fails over between them)."),
        new("token", "The cluster join token (DATA/credentials/join-token on the server); needed for the first join only."),
        new("node-name", "This node's name (default: the hostname)."),
        new("data-dir", "Where the node credential and agent state live.", "/var/lib/drover/agent"),
        new("containerd-socket", "containerd's CRI socket.", "/run/containerd/containerd.sock"),
        new("node-ip", "The address reported as InternalIP (default: the address of the interface with the default route)."),
        new("labels", "Node labels the agent owns: k=v,k2=v2."),
        new("taints", "Node taints the agent owns: key=value:Effect,key:Effect."),
        new("metrics-addr", "host:port for /metrics and /healthz; \"off\" disables them.", "127.0.0.1:9101"),
        new("serving-addr", "host:port of the HTTPS endpoint that serves container logs to droverd (port 0: any free port); \"off\" disables it.", "0.0.0.0:10250"),
        new("dbus-address", "The D-Bus of logind and systemd, for the shutdown drain and the runtime unit's state: \"system\" (the system bus, $DBUS_SYSTEM_BUS_ADDRESS honoured), an address such as unix:path=/run/dbus/system_bus_socket, or \"off\".", "system"),
        new("runtime-unit", "The container runtime's systemd unit, reported in the node's conditions.", "containerd.service"),
        new("serving-cert-lifetime", "Lifetime of the agent's self-signed serving certificate (pinned by droverd through the hash the Node publishes); renewed at two thirds of it while the agent runs.", "8760h"),
        new("lease-interval", "How often the node Lease is renewed (heartbeat).", "10s"),
        new("status-interval", "Node status is written on change, and at least this often.", "60s"),
        new("service-proxy", "Program Services' cluster IPs and node ports into this node's kernel (nftables table ip drover-proxy), as kube-proxy's nftables mode (on by default, as kube-proxy is on every k3s node; \"false\" leaves Services to an ingress only).", "true"),
        new("cluster-cidr", "The cluster's pod network: service traffic from outside it is masqueraded. Empty (the default): the one droverd publishes in the ConfigMap kube-system/drover-pod-network (its --cluster-cidr), so the two cannot disagree.", ""),
        new("cluster-dns", "Cluster DNS on this node: \"pod-gateway\" (a resolver of the agent's own on the node's pod gateway, the first address of its podCIDR: node-local, no interface to add), an IPv4 address to serve on and hand to pods (one the host has, e.g. on a dummy interface), or \"off\" (pods get the host's resolv.conf). On the pod gateway by default, as CoreDNS is in every k3s cluster.", "pod-gateway"),
        new("cluster-domain", "The cluster's DNS domain: names <service>.<namespace>.svc.DOMAIN.", "cluster.local"),
        new("cluster-dns-upstream", "A resolver on loopback (host:port, e.g. 127.0.0.1:5353) the cluster DNS forwards other names to; empty: they are refused (nothing leaves the node).", ""),
        new("termination-drain-delay", "A pod deleted with a grace period keeps serving this long before SIGTERM, while droverd takes it out of Services' Endpoints and ingresses stop sending it requests (0s: kubelet's behaviour, which drops requests during rollouts).", "2s"),
        new("resource-metrics-interval", "How often container and node cpu/memory usage is reported to droverd (drover top, autoscaling); 0s turns it off.", "15s"),
        new("reserved-cpu", "CPU kept back from pods (capacity minus this is allocatable).", "100m"),
        new("reserved-memory", "Memory kept back from pods.", "256Mi"),
        new("max-pods", "Pods this node accepts.", "110"),
        new("cni-conf-dir", "Where the agent writes its CNI conflist (containerd's CNI conf_dir).", "/etc/cni/net.d"),
        new("cni-bin-dir", "Where the CNI plugins are (containerd's CNI bin_dir).", "/usr/lib/cni"),
        new("cni-bridge", "The pod bridge's name.", "drover0"),
        new("cni-ip-masq", "Masquerade pod traffic that leaves the cluster's pod network (nftables table drover-podnet; without a pod network, the CNI bridge plugin's own): true or false.", "true"),
        new("cgroup-root", "The cgroup under which every pod's cgroup is made (ROOT/pod<uid>); several nodes on one host need one each.", "/drover"),
        new("memory-pressure-threshold", "MemoryPressure when available memory falls below this.", "100Mi"),
        new("disk-pressure-threshold", "DiskPressure when the data dir's filesystem has less than this percentage free.", "10"),
        new("image-gc-high-threshold", "Image garbage collection starts when the runtime's image filesystem is this percent full (100 turns it off), as the kubelet's --image-gc-high-threshold.", "85"),
        new("image-gc-low-threshold", "Image garbage collection removes unused images, least recently used first, until the image filesystem is this percent full; at most the high threshold.", "80"),
        new("image-minimum-gc-age", "An unused image is removed only once the agent has known it this long.", "2m"),
        new("image-gc-period", "How often the image filesystem's usage is checked.", "5m"),
        new("checkpoint-secrets", "Keep the Secrets this node's pods read in the offline checkpoint (DATA/checkpoint/objects, sealed with AES-256-GCM under DATA/credentials/checkpoint.key, on the same disk): then pods that read a Secret restart after a reboot without droverd, as ConfigMap-only pods always do. Off (the default), Secrets never reach the node's disk (secret volumes are tmpfs) and such pods wait for droverd after a reboot; Secrets an earlier run kept are deleted at start.", "false"),
        new("config-change-detection", "How a change of a ConfigMap or Secret reaches the volumes of the pods that reference it (kubelet's configMapAndSecretChangeDetectionStrategy): Watch (one single-object watch per referenced object; the pods sync at once) or Get (only at each pod's periodic sync, about every 10 s).", "Watch"),
    ];

    /// <summary>Keys a config file may hold (the flags without their dashes, except --config).</summary>
    public static IReadOnlySet<string> ConfigKeys { get; } = Flags.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The root command; <paramref name="run"/> gets validated options.</summary>
    public static RootCommand Create(Func<AgentOptions, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var (root, options, config) = Build();
        root.SetAction(async (parse, ct) =>
        {
            AgentOptions agentOptions;
            try
            {
                agentOptions = Resolve(parse, options, config);
            }
            catch (AgentOptionsException e)
            {
                await Console.Error.WriteLineAsync("drover-agent: " + e.Message).ConfigureAwait(false);
                return 2;
            }
            return await run(agentOptions, ct).ConfigureAwait(false);
        });
        return root;
    }

    /// <summary>Parses and validates <paramref name="args"/> (tests, and anything that wants options without running).</summary>
    public static AgentOptions Parse(params string[] args)
    {
        var (root, options, config) = Build();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
            throw new AgentOptionsException(parse.Errors[0].Message);
        return Resolve(parse, options, config);
    }

    private static (RootCommand Root, Dictionary<string, Option<string?>> Options, Option<string?> Config) Build()
    {
        var root = new RootCommand("drover-agent: the Drover node agent (joins the cluster, reports the node, runs its pods through containerd's CRI).");
        var options = new Dictionary<string, Option<string?>>(StringComparer.Ordinal);
        foreach (var flag in Flags)
        {
            var description = flag.Default is null ? flag.Description : $"{flag.Description} [default: {flag.Default}]";
            var option = new Option<string?>("--" + flag.Name) { Description = description };
            options[flag.Name] = option;
            root.Options.Add(option);
        }
        var config = new Option<string?>("--config") { Description = "A YAML file with the same keys as the flags (flags win)." };
        root.Options.Add(config);
        return (root, options, config);
    }

    private static AgentOptions Resolve(ParseResult parse, Dictionary<string, Option<string?>> options, Option<string?> configOption)
    {
        var configPath = parse.GetValue(configOption);
        var fromFile = string.IsNullOrEmpty(configPath)
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : AgentConfigFile.Load(configPath, ConfigKeys);
        string? Value(string name) =>
            parse.GetValue(options[name]) ?? fromFile.GetValueOrDefault(name) ?? Flags.First(f => f.Name == name).Default;
        return Build(Value);
    }

    private static AgentOptions Build(Func<string, string?> value)
    {
        var server = value("server") ?? throw new AgentOptionsException("--server is required (droverd's URL, e.g. https://10.0.0.1:6443)");
        var servers = new List<Uri>();
        foreach (var part in server.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var serverUri) || serverUri.Scheme != Uri.UriSchemeHttps)
                throw Bad("server", server, "is not an https:// URL (or a comma-separated list of them, one per droverd replica)");
            if (servers.Count == 16)
                throw Bad("server", server, "lists more than 16 servers");
            servers.Add(serverUri);
        }
        var token = value("token");
        if (token is { Length: 0 })
            token = null;
        var nodeName = value("node-name") ?? Dns.GetHostName().ToLowerInvariant();
        if (nodeName.Length > 253 || !NodeNamePattern().IsMatch(nodeName))
            throw Bad("node-name", nodeName, "is not a valid node name (lower-case letters, digits, '-' and '.', starting and ending alphanumeric)");
        var dataDir = value("data-dir")!;
        if (dataDir.Length == 0)
            throw Bad("data-dir", dataDir, "must not be empty");
        var metrics = value("metrics-addr")!;
        var serving = value("serving-addr")!;
        var cniBridge = value("cni-bridge")!;
        if (cniBridge.Length is 0 or > 15 || !BridgePattern().IsMatch(cniBridge))
            throw Bad("cni-bridge", cniBridge, "is not a Linux interface name (1-15 characters of letters, digits, '-', '_', '.')");
        var disk = ParseDouble("disk-pressure-threshold", value("disk-pressure-threshold")!);
        if (disk is < 0 or > 100)
            throw Bad("disk-pressure-threshold", value("disk-pressure-threshold")!, "is not a percentage between 0 and 100");
        var imageGc = ParseImageGc(value);
        return new AgentOptions
        {
            Server = servers[0],
            Servers = servers,
            Token = token,
            NodeName = nodeName,
            DataDirectory = Path.GetFullPath(dataDir),
            ContainerdSocket = NonEmpty("containerd-socket", value("containerd-socket")!),
            NodeIp = value("node-ip") is { } ip ? ParseAddress("node-ip", ip) : NodeAddressDetector.Detect(),
            Labels = ParseLabels(value("labels") ?? ""),
            Taints = ParseTaints(value("taints") ?? ""),
            MetricsAddress = metrics is "off" or "" ? null : ParseEndpoint("metrics-addr", metrics),
            ServingAddress = serving is "off" or "" ? null : ParseEndpoint("serving-addr", serving, allowAnyPort: true),
            DBusAddress = ParseBusAddress(value("dbus-address")!),
            RuntimeUnit = ParseUnit(value("runtime-unit")!),
            ServingCertificateLifetime = ParseDuration("serving-cert-lifetime", value("serving-cert-lifetime")!),
            LeaseInterval = ParseDuration("lease-interval", value("lease-interval")!),
            StatusInterval = ParseDuration("status-interval", value("status-interval")!),
            TerminationDrainDelay = ParseDuration("termination-drain-delay", value("termination-drain-delay")!, mayBeZero: true),
            ResourceMetricsInterval = ParseDuration("resource-metrics-interval", value("resource-metrics-interval")!, mayBeZero: true),
            ReservedCpu = ParseQuantity("reserved-cpu", value("reserved-cpu")!),
            ReservedMemory = ParseQuantity("reserved-memory", value("reserved-memory")!),
            MaxPods = ParseCount("max-pods", value("max-pods")!),
            CniConfDirectory = NonEmpty("cni-conf-dir", value("cni-conf-dir")!),
            CniBinDirectory = NonEmpty("cni-bin-dir", value("cni-bin-dir")!),
            CniBridge = cniBridge,
            CniIpMasq = ParseBool("cni-ip-masq", value("cni-ip-masq")!),
            ServiceProxy = ParseBool("service-proxy", value("service-proxy")!),
            ClusterCidr = value("cluster-cidr")!.Length == 0
                ? null
                : System.Net.IPNetwork.TryParse(value("cluster-cidr")!, out var clusterCidr) && clusterCidr.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                ? clusterCidr.ToString()
                : throw Bad("cluster-cidr", value("cluster-cidr")!, "is not an IPv4 CIDR such as 10.42.0.0/16"),
            CgroupRoot = ParseCgroupRoot(value("cgroup-root")!),
            ClusterDns = ParseClusterDns(value("cluster-dns")!),
            ClusterDomain = Drover.Agent.ClusterDns.DnsName.IsValid(value("cluster-domain")!) && value("cluster-domain")!.Length > 0 && !value("cluster-domain")!.EndsWith('.')
                ? value("cluster-domain")!.ToLowerInvariant()
                : throw Bad("cluster-domain", value("cluster-domain")!, "is not a DNS name such as cluster.local"),
            ClusterDnsUpstream = ParseUpstream(value("cluster-dns-upstream")!),
            MemoryPressureThreshold = ParseQuantity("memory-pressure-threshold", value("memory-pressure-threshold")!),
            DiskPressureFreeFraction = disk / 100,
            ImageGc = imageGc,
            CheckpointSecrets = ParseBool("checkpoint-secrets", value("checkpoint-secrets")!),
            WatchReferencedObjects = value("config-change-detection") switch
            {
                "Watch" => true,
                "Get" => false,
                var other => throw Bad("config-change-detection", other!, "is not Watch or Get"),
            },
        };
    }

    private static Drover.Agent.Images.ImageGcPolicy ParseImageGc(Func<string, string?> value)
    {
        var high = ParsePercent("image-gc-high-threshold", value("image-gc-high-threshold")!);
        var low = ParsePercent("image-gc-low-threshold", value("image-gc-low-threshold")!);
        if (low > high)
            throw Bad("image-gc-low-threshold", value("image-gc-low-threshold")!, $"is higher than --image-gc-high-threshold ({high.ToString(CultureInfo.InvariantCulture)})");
        return new Drover.Agent.Images.ImageGcPolicy
        {
            HighThresholdPercent = high,
            LowThresholdPercent = low,
            MinimumAge = ParseDuration("image-minimum-gc-age", value("image-minimum-gc-age")!, mayBeZero: true),
            Period = ParseDuration("image-gc-period", value("image-gc-period")!),
        };
    }

    private static int ParsePercent(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100
            ? percent
            : throw Bad(flag, value, "is not a whole percentage between 0 and 100");

    internal static AgentOptionsException Bad(string flag, string value, string why) => new($"--{flag}: \"{value}\" {why}");

    /// <summary>"system", "off" or a D-Bus address (transport:key=value,…); the transports Tmds.DBus.Protocol speaks.</summary>
    private static string? ParseBusAddress(string value) => value switch
    {
        "off" or "" => null,
        "system" => value,
        _ when value.StartsWith("unix:", StringComparison.Ordinal) || value.StartsWith("tcp:", StringComparison.Ordinal) => value.Contains('=', StringComparison.Ordinal)
            ? value
            : throw Bad("dbus-address", value, "has no key=value (e.g. unix:path=/run/dbus/system_bus_socket)"),
        _ => throw Bad("dbus-address", value, "is not \"system\", \"off\" or a D-Bus address (unix:path=…, unix:abstract=…, tcp:host=…,port=…)"),
    };

    private static string ParseUnit(string value) =>
        value.Length is > 0 and <= 255 && UnitPattern().IsMatch(value) ? value : throw Bad("runtime-unit", value, "is not a systemd unit name (e.g. containerd.service)");

    /// <summary>An absolute cgroup path of plain names ("/drover", "/drover/node-2"): it becomes directories under every controller.</summary>
    private static string ParseCgroupRoot(string value) =>
        value.Length is > 1 and <= 200 && CgroupRootPattern().IsMatch(value)
            ? value.TrimEnd('/')
            : throw Bad("cgroup-root", value, "is not an absolute cgroup path such as /drover (letters, digits, '-', '_', '.' between slashes)");

    private static string? ParseClusterDns(string value) =>
        value switch
        {
            "off" => null,
            AgentOptions.PodGatewayDns => value,
            _ when System.Net.IPAddress.TryParse(value, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.ToString() == value => value,
            _ => throw Bad("cluster-dns", value, "is not off, pod-gateway or an IPv4 address"),
        };

    private static System.Net.IPEndPoint? ParseUpstream(string value)
    {
        if (value.Length == 0)
            return null;
        // Only loopback: the resolver must never send a query off the machine on its own.
        return System.Net.IPEndPoint.TryParse(value, out var endpoint) && System.Net.IPAddress.IsLoopback(endpoint.Address) && endpoint.Port > 0
            ? endpoint
            : throw Bad("cluster-dns-upstream", value, "is not a loopback host:port such as 127.0.0.1:5353");
    }

    private static string NonEmpty(string flag, string value) =>
        value.Length > 0 ? value : throw Bad(flag, value, "must not be empty");

    private static IPAddress ParseAddress(string flag, string value) =>
        IPAddress.TryParse(value, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? address
            : throw Bad(flag, value, "is not an IP address of this node");

    private static IPEndPoint ParseEndpoint(string flag, string value, bool allowAnyPort = false) =>
        IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port is >= 0 and <= 65535 && (endpoint.Port > 0 || allowAnyPort) && value.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw Bad(flag, value, "is not an address:port (e.g. 127.0.0.1:9101), or \"off\"");

    private static Quantity ParseQuantity(string flag, string value) =>
        Quantity.TryParse(value, out var quantity) && quantity.Sign >= 0
            ? quantity
            : throw Bad(flag, value, "is not a non-negative quantity (e.g. 100m, 256Mi)");

    private static int ParseCount(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw Bad(flag, value, "is not a positive whole number");

    private static double ParseDouble(string flag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw Bad(flag, value, "is not a number");

    private static bool ParseBool(string flag, string value) => value switch
    {
        "true" or "True" => true,
        "false" or "False" => false,
        _ => throw Bad(flag, value, "is not true or false"),
    };

    /// <summary>A duration in the grammar every binary's flags share (<see cref="GoDurations"/>: 10s, 500ms, 1m30s), positive unless <paramref name="mayBeZero"/>.</summary>
    internal static TimeSpan ParseDuration(string flag, string value, bool mayBeZero = false) =>
        GoDurations.ParseFlag(value, mayBeZero, out var duration) is { } problem ? throw Bad(flag, value, problem) : duration;

    internal static Dictionary<string, string> ParseLabels(string value)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw Bad("labels", item, "is not key=value");
            var (key, label) = (item[..equals], item[(equals + 1)..]);
            if (LabelValidation.ValidateKey(key) is { } keyError)
                throw Bad("labels", item, "has an invalid key: " + keyError);
            if (LabelValidation.ValidateValue(label) is { } valueError)
                throw Bad("labels", item, "has an invalid value: " + valueError);
            // droverd refuses such a label from a node (NodeRestriction); an operator sets it with admin credentials.
            if (!NodeLabelPolicy.IsSelfSettable(key))
                throw Bad("labels", item, $"is not a label a node may set on itself: {NodeLabelPolicy.Rule}");
            labels[key] = label;
        }
        return labels;
    }

    internal static List<Taint> ParseTaints(string value)
    {
        var taints = new List<Taint>();
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = item.LastIndexOf(':');
            if (colon <= 0)
                throw Bad("taints", item, "is not key=value:Effect or key:Effect");
            var effect = item[(colon + 1)..];
            if (effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
                throw Bad("taints", item, "has an effect other than NoSchedule, PreferNoSchedule or NoExecute");
            var keyValue = item[..colon];
            var equals = keyValue.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? keyValue : keyValue[..equals];
            var taintValue = equals < 0 ? null : keyValue[(equals + 1)..];
            if (LabelValidation.ValidateKey(key) is { } keyError)
                throw Bad("taints", item, "has an invalid key: " + keyError);
            if (taintValue is not null && LabelValidation.ValidateValue(taintValue) is { } valueError)
                throw Bad("taints", item, "has an invalid value: " + valueError);
            if (taints.Any(t => t.Key == key && t.Effect == effect))
                throw Bad("taints", item, "repeats a key and effect");
            taints.Add(new Taint { Key = key, Value = taintValue, Effect = effect });
        }
        return taints;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex NodeNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex BridgePattern();

    [GeneratedRegex("^[A-Za-z0-9:_.\\\\@-]+\\.(service|socket|target|mount|scope|slice)$")]
    private static partial Regex UnitPattern();

    // Path segments "." and ".." would climb out of the cgroup tree.
    [GeneratedRegex("^(/(?!\\.\\.?(/|$))[A-Za-z0-9_.-]+)+/?$")]
    private static partial Regex CgroupRootPattern();
}
