namespace Drover.ControlPlane.Auth;

/// <summary>Who made a request: the cluster admin, or one node (named as Kubernetes names kubelets).</summary>
public sealed record Principal(string Name, PrincipalKind Kind, string? NodeName = null)
{
    public static Principal Admin { get; } = new("admin", PrincipalKind.Admin);

    public static Principal ForNode(string nodeName) => new("system:node:" + nodeName, PrincipalKind.Node, nodeName);
}

public enum PrincipalKind { Admin, Node }
