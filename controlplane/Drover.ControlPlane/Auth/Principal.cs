namespace Drover.ControlPlane.Auth;

/// <summary>Who made a request: the cluster admin, one node (named as Kubernetes names kubelets), the ingress controller, or Prometheus.</summary>
public sealed record Principal(string Name, PrincipalKind Kind, string? NodeName = null)
{
    public static Principal Admin { get; } = new("admin", PrincipalKind.Admin);

    public static Principal Ingress { get; } = new("system:drover:ingress", PrincipalKind.Ingress);

    /// <summary>The scraper: named after Kubernetes' system:monitoring, which may read /metrics and nothing else.</summary>
    public static Principal Metrics { get; } = new("system:drover:metrics", PrincipalKind.Metrics);

    public static Principal ForNode(string nodeName) => new("system:node:" + nodeName, PrincipalKind.Node, nodeName);
}

public enum PrincipalKind { Admin, Node, Ingress, Metrics }
