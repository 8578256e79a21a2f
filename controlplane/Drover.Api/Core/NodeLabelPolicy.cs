namespace Drover.Api;

/// <summary>
/// Which labels a node may set on its own Node (Kubernetes' kubelet label set, k8s.io/kubelet/pkg/apis
/// IsKubeletLabel, enforced by the NodeRestriction admission plugin). Labels in the kubernetes.io and k8s.io
/// namespaces steer workloads — node-role.kubernetes.io/control-plane attracts system pods,
/// node-restriction.kubernetes.io/* exists precisely so operators can pin sensitive workloads to nodes that
/// cannot label themselves — so a node may set only the ones that describe itself. Labels outside those
/// namespaces (drover.io/*, example.com/*, plain keys) are the node's to set. Shared by droverd's admission and
/// the agent's --labels parsing, so an agent refuses at start what droverd would refuse at registration.
/// </summary>
public static class NodeLabelPolicy
{
    /// <summary>The namespace operators use for labels no node may set on itself.</summary>
    public const string RestrictedNamespace = WellKnownLabels.NodeRestrictionDomain;

    private static readonly HashSet<string> AllowedKeys = new(StringComparer.Ordinal)
    {
        WellKnownLabels.Hostname,
        "topology.kubernetes.io/zone",
        "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/region",
        "beta.kubernetes.io/instance-type",
        WellKnownLabels.InstanceType,
        WellKnownLabels.OS,
        WellKnownLabels.Arch,
        "beta.kubernetes.io/os",
        "beta.kubernetes.io/arch",
    };

    private static readonly string[] AllowedNamespaces = ["kubelet.kubernetes.io", "node.kubernetes.io"];

    /// <summary>The rule in one sentence, for refusals.</summary>
    public static string Rule { get; } =
        $"a node may not set labels in the {RestrictedNamespace} namespace, and in the kubernetes.io and k8s.io namespaces only " +
        $"{string.Join(", ", AllowedKeys.Order(StringComparer.Ordinal))} and labels under {string.Join(" or ", AllowedNamespaces)}";

    /// <summary>True when a node may add, change or remove <paramref name="key"/> on its own Node.</summary>
    public static bool IsSelfSettable(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ns = NamespaceOf(key);
        if (InDomain(ns, RestrictedNamespace))
            return false;
        if (!(InDomain(ns, "kubernetes.io") || InDomain(ns, "k8s.io")))
            return true;
        if (AllowedKeys.Contains(key))
            return true;
        foreach (var allowed in AllowedNamespaces)
        {
            if (InDomain(ns, allowed))
                return true;
        }
        return false;
    }

    private static string NamespaceOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : key[..slash];
    }

    /// <summary><paramref name="ns"/> is <paramref name="domain"/> or a subdomain of it.</summary>
    private static bool InDomain(string ns, string domain) =>
        ns == domain || ns.EndsWith("." + domain, StringComparison.Ordinal);
}
