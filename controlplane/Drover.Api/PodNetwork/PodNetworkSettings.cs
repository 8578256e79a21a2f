using System.Globalization;

namespace Drover.Api.PodNetwork;

/// <summary>
/// The pod network of a cluster, the same for every node (flannel's net-conf.json): droverd publishes it from its flags
/// in the ConfigMap kube-system/drover-pod-network, and every agent reads it before it sets up its node's network.
/// </summary>
public sealed record PodNetworkSettings
{
    public const string ConfigMapNamespace = "kube-system";
    public const string ConfigMapName = "drover-pod-network";
    public const string BackendKey = "backend";
    public const string ClusterCidrKey = "cluster-cidr";
    public const string VxlanVniKey = "vxlan-vni";
    public const string VxlanPortKey = "vxlan-port";

    /// <summary>flannel's VNI and the Linux kernel's VXLAN port (flannel's and k3s's too; IANA's 4789 is Open vSwitch's).</summary>
    public const int DefaultVxlanVni = 1;
    public const int DefaultVxlanPort = 8472;

    public required PodNetworkBackend Backend { get; init; }

    /// <summary>Every podCIDR lies in it; pod traffic to it is never masqueraded.</summary>
    public required Ipv4Cidr ClusterCidr { get; init; }

    public int VxlanVni { get; init; } = DefaultVxlanVni;
    public int VxlanPort { get; init; } = DefaultVxlanPort;

    public Dictionary<string, string> ToData() => new(StringComparer.Ordinal)
    {
        [BackendKey] = PodNetworkBackends.Name(Backend),
        [ClusterCidrKey] = ClusterCidr.ToString(),
        [VxlanVniKey] = VxlanVni.ToString(CultureInfo.InvariantCulture),
        [VxlanPortKey] = VxlanPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The settings in a ConfigMap's data; a missing or bad value throws a <see cref="FormatException"/> naming the key and the value.</summary>
    public static PodNetworkSettings FromData(IReadOnlyDictionary<string, string>? data)
    {
        data ??= new Dictionary<string, string>();
        var backendText = data.GetValueOrDefault(BackendKey);
        if (!PodNetworkBackends.TryParse(backendText, out var backend))
            throw new FormatException($"{BackendKey}: \"{backendText}\" is not {PodNetworkBackends.VxlanName}, {PodNetworkBackends.HostGwName} or {PodNetworkBackends.NoneName}");
        var cidrText = data.GetValueOrDefault(ClusterCidrKey);
        if (!Ipv4Cidr.TryParse(cidrText, out var clusterCidr) || clusterCidr.PrefixLength is < 8 or > 30)
            throw new FormatException($"{ClusterCidrKey}: \"{cidrText}\" is not an IPv4 CIDR of /8 to /30 such as 10.42.0.0/16");
        return new PodNetworkSettings
        {
            Backend = backend,
            ClusterCidr = clusterCidr,
            VxlanVni = Number(data, VxlanVniKey, DefaultVxlanVni, 1, 16_777_215),
            VxlanPort = Number(data, VxlanPortKey, DefaultVxlanPort, 1, 65_535),
        };
    }

    private static int Number(IReadOnlyDictionary<string, string> data, string key, int fallback, int min, int max)
    {
        if (!data.TryGetValue(key, out var text))
            return fallback;
        return text.Length <= 8 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"{key}: \"{text}\" is not a whole number from {min} to {max}");
    }
}
