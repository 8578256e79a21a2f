namespace Drover.ControlPlane.Auth;

/// <summary>Who made a request. Only the cluster admin exists yet; nodes and the ingress get their own identities later.</summary>
public sealed record Principal(string Name, PrincipalKind Kind);

public enum PrincipalKind { Admin }
