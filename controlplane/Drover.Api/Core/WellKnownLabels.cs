namespace Drover.Api;

/// <summary>Label keys with a meaning to Kubernetes or Drover (k8s.io/api's well_known_labels.go), defined once for every binary.</summary>
public static class WellKnownLabels
{
    public const string Hostname = "kubernetes.io/hostname";
    public const string OS = "kubernetes.io/os";
    public const string Arch = "kubernetes.io/arch";
    public const string InstanceType = "node.kubernetes.io/instance-type";

    /// <summary>The legacy role label kubectl still shows in the ROLES column.</summary>
    public const string Role = "kubernetes.io/role";

    /// <summary>node-role.kubernetes.io/NAME: a node's role(s), set by the administrator.</summary>
    public const string NodeRolePrefix = "node-role.kubernetes.io/";

    /// <summary>Labels under this prefix are the administrator's: a node may not set them on itself (NodeRestriction).</summary>
    public const string NodeRestrictionDomain = "node-restriction.kubernetes.io";

    /// <summary>The hash of a ReplicaSet's pod template, on the ReplicaSet, its selector and its pods.</summary>
    public const string PodTemplateHash = "pod-template-hash";

    /// <summary>The Service an EndpointSlice belongs to (droverd's EndpointSlice controller, the agent's proxy and DNS).</summary>
    public const string ServiceName = "kubernetes.io/service-name";

    /// <summary>The node a node credential Secret belongs to.</summary>
    public const string CredentialNode = "drover.io/node";
}
