namespace Drover.Api;

/// <summary>Annotation keys with a meaning to Kubernetes or Drover (k8s.io/api's annotation_key_constants.go), defined once.</summary>
public static class WellKnownAnnotations
{
    /// <summary>A Deployment's and its ReplicaSets' revision number.</summary>
    public const string DeploymentRevision = "deployment.kubernetes.io/revision";
    public const string DeploymentRevisionHistory = "deployment.kubernetes.io/revision-history";
    public const string DeploymentDesiredReplicas = "deployment.kubernetes.io/desired-replicas";
    public const string DeploymentMaxReplicas = "deployment.kubernetes.io/max-replicas";

    /// <summary>What `apply` last applied, for its three-way merge.</summary>
    public const string LastAppliedConfiguration = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Set on a pod template by `rollout restart` to roll every pod.</summary>
    public const string RestartedAt = "kubectl.kubernetes.io/restartedAt";
    public const string ChangeCause = "kubernetes.io/change-cause";

    /// <summary>A static pod's mirror in the API (drain leaves it alone).</summary>
    public const string ConfigMirror = "kubernetes.io/config.mirror";

    /// <summary>The pre-IngressClass way of naming an Ingress's controller.</summary>
    public const string IngressClass = "kubernetes.io/ingress.class";

    /// <summary>On an IngressClass: Ingresses without a class of their own belong to it.</summary>
    public const string IngressClassIsDefault = "ingressclass.kubernetes.io/is-default-class";

    /// <summary>On a Node the agent cordoned itself (for a shutdown), so that only it uncordons it.</summary>
    public const string CordonedFor = "drover.io/cordoned-for";

    /// <summary>On a Node: the SHA-256 of its log server's certificate(s), which droverd pins.</summary>
    public const string ServingCertificateHash = "drover.io/serving-cert-sha256";

    /// <summary>On a Node: where its agent serves metrics (Prometheus service discovery).</summary>
    public const string MetricsAddress = "drover.io/metrics-address";

    /// <summary>On a Node: the labels and taints the agent set from its flags (so that it removes only its own).</summary>
    public const string AgentLabels = "drover.io/agent-labels";
    public const string AgentTaints = "drover.io/agent-taints";
}
